// Drains the journal into the stores in large batches: readings to the TelemetryStore, dead
// letters to the DeadLetterStore. Retries with backoff; confirms to the journal only what the
// stores confirmed, so a crash or an outage loses nothing (the journal replays it). Only a store
// that refuses readings because of the readings themselves (blame "data") makes dead letters of
// them; a failure of the server or of its configuration is retried until it works, however long
// (storage/store-error.ts), and shows in storeFailure for the readiness probe.
import type { Logger } from "pino";
import { z } from "zod";
import { DEAD_LETTER_PAYLOAD_EXCERPT, type DeadLetter, deadLetterKey } from "../model/dead-letter.ts";
import type { Reading } from "../model/reading.ts";
import type { DeadLetterStore } from "../storage/dead-letter-store.ts";
import { type Blame, blameOf } from "../storage/store-error.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import type { Journal, JournalBatch } from "./journal.ts";
import { countDeadLetter, type IngestMetrics } from "./metrics.ts";

export const writerConfigSchema = z
  .object({
    /** A batch holds about this many readings and dead letters. */
    maxBatch: z.number().int().min(1).max(1_000_000).default(5000),
    /** A partial batch waits at most this long for more. */
    maxDelayMs: z.number().int().min(0).max(60_000).default(50),
    /** Store writes in flight at once: with 2, the next batch is read and encoded while the store
     * takes the previous one. Batches are still confirmed to the journal in order. */
    concurrency: z.number().int().min(1).max(16).default(2),
    /** Backoff after a failed write: retryBaseMs doubling up to retryMaxMs, with full jitter. */
    retryBaseMs: z.number().int().min(1).default(100),
    retryMaxMs: z.number().int().min(1).default(30_000),
  })
  .strict();

export type WriterConfig = z.input<typeof writerConfigSchema>;

/** Told of every successful store write, e.g. to feed batch-size and latency histograms. */
export interface StoreWriteObserver {
  storeWrite(readings: number, seconds: number): void;
}

export interface JournalWriterDeps {
  journal: Journal;
  store: TelemetryStore;
  deadLetters: DeadLetterStore;
  logger: Logger;
  metrics: IngestMetrics;
  observer?: StoreWriteObserver;
}

class Stopped extends Error {}

/** Writes to a store failing for a reason that is not the data's: readiness reports it. */
export interface StoreFailure {
  store: "telemetry store" | "dead-letter store";
  blame: Exclude<Blame, "data">;
  code: string | undefined;
  message: string;
  /** When the current run of failures began, ms since epoch. */
  since: number;
}

/** A batch being written; confirmed once it and every batch before it are stored. */
interface Job {
  batch: JournalBatch;
  done: Promise<void>;
  settled: boolean;
  error: unknown;
}

/** For a readiness probe: what is failing, for how long, and why. */
export function describeStoreFailure(f: StoreFailure, now = Date.now()): string {
  const seconds = Math.round((now - f.since) / 1000);
  const who = f.blame === "operator" ? "refuses writes (its configuration or credentials)" : "is failing";
  return `the ${f.store} ${who} for ${seconds} s; readings wait in the journal: ${f.message}`;
}

/** Errors from a store may say when to retry (Telegraf's habit) and carry a stable code. */
interface StoreErrorHints {
  retryAfterMs?: number;
  code?: string;
}
const hints = (err: unknown): StoreErrorHints =>
  typeof err === "object" && err !== null ? (err as StoreErrorHints) : {};
const describe = (err: unknown) => (err instanceof Error ? err.message : String(err));

export class JournalWriter {
  readonly #config: z.infer<typeof writerConfigSchema>;
  readonly #deps: JournalWriterDeps;
  #running: Promise<void> | null = null;
  #stopping = false;
  #urgent = 0;
  #inFlight: Job[] = [];
  #failure: unknown = null;
  #wake = new Set<() => void>();
  #idleWaiters: (() => void)[] = [];
  #storeFailure: StoreFailure | null = null;

