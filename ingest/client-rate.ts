// Per-client message rate for the embedded broker: a token bucket per MQTT client id. A client
// over its rate is slowed down, not dropped: its publish waits for a token (aedes reads one
// packet at a time per client, so the wait throttles that client's socket) and nothing is lost.
export interface ClientRateOptions {
  /** Sustained messages per second per client; 0 turns the limit off. */
  perSecond: number;
  /** Messages a client may send at once after being quiet. */
  burst: number;
}

export interface ClientRateLimiter {
  /** Takes a token for this client: 0 when it may go now, else how many ms it must wait for
   * the token reserved for it. */
  reserve(clientId: string, now: number): number;
  /** Forgets a client (on disconnect). */
  forget(clientId: string): void;
}

interface Bucket {
  tokens: number;
  at: number;
}

export function createClientRateLimiter(options: ClientRateOptions): ClientRateLimiter {
  const buckets = new Map<string, Bucket>();
  const perMs = options.perSecond / 1000;
  return {
    reserve(clientId, now) {
      if (options.perSecond <= 0) return 0;
      const bucket = buckets.get(clientId) ?? { tokens: options.burst, at: now };
      bucket.tokens = Math.min(options.burst, bucket.tokens + (now - bucket.at) * perMs);
      bucket.at = now;
      bucket.tokens -= 1;
      buckets.set(clientId, bucket);
      return bucket.tokens >= 0 ? 0 : Math.ceil(-bucket.tokens / perMs);
    },
    forget(clientId) {
      buckets.delete(clientId);
    },
  };
}
