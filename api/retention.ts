// The personal-data retention job: per-dwelling data finer than daily is kept only
// RETENTION_FINE_DAYS (what operations such as leak detection need) unless the occupant
// consented to longer; past that, raw points go and the daily aggregates stay.
import type { Logger } from "pino";
import { windowStart } from "../domain/calendar.ts";
import type { DeadLetterStore } from "../storage/dead-letter-store.ts";
import type { FineDataPruner } from "../storage/fine-data-pruner.ts";

export interface RetentionOptions {
  pruner: FineDataPruner;
  /** Dead letters carry readings in their payloads: they go after the same days. */
  deadLetters?: Pick<DeadLetterStore, "pruneReceivedBefore">;
  /** Days of raw per-dwelling points kept without consent. */
  fineDays: number;
  /** The site's time zone: whole local days go. */
  timeZone: string;
  logger: Logger;
  /** Between runs; default 6 h. */
  intervalMs?: number;
}

export interface RetentionJob {
  /** Prunes once; the cutoff is the local midnight `fineDays` before `now`, so whole days go. */
  runOnce(now?: number): Promise<{ before: number; series: number; deleted: number; deadLetters: number }>;
  /** Runs now and then every interval; errors are logged, never thrown. */
  start(): void;
  /** Stops the schedule and waits for a run in progress. Safe twice. */
  stop(): Promise<void>;
}

/** The first instant of fine dwelling data kept without consent: the local midnight (in the
 * site's zone) `fineDays` before `now`, so whole days go. The job prunes before it, and reads
 * serve nothing finer than daily before it, whether or not the job has run yet. */
export function fineCutoff(now: number, fineDays: number, zone: string): number {
  return windowStart(now - fineDays * 86_400_000, "1d", zone);
}

export function createRetentionJob(options: RetentionOptions): RetentionJob {
  if (!(Number.isInteger(options.fineDays) && options.fineDays >= 1)) {
    throw new Error(
      `RETENTION_FINE_DAYS must be a whole number of days, at least 1; got ${options.fineDays}`,
    );
  }
  const intervalMs = options.intervalMs ?? 6 * 3_600_000;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();

  const runOnce = async (now = Date.now()) => {
    // Whole local days, so a day's rollup is never left beside half of its points.
    const before = fineCutoff(now, options.fineDays, options.timeZone);
    const result = await options.pruner.pruneFine(before, "fine_history");
    const deadLetters = (await options.deadLetters?.pruneReceivedBefore(before)) ?? 0;
    options.logger.info(
      { before: new Date(before).toISOString(), series: result.series, deleted: result.deleted, deadLetters },
      "retention: fine-grained dwelling data reduced to daily, older dead letters deleted",
    );
    return { before, ...result, deadLetters };
  };

  const tick = () => {
    running = runOnce().catch((error: unknown) =>
      options.logger.error({ err: error }, "retention run failed"),
    );
  };

  return {
    runOnce,
    start() {
      if (timer) return;
      tick();
      timer = setInterval(tick, intervalMs);
      timer.unref();
    },
    async stop() {
      if (timer) clearInterval(timer);
      timer = undefined;
      await running;
    },
  };
}
