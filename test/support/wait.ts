// Polling for services tests: wait until a probe sees what the test waits for, or fail saying
// what did not happen within how long.

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Polls `probe` every `everyMs` (default 100) until it returns a value other than undefined,
 * and returns that value. A probe that throws counts as "not yet" (a server still starting):
 * the last error goes in the timeout's message, followed by `explain()` (a process's output). */
export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
  options: { explain?: () => string; everyMs?: number } = {},
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(options.everyMs ?? 100);
  }
  const explanation = options.explain?.() ?? "";
  throw new Error(`${what} did not happen within ${timeoutMs} ms (${String(last ?? "")})\n${explanation}`);
}

/** Polls `check` every `everyMs` (default 100) until it returns true. Unlike waitFor, an error
 * from `check` is not retried: it fails the wait at once. */
export async function until(
  what: string,
  timeoutMs: number,
  check: () => Promise<boolean>,
  everyMs = 100,
): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(everyMs);
  }
  throw new Error(`${what}: not within ${timeoutMs} ms`);
}
