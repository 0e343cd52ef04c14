// What an import is made of: candidate readings read from a table's rows, the refusals of rows
// (or cells) with where and why, and the options a user may declare.
import type { ImportFormat, RefusalReason } from "../model/import.ts";
import type { DecimalSeparator, Delimiter, Encoding } from "./sniff.ts";
import type { DateIs } from "./time.ts";

export { IMPORT_FORMATS, type ImportFormat, type RefusalReason } from "../model/import.ts";

/** A reading as a row states it, before it is checked against the site. */
export interface Candidate {
  building: string;
  space: string;
  sensor: string;
  t: number;
  v: number;
  /** The unit the file gives, when it gives one. */
  unit?: string;
  /** The column it comes from, for rows that hold several readings (wide files). */
  column?: string;
}

export interface CellRefusal {
  refused: true;
  reason: RefusalReason;
  detail: string;
  column?: string;
}

/** What a row yields: readings, refusals, and cells it skips on purpose (empty, other stations). */
export interface RowResult {
  candidates: Candidate[];
  refusals: CellRefusal[];
  skipped: number;
  /** Why the row was skipped whole, for the summary ("other stations": 1 520). */
  skippedAs?: string;
}

/** Reads the data rows of one format, once its header is known. */
export interface RowReader {
  readonly format: ImportFormat;
  /** The cells holding numbers, to detect the decimal separator. */
  valueCells(cells: readonly string[]): string[];
  read(cells: readonly string[], decimal: DecimalSeparator): RowResult;
}

export interface TableOptions {
  format?: ImportFormat;
  encoding?: Encoding;
  delimiter?: Delimiter;
  decimal?: DecimalSeparator;
  /** Zone of local times; the site's by default. */
  zone: string;
  dateIs: DateIs;
}

export function refusal(reason: RefusalReason, detail: string, column?: string): CellRefusal {
  return column === undefined ? { refused: true, reason, detail } : { refused: true, reason, detail, column };
}

/** A row with fewer fields than its format needs: most often the wrong delimiter or a quote. */
export function shortRow(fields: number, headerFields: number): CellRefusal {
  return refusal(
    "malformed_row",
    `the row has ${fields} fields where the header has ${headerFields}; check the delimiter and the quotes`,
  );
}
