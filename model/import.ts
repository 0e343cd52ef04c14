// What an import of a history file is, as the importer (imports/) and its ledger
// (storage/import-ledger.ts) both name it: the formats a file may have and why a row or cell of
// it is refused.
import type { RejectionReason } from "./dead-letter.ts";

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
