// The DeadLetterStore port: where ingest keeps what it refused, and where operators read it.
import type { DeadLetter, RejectionReason } from "../model/dead-letter.ts";

export interface StoredDeadLetter extends DeadLetter {
  /** Increasing id, usable as a cursor: newer letters have larger ids. */
  id: number;
}

export interface DeadLetterFilter {
  building?: string;
  reason?: RejectionReason;
  /** Only letters with id < before (paging backwards from the newest). */
  before?: number;
  limit: number;
}

export interface DeadLetterStore {
  connect(): Promise<void>;
  /** Safe twice and without connect. */
  close(): Promise<void>;
  /** Durable when the promise resolves. Idempotent: a letter recorded again (same fields, as
   * deadLetterKey says) is stored once, so a replayed batch adds nothing. */
  record(letters: readonly DeadLetter[]): Promise<void>;
  /** Newest first. */
  list(filter: DeadLetterFilter): Promise<StoredDeadLetter[]>;
  /** How many letters per reason (reasons with none are absent). */
  countByReason(filter?: { building?: string }): Promise<Partial<Record<RejectionReason, number>>>;
  /** Deletes the letters received before `before` (ms): they carry readings, so they follow the
   * readings' retention. Resolves with how many went. */
  pruneReceivedBefore(before: number): Promise<number>;
}