  constructor(config: WriterConfig, deps: JournalWriterDeps) {
    this.#config = writerConfigSchema.parse(config);
    this.#deps = deps;
  }

  /** Starts draining in the background (the journal must be open). Idempotent. */
  start(): void {
    if (this.#running || this.#stopping) return;
    this.#running = this.#loop().catch((err) => {
      this.#deps.logger.error({ err }, "journal writer stopped on an unexpected error");
    });
  }

  /** Set while a store's writes fail for the server's or the operator's reason (auth, missing
   * database, outage); cleared by the next write that succeeds. */
  get storeFailure(): StoreFailure | null {
    return this.#storeFailure;
  }

  /** Resolves true once everything appended so far is stored, false if `timeoutMs` passed first. */
  async flush(timeoutMs = 10_000): Promise<boolean> {
    try {
      this.#deps.journal.flush(); // what is staged for this turn's write counts as appended
    } catch {
      // those entries are not acknowledged; whoever staged them was told
    }
    if (!this.#running) return this.#deps.journal.unread === 0;
    this.#urgent++;
    this.#kick();
    try {
      return await withTimeout(
        new Promise<boolean>((resolve) => {
          const check = () => {
            if (this.#inFlight.length === 0 && this.#deps.journal.unread === 0) resolve(true);
            else this.#idleWaiters.push(check);
          };
          check();
        }),
        timeoutMs,
        false,
      );
    } finally {
      this.#urgent--;
    }
  }

  /** Flushes (up to `timeoutMs`) then stops; what is not stored stays in the journal. Safe twice. */
  async close(timeoutMs = 10_000): Promise<void> {
    if (this.#running && !this.#stopping) {
      const flushed = await this.flush(timeoutMs);
      if (!flushed)
        this.#deps.logger.warn("journal writer closed before the store took everything; it will replay");
    }
    this.#stopping = true;
    this.#kick();
    if (this.#running) await withTimeout(this.#running, 1000, undefined);
  }

  async #loop(): Promise<void> {
    const { journal } = this.#deps;
    const { maxBatch, maxDelayMs, concurrency } = this.#config;
    while (!this.#stopping) {
      if (this.#failure !== null) throw this.#failure;
      if (this.#inFlight.length >= concurrency) {
        await this.#sleepUntil(this.#oneSettled(), Number.POSITIVE_INFINITY);
        continue;
      }
      if (journal.unread === 0) {
        if (this.#inFlight.length === 0) this.#notifyIdle();
        const more = journal.waitForData(1);
        await this.#sleepUntil(more, Number.POSITIVE_INFINITY);
        continue;
      }
      // Let a partial batch fill for a moment: fewer, larger transactions.
      if (this.#urgent === 0 && journal.unread < maxBatch && maxDelayMs > 0) {
        await this.#sleepUntil(journal.waitForData(maxBatch), maxDelayMs);
        if (this.#stopping) break;
      }
      const batch = journal.read(maxBatch);
      if (!batch) continue;
      const job: Job = { batch, done: Promise.resolve(), settled: false, error: null };
      job.done = this.#write(batch).then(
        () => this.#settle(job, null),
        (err: unknown) => this.#settle(job, err ?? new Error("store write failed")),
      );
      this.#inFlight.push(job);
    }
    await Promise.all(this.#inFlight.map((j) => j.done));
    this.#notifyIdle();
  }

  /** Resolves when one more write settles (a stored batch may wait for an earlier one to be
   * confirmed, and still holds its place in flight meanwhile). */
  #oneSettled(): Promise<void> {
    const writing = this.#inFlight.filter((j) => !j.settled);
    return writing.length > 0 ? Promise.race(writing.map((j) => j.done)) : new Promise<void>(() => {});
  }

  /** Confirms, in order, every batch stored whose predecessors are stored. A batch that stopped
   * (close) or failed is not confirmed, and neither is anything after it: it all replays. */
  #settle(job: Job, error: unknown): void {
    job.settled = true;
    job.error = error;
    const { journal } = this.#deps;
    while (this.#inFlight.length > 0 && this.#inFlight[0]!.settled) {
      const head = this.#inFlight[0]!;
      if (head.error !== null) {
        if (!(head.error instanceof Stopped) && this.#failure === null) {
          this.#failure = head.error;
          this.#kick();
        }
        break;
      }
      this.#inFlight.shift();
      try {
        journal.confirm(head.batch.end);
      } catch (err) {
        this.#failure ??= err;
        this.#kick();
      }
    }
    if (this.#inFlight.length === 0) this.#notifyIdle();
  }

  async #write(batch: JournalBatch): Promise<void> {
    const { metrics } = this.#deps;
    const readings: Reading[] = [];
    const letters: DeadLetter[] = [];
    const receivedAt: number[] = [];
    batch.entries.forEach((e, i) => {
      for (const r of e.readings) {
        readings.push(r);
        receivedAt.push(e.receivedAt);
      }
      const at = batch.positions[i]!;
      e.deadLetters.forEach((d, k) => {
        letters.push({ ...d, key: deadLetterKey(d, `${at.segment}:${at.offset}:${k}`) });
      });
    });
    if (readings.length > 0) {
      const refused = await this.#writeReadings(readings, receivedAt);
      metrics.readingsStored += readings.length - refused.length;
      metrics.storeBatches++;
      if (refused.length > 0) countDeadLetter(metrics, "store_rejected", refused.length);
      letters.push(...refused);
    }
    if (letters.length > 0) await this.#recordLetters(letters);
  }

  /** Writes readings; returns dead letters for those the store refused. A batch the store
   * refuses whole for what it holds is split in halves until the culprits are alone. */
  async #writeReadings(readings: Reading[], receivedAt: number[]): Promise<DeadLetter[]> {
    try {
      const result = await this.#retrying("telemetry store", async () => {
        const started = performance.now();
        const outcome = await this.#deps.store.write(readings);
        this.#deps.observer?.storeWrite(readings.length, (performance.now() - started) / 1000);
        return outcome;
      });
      if (result.rejected.length === 0) return [];
      const index = new Map(readings.map((r, i) => [r, i]));
      return result.rejected.map(({ reading, reason }) =>
        storeRejected(reading, receivedAt[index.get(reading) ?? -1] ?? Date.now(), reason),
      );
    } catch (err) {
      if (err instanceof Stopped) throw err;
      if (readings.length === 1) return [storeRejected(readings[0]!, receivedAt[0]!, describe(err))];
      const half = readings.length >> 1;
      const left = await this.#writeReadings(readings.slice(0, half), receivedAt.slice(0, half));
      const right = await this.#writeReadings(readings.slice(half), receivedAt.slice(half));
      return left.concat(right);
    }
  }

  /** Records dead letters. A letter the store refuses for what it holds is recorded without its
   * payload excerpt; and that, like any other failure, is retried until it works: a dead letter
   * waits in the journal like a reading and is never dropped. */
  async #recordLetters(letters: DeadLetter[]): Promise<void> {
    const { deadLetters, metrics } = this.#deps;
    try {
      await this.#retrying("dead-letter store", () => deadLetters.record(letters));
      metrics.deadLettersStored += letters.length;
    } catch (err) {
      if (err instanceof Stopped) throw err;
      if (letters.length > 1) {
        const half = letters.length >> 1;
        await this.#recordLetters(letters.slice(0, half));
        await this.#recordLetters(letters.slice(half));
        return;
      }
      const plain = withoutPayload(letters[0]!, describe(err));
      await this.#retrying("dead-letter store", () => deadLetters.record([plain]), { retryRefusals: true });
      metrics.deadLettersStored++;
      metrics.deadLettersWithoutPayload++;
    }
  }

  /** Runs `op` until it succeeds or we stop. A refusal of the data itself (blame "data") is
   * thrown for the caller to split, unless `retryRefusals`; everything else is the server's or
   * the operator's and is retried with backoff, however long it takes. */
  async #retrying<T>(
    what: StoreFailure["store"],
    op: () => Promise<T>,
    options: { retryRefusals?: boolean } = {},
  ): Promise<T> {
    const { retryBaseMs, retryMaxMs } = this.#config;
    const { metrics, logger } = this.#deps;
    for (let attempt = 0; ; attempt++) {
      if (this.#stopping) throw new Stopped();
      try {
        const result = await op();
        if (this.#storeFailure?.store === what) {
          logger.info(
            { store: what, failedForMs: Date.now() - this.#storeFailure.since },
            `${what} writes work again`,
          );
          this.#storeFailure = null;
        }
        return result;
      } catch (err) {
        const blame = blameOf(err);
        if (blame === "data" && !options.retryRefusals) throw err;
        const h = hints(err);
        const backoff = Math.random() * Math.min(retryMaxMs, retryBaseMs * 2 ** Math.min(attempt, 30));
        const delay = Math.min(retryMaxMs, Math.max(backoff, h.retryAfterMs ?? 0));
        metrics.storeRetries++;
        metrics.storeErrors[blame] = (metrics.storeErrors[blame] ?? 0) + 1;
        const since = this.#storeFailure?.store === what ? this.#storeFailure.since : Date.now();
        this.#storeFailure = {
          store: what,
          blame: blame === "data" ? "operator" : blame,
          code: h.code,
          message: describe(err),
          since,
        };
        const context = {
          code: h.code,
          attempt: attempt + 1,
          delayMs: Math.round(delay),
          error: describe(err),
        };
        if (blame === "server") logger.warn(context, `${what} write failed; retrying`);
        else
          logger.error(
            context,
            `${what} refuses writes: check its credentials, database and settings; everything waits in the journal and is retried`,
          );
        await this.#sleepUntil(null, delay);
      }
    }
  }

  /** Sleeps until `event` settles, `ms` passes, or close() wakes us (every sleeper: the loop and
   * each write backing off). */
  async #sleepUntil(event: Promise<void> | null, ms: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    let wake: (() => void) | undefined;
    await Promise.race([
      ...(event ? [event] : []),
      ...(Number.isFinite(ms) ? [new Promise<void>((r) => (timer = setTimeout(r, ms)))] : []),
      new Promise<void>((r) => {
        wake = r;
        this.#wake.add(r);
      }),
    ]);
    if (timer) clearTimeout(timer);
    this.#wake.delete(wake!);
  }

  #kick(): void {
    for (const wake of this.#wake) wake();
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const w of waiters) w();
  }
}

