// Slows down guessing on the embedded broker: every failed login counts against the address it
// came from and the account it named; once either has failed more than a few times in the last
// minute, its next logins wait before they are checked, twice as long for each further failure
// (capped). A device that logs in right is never refused for others' failures, only delayed.
export interface LoginThrottleOptions {
  /** Failures in the window that go unpunished. */
  freeFailures: number;
  windowMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

const DEFAULTS: LoginThrottleOptions = {
  freeFailures: 5,
  windowMs: 60_000,
  baseDelayMs: 100,
  maxDelayMs: 5_000,
};
const MAX_KEYS = 100_000;

const keysOf = (address: string | undefined, account: string | undefined): string[] =>
  account === undefined || account === "" ? [`a:${address}`] : [`a:${address}`, `u:${account}`];

export class LoginThrottle {
  readonly #o: LoginThrottleOptions;
  readonly #failures = new Map<string, number[]>();

  constructor(options: Partial<LoginThrottleOptions> = {}) {
    this.#o = { ...DEFAULTS, ...options };
  }

  /** How long a login from `address` naming `account` waits before it is checked. */
  delayFor(address: string | undefined, account: string | undefined, now: number): number {
    const worst = Math.max(...keysOf(address, account).map((key) => this.#recent(key, now)));
    const over = worst - this.#o.freeFailures;
    return over <= 0 ? 0 : Math.min(this.#o.maxDelayMs, this.#o.baseDelayMs * 2 ** Math.min(over - 1, 20));
  }

  failed(address: string | undefined, account: string | undefined, now: number): void {
    if (this.#failures.size > MAX_KEYS) this.#failures.clear();
    for (const key of keysOf(address, account)) {
      const list = this.#failures.get(key) ?? [];
      list.push(now);
      this.#failures.set(key, list);
    }
  }

  #recent(key: string, now: number): number {
    const list = this.#failures.get(key);
    if (list === undefined) return 0;
    const from = now - this.#o.windowMs;
    while (list.length > 0 && list[0]! < from) list.shift();
    if (list.length === 0) this.#failures.delete(key);
    return list.length;
  }
}
