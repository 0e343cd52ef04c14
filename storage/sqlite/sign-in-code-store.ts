// One-time sign-in codes waiting to be used, in DATA_DIR/sign-in-codes.db: the `token --link`
// command writes them, the API takes each once. Rows hold a hash of the code and the token
// sealed under it (api/auth/sign-in-code.ts), never either in clear; a used row keeps only
// when it was used and for whom, so a spent code and a copy of the file open nothing.
import { chmodSync, existsSync } from "node:fs";
import { join } from "node:path";
import Database from "better-sqlite3";
import type { SignInCodeStore } from "../sign-in-code-store.ts";
import { connectionLifecycle } from "./connection.ts";
import { parseSqliteOptions } from "./database.ts";

/** The file in DATA_DIR both the command and the API open. */
export const signInCodesPath = (dataDir: string) => join(dataDir, "sign-in-codes.db");

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

/** Only the owner may read the file and its journals: they hold sealed tokens. */
function ownerOnly(path: string): void {
  if (path === ":memory:") return;
  for (const file of [path, `${path}-wal`, `${path}-shm`]) if (existsSync(file)) chmodSync(file, 0o600);
}

function open(path: string): Database.Database {
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 5000");
    // Deleted and overwritten rows are zeroed on disk, not left in free pages.
    db.pragma("secure_delete = ON");
    db.exec(DDL);
    ownerOnly(path);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

export function createSqliteSignInCodeStore(options: { path: string }): SignInCodeStore {
  const config = parseSqliteOptions(options);
  const { connect, close, connected } = connectionLifecycle("sign-in code store", () => {
    const db = open(config.path);
    const forget = db.prepare("DELETE FROM sign_in_codes WHERE expires_at <= ?");
    const insert = db.prepare(
      "INSERT INTO sign_in_codes (id, sealed, role, subject, issued_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)",
    );
    const unused = db.prepare<[string, number], { sealed: Buffer }>(
      "SELECT sealed FROM sign_in_codes WHERE id = ? AND used_at IS NULL AND expires_at > ?",
    );
    const spend = db.prepare("UPDATE sign_in_codes SET used_at = ?, sealed = zeroblob(0) WHERE id = ?");
    const used = db.prepare<[string, number], { used_at: number; subject: string }>(
      "SELECT used_at, subject FROM sign_in_codes WHERE id = ? AND used_at IS NOT NULL AND expires_at > ?",
    );
    // One write transaction reads and spends, so two takes of a code cannot both see it unused.
    const take = db.transaction((id: string, now: number) => {
      forget.run(now);
      const row = unused.get(id, now);
      if (row) {
        spend.run(now, id);
        return { state: "taken" as const, sealed: row.sealed };
      }
      const spent = used.get(id, now);
      return spent
        ? { state: "used" as const, usedAt: spent.used_at, subject: spent.subject }
        : { state: "unknown" as const };
    });
    return { db, forget, insert, take };
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
      ownerOnly(config.path);
    },
    async take(id, now) {
      return connected().take.immediate(id, now);
    },
  };
}
