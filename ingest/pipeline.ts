// One MQTT message in, one decision out: decode and validate it (accept.ts), append what it
// yielded to the journal, and say whether the broker may be sent its acknowledgement.
import type { Logger } from "pino";
import type { DeadLetter } from "../model/dead-letter.ts";
import { DEAD_LETTER_PAYLOAD_EXCERPT, topicExcerpt } from "../model/dead-letter.ts";
import type { SiteRegistry } from "../model/registry.ts";
import { acceptMessage } from "./accept.ts";
import type { Journal } from "./journal.ts";
import type { LetterBudget } from "./letter-budget.ts";
import type { IngestLimits } from "./limits.ts";
import { countDeadLetter, type IngestMetrics } from "./metrics.ts";
import { ReceiptClock } from "./receipt-clock.ts";

export interface IngestPipelineDeps {
  registry: SiteRegistry;
  limits: IngestLimits;
  journal: Journal;
  metrics: IngestMetrics;
  logger: Logger;
  /** Bounds the dead letters one source leaves per hour (letter-budget.ts); none: unbounded. */
  letterBudget?: LetterBudget;
}

export interface IngestPipeline {
  /** Whether a topic outside telemetry is a source's (the site file's sources), which ingest takes. */
  claims(topic: string): boolean;
  /** Handles one message synchronously. True: its readings and dead letters are in the journal
   * and the message may be acknowledged. False: the journal is full or failing; do NOT
   * acknowledge (the broker keeps the message) and retry after `waitForRoom()`. */
  handle(topic: string, payload: Buffer, receivedAt: number): boolean;
  /** Like `handle`, but the journal write is shared with the other messages of this turn of the
   * event loop: true means staged, NOT yet written. Acknowledge only from `whenWritten`. */
  stage(topic: string, payload: Buffer, receivedAt: number): boolean;
  /** Calls `done` once everything staged so far is in the journal (true), or could not be written
   * (false: acknowledge none of it; it was logged and counted). */
  whenWritten(done: (written: boolean) => void): void;
  /** Writes what is staged now; false when that failed. */
  flush(): boolean;
  /** Resolves when the journal has freed space, or after `maxMs` (a failing disk frees none). */
  waitForRoom(maxMs?: number): Promise<void>;
}

export function createIngestPipeline(deps: IngestPipelineDeps): IngestPipeline {
  const { registry, limits, journal, metrics, logger, letterBudget } = deps;
  let lastWriteError = 0;
  const receiptClock = new ReceiptClock();

  const writeFailed = (err: unknown, now: number) => {
    if (now - lastWriteError > 10_000) {
      lastWriteError = now;
      logger.error({ err }, "journal write failed; messages are not acknowledged until it works again");
    }
  };

  const take = (topic: string, payload: Buffer, receivedAt: number, staged: boolean): boolean => {
    metrics.messages++;
    let outcome: ReturnType<typeof acceptMessage>;
    try {
      outcome = acceptMessage(topic, payload, receivedAt, registry, limits);
    } catch (err) {
      // A bug in a decoder must not take the broker down, nor lose the message: keep it as a letter.
      logger.error({ err, topic }, "accepting a message threw; kept as a dead letter");
      outcome = { accepted: [], rejected: [internalError(topic, payload, receivedAt, err)] };
    }
    // Before the journal: a replay keeps the times given here.
    const atReceipt = outcome.atReceipt ?? [];
    let moved = 0;
    for (const i of atReceipt) if (receiptClock.stamp(outcome.accepted[i]!) > 0) moved++;
    const unstamp = () => {
      for (const i of atReceipt) receiptClock.release(outcome.accepted[i]!);
    };
    let deadLetters = outcome.rejected;
    let summarised = 0;
    if (letterBudget) ({ kept: deadLetters, summarised } = letterBudget.admit(outcome.rejected, receivedAt));
    const entry = { receivedAt, readings: outcome.accepted, deadLetters };
    let appended: "ok" | "full";
    try {
      appended = staged ? journal.stage(entry) : journal.append(entry);
    } catch (err) {
      unstamp();
      metrics.messagesRefused++;
      writeFailed(err, receivedAt);
      return false;
    }
    if (appended === "full") {
      unstamp();
      metrics.messagesRefused++;
      return false;
    }
    metrics.readingsAccepted += outcome.accepted.length;
    metrics.readingsTimedAtReceipt += atReceipt.length;
    metrics.readingsReceiptTimeMoved += moved;
    metrics.deadLettersSummarised += summarised;
    for (const letter of outcome.rejected) countDeadLetter(metrics, letter.reason);
    return true;
  };

  return {
    claims: (topic) => registry.profileOf(topic) !== undefined,
    handle: (topic, payload, receivedAt) => take(topic, payload, receivedAt, false),
    stage: (topic, payload, receivedAt) => take(topic, payload, receivedAt, true),
    whenWritten(done) {
      journal.whenWritten((error, entries) => {
        if (error) {
          metrics.messagesRefused += entries;
          writeFailed(error, Date.now());
        }
        done(error === null);
      });
    },
    flush() {
      try {
        journal.flush();
        return true;
      } catch {
        return false; // the waiters were told, logged and counted
      }
    },
    waitForRoom(maxMs = 1000) {
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([
        journal.waitForRoom(),
        new Promise<void>((r) => (timer = setTimeout(r, maxMs))),
      ]).finally(() => clearTimeout(timer));
    },
  };
}

function internalError(topic: string, payload: Buffer, receivedAt: number, err: unknown): DeadLetter {
  return {
    receivedAt,
    topic: topicExcerpt(topic),
    reason: "malformed_payload",
    detail: `ingest could not process this message (${err instanceof Error ? err.message : String(err)}); please report it`,
    payload: payload.subarray(0, DEAD_LETTER_PAYLOAD_EXCERPT).toString("utf8"),
  };
}
