// Ingest's counters, kept as plain numbers so the hot path pays one increment each; the ops
// endpoint (prom-client) reads them when scraped rather than being called per message.
import type { RejectionReason } from "../model/dead-letter.ts";
import type { Blame } from "../storage/store-error.ts";

export interface IngestMetrics {
  /** MQTT messages handed to ingest (each attempt, so a refused then redelivered message counts twice). */
  messages: number;
  /** Messages ingest refused to acknowledge because the journal was full or failed. */
  messagesRefused: number;
  /** Publishes the embedded broker held back because their client was over its message rate. */
  messagesThrottled: number;
  /** MQTT logins the embedded broker refused: wrong secret, unknown device, or anonymous on a site that refuses it. */
  loginsRefused: number;
  /** Readings accepted and appended to the journal. */
  readingsAccepted: number;
  /** Readings timed from their receipt (no device time, or a SenML time relative to now). */
  readingsTimedAtReceipt: number;
  /** Of those, the ones moved to a later millisecond so as not to meet another of their series. */
  readingsReceiptTimeMoved: number;
  /** Dead letters produced at the edge or by the store, per reason. */
  deadLetters: Partial<Record<RejectionReason, number>>;
  /** Journal records appended and their bytes. */
  journalAppends: number;
  journalBytes: number;
  /** Corrupt or torn journal records found and skipped (on open or while reading back). */
  journalCorruptRecords: number;
  /** Readings the store confirmed, batches written, retried attempts. */
  readingsStored: number;
  storeBatches: number;
  storeRetries: number;
  /** Failed store writes, by whose failure it was (each was retried). */
  storeErrors: Partial<Record<Blame, number>>;
  /** Dead letters counted in a summary letter instead of kept (over their source's hourly budget). */
  deadLettersSummarised: number;
  /** Dead letters the dead-letter store confirmed. */
  deadLettersStored: number;
  /** Dead letters kept without their payload excerpt, which the dead-letter store refused. */
  deadLettersWithoutPayload: number;
}

export function createIngestMetrics(): IngestMetrics {
  return {
    messages: 0,
    messagesRefused: 0,
    messagesThrottled: 0,
    loginsRefused: 0,
    readingsAccepted: 0,
    readingsTimedAtReceipt: 0,
    readingsReceiptTimeMoved: 0,
    deadLetters: {},
    journalAppends: 0,
    journalBytes: 0,
    journalCorruptRecords: 0,
    readingsStored: 0,
    storeBatches: 0,
    storeRetries: 0,
    storeErrors: {},
    deadLettersSummarised: 0,
    deadLettersStored: 0,
    deadLettersWithoutPayload: 0,
  };
}

export function countDeadLetter(metrics: IngestMetrics, reason: RejectionReason, n = 1): void {
  metrics.deadLetters[reason] = (metrics.deadLetters[reason] ?? 0) + n;
}
