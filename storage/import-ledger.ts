// The ImportLedger port: every import (imports/run-import.ts), how far it got and what it
// refused. A crashed import resumes from its checkpoint (the last line whose readings the store
// confirmed); the refused rows are kept for the user to download and fix.
// storage/contract/import-ledger.contract.ts is its executable definition.
import type { ImportFormat, RefusalReason } from "../model/import.ts";

export type ImportState = "running" | "done" | "interrupted";

export interface ImportCounts {
  /** Data rows read (header and blank lines excluded). */
  rows: number;
  /** Readings the store confirmed (a duplicate within the file is not counted twice). */
  stored: number;
  /** Readings or rows refused, each kept with its line and reason. */
  refused: number;
  /** Readings the file repeats with the same value. */
  duplicates: number;
  /** Cells or rows left out on purpose, by why ("empty cells", "rows of stations no building names"). */
  skipped: Record<string, number>;
  /** Earliest and latest instant stored, ms. */
  firstT?: number;
  lastT?: number;
}

export interface ImportRecord {
  id: number;
  /** Who the file is: its name, first megabyte and the options it is read with. */
  identity: string;
  name: string;
  format: ImportFormat;
  by: string;
  /** The buildings the importer could write (a manager's), sorted; undefined: every one (admin, cli). */
  scope?: string[];
  startedAt: number;
  finishedAt?: number;
  state: ImportState;
  /** The last line of the file whose readings and refusals are all recorded. */
  line: number;
  counts: ImportCounts;
  /** SHA-256 of the whole file, once read whole. */
  sha256?: string;
  /** Why it stopped, when interrupted. */
  error?: string;
}

export interface RefusedRow {
  line: number;
  /** The column, for rows holding several readings ("" otherwise). */
  column: string;
  reason: RefusalReason;
  detail: string;
  /** The row as read, cut to 1 000 characters. */
  row: string;
}

export interface ImportLedger {
  /** Opens the store and creates what it needs. Safe to call once. */
  connect(): Promise<void>;
  /** Safe twice and without connect. */
  close(): Promise<void>;
  /** The newest import of the same identity that is not done (running or interrupted), to resume. */
  unfinished(identity: string): Promise<ImportRecord | undefined>;
  /** The first import done with a file of this content. */
  doneWithContent(sha256: string): Promise<ImportRecord | undefined>;
  /** Records a new import; its id is larger than any before it. */
  begin(record: Omit<ImportRecord, "id">): Promise<ImportRecord>;
  /** Marks an unfinished import running again, without the error it stopped on. */
  resume(id: number): Promise<void>;
  /** Records refusals and moves the checkpoint, in one transaction. A refused row is identified
   * by its import, line and column: one recorded already is kept as it was, so an import that
   * resumes and reads the row again records it once. */
  checkpoint(id: number, line: number, counts: ImportCounts, refused: readonly RefusedRow[]): Promise<void>;
  /** Sets the state, the content's hash and the error (an absent one cleared), finishedAt `at`. */
  finish(
    id: number,
    outcome: { state: ImportState; sha256?: string; error?: string; at: number },
  ): Promise<void>;
  get(id: number): Promise<ImportRecord | undefined>;
  /** The latest imports, of `by` only when given. */
  list(limit: number, by?: string): Promise<ImportRecord[]>;
  /** Refused rows in line and column order, after the row `after` (the start when undefined), at most `limit`. */
  refused(
    id: number,
    after: Pick<RefusedRow, "line" | "column"> | undefined,
    limit: number,
  ): Promise<RefusedRow[]>;
}