/** The letter as it can still be kept when the store refuses what it holds: no payload, and a
 * detail that says why. */
function withoutPayload(letter: DeadLetter, refusal: string): DeadLetter {
  const note = ` [payload not kept: the dead-letter store refused it (${refusal})]`;
  return { ...letter, payload: "", detail: `${letter.detail.slice(0, 1000)}${note}`.slice(0, 2000) };
}

function storeRejected(reading: Reading, receivedAt: number, reason: string): DeadLetter {
  const payload = JSON.stringify({ quantity: reading.quantity, t: reading.t, v: reading.v });
  return {
    receivedAt,
    topic: `telemetry/${reading.building}/${reading.space}/${reading.sensor}`,
    reason: "store_rejected",
    detail: `the telemetry store refused this reading: ${reason}`.slice(0, 2000),
    payload: payload.slice(0, DEAD_LETTER_PAYLOAD_EXCERPT),
    building: reading.building,
  };
}

function withTimeout<T>(p: Promise<T>, ms: number, fallback: T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p, new Promise<T>((r) => (timer = setTimeout(() => r(fallback), ms)))]).finally(() =>
    clearTimeout(timer),
  );
}

export function createJournalWriter(config: WriterConfig, deps: JournalWriterDeps): JournalWriter {
  return new JournalWriter(config, deps);
}
