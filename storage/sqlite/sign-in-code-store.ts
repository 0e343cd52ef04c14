// One-time sign-in codes waiting to be used, in DATA_DIR/sign-in-codes.db: the `token --link`
// command writes them, the API takes each once. Rows hold a hash of the code and the token
// sealed under it (api/auth/sign-in-code.ts), never either in clear.
import type Database from "better-sqlite3";
import type { SignInCodeStore } from "../../api/auth/sign-in-code.ts";
import { connectionLifecycle } from "./connection.ts";
import { openDatabase, parseSqliteOptions } from "./database.ts";

/** The file in DATA_DIR both the command and the API open. */
export const SIGN_IN_CODES_FILE = "sign-in-codes.db";

const DDL = `
  CREATE TABLE IF NOT EXISTS sign_in_codes (
    id TEXT PRIMARY KEY,
    sealed BLOB NOT NULL,
    role TEXT NOT NULL,
    subject TEXT NOT NULL,
    issued_at INTEGER NOT NULL,
    expires_at INTEGER NOT NULL,
    used_at INTEGER
  );
  CREATE INDEX IF NOT EXISTS sign_in_codes_by_expiry ON sign_in_codes (expires_at);
`;

export interface SqliteSignInCodeStore extends SignInCodeStore {
  connect(): Promise<void>;
  /** Safe twice and without connect. */
  close(): Promise<void>;
}

export function createSqliteSignInCodeStore(options: { path: string }): SqliteSignInCodeStore {
  const config = parseSqliteOptions(options);
  const { connect, close, connected } = connectionLifecycle("sign-in code store", () => {
    const db: Database.Database = openDatabase(config);
    db.exec(DDL);
    const forget = db.prepare("DELETE FROM sign_in_codes WHERE expires_at <= ?");
    const insert = db.prepare(
      "INSERT INTO sign_in_codes (id, sealed, role, subject, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    // One statement marks and returns, so two concurrent takes cannot both see it unused.
    const mark = db.prepare<[number, string, number], { sealed: Buffer }>(
      "UPDATE sign_in_codes SET used_at = ? WHERE id = ? AND used_at IS NULL AND expires_at > ? RETURNING sealed",
    );
    const usedAt = db.prepare<[string, number], { used_at: number }>(
      "SELECT used_at FROM sign_in_codes WHERE id = ? AND used_at IS NOT NULL AND expires_at > ?",
    );
    return { db, forget, insert, mark, usedAt };
  });
  return {
    async connect() {
      connect();
    },
    async close() {
      close();
    },
    async put(entry) {
      const c = connected();
      c.forget.run(entry.issuedAt);
      c.insert.run(entry.id, entry.sealed, entry.role, entry.subject, entry.issuedAt, entry.expiresAt);
    },
    async take(id, now) {
      const c = connected();
      const marked = c.mark.get(now, id, now);
      if (marked) return { state: "taken", sealed: marked.sealed };
      const used = c.usedAt.get(id, now);
      return used ? { state: "used", usedAt: used.used_at } : { state: "unknown" };
    },
  };
}
