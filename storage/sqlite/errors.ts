// Typed errors of the SQLite adapters: a stable code for callers, a message an operator can act
// on. Their kinds are listed in model/errors.ts.
import { type CodeOf, errorFamily } from "../../model/errors.ts";

export type SqliteStoreErrorCode = CodeOf<"SqliteStoreError">;

export class SqliteStoreError extends errorFamily("SqliteStoreError") {}
