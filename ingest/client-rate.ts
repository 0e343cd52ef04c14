// Message rate for the embedded broker: a token bucket per account (a device's id; an anonymous
// client's address), kept across reconnections, so that neither several connections nor a
// reconnect gets a sender more than its rate. A client over its rate is slowed down, not
// dropped: its publish waits for a token (aedes reads one packet at a time per client, so the
// wait throttles that client's socket) and nothing is lost.
export interface ClientRateOptions {
  /** Sustained messages per second per client; 0 turns the limit off. */
  perSecond: number;
  /** Messages a client may send at once after being quiet. */
  burst: number;
}

export interface ClientRateLimiter {
  /** Takes a token for this sender: 0 when it may go now, else how many ms it must wait for
   * the token reserved for it. */
  reserve(sender: string, now: number): number;
}

/** Buckets kept at most; past it, those that have refilled (as good as new) are forgotten. */
const MAX_BUCKETS = 50_000;

interface Bucket {
  tokens: number;
  at: number;
}

export function createClientRateLimiter(options: ClientRateOptions): ClientRateLimiter {
  const buckets = new Map<string, Bucket>();
  const perMs = options.perSecond / 1000;
  return {
    reserve(sender, now) {
      if (options.perSecond <= 0) return 0;
      if (buckets.size >= MAX_BUCKETS) {
        for (const [key, b] of buckets)
          if (b.tokens + (now - b.at) * perMs >= options.burst) buckets.delete(key);
      }
      const bucket = buckets.get(sender) ?? { tokens: options.burst, at: now };
      bucket.tokens = Math.min(options.burst, bucket.tokens + (now - bucket.at) * perMs);
      bucket.at = now;
      bucket.tokens -= 1;
      buckets.set(sender, bucket);
      return bucket.tokens >= 0 ? 0 : Math.ceil(-bucket.tokens / perMs);
    },
  };
}
