// Typed errors of the SQLite adapters: a stable code for callers, a message an operator can act on.
export type SqliteStoreErrorCode =
  | "sqlite_bad_config"
  | "sqlite_not_connected"
  | "sqlite_schema_too_new"
  | "sqlite_time_zone_changed";

export class SqliteStoreError extends Error {
  override readonly name = "SqliteStoreError";

  constructor(
    readonly code: SqliteStoreErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
