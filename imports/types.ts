// What an import is made of: candidate readings read from a table's rows, the refusals of rows
// (or cells) with where and why, and the options a user may declare.
import type { RejectionReason } from "../model/dead-letter.ts";
import type { DecimalSeparator, Delimiter, Encoding } from "./sniff.ts";
import type { DateIs } from "./time.ts";

export const IMPORT_FORMATS = ["long", "wide", "meteo-france-daily", "meteo-france-hourly"] as const;
export type ImportFormat = (typeof IMPORT_FORMATS)[number];

/** Why a row or cell was refused: the live reasons that apply to files, and those of files. */
export type RefusalReason =
  | Extract<
      RejectionReason,
      | "unknown_building"
      | "unknown_space"
      | "unknown_sensor"
      | "wrong_unit"
      | "non_finite_value"
      | "out_of_range"
      | "timestamp_in_future"
      | "store_rejected"
    >
  | "malformed_row"
  | "bad_time"
  | "bad_number"
  | "unknown_meter"
  | "meter_backwards"
  | "conflicting_duplicate"
  | "outside_range"
  | "doubtful_value"
  | "not_in_scope"
  /** Older than the store keeps raw points (InfluxDB's raw retention policy). */
  | "beyond_retention";

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
