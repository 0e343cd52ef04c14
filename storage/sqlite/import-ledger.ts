// The ImportLedger in DATA_DIR/imports.db (both modes, like decisions): imports and their
// refused rows. A refused row is keyed by import, line and column, so a resumed import that
// reads a row again records it once.
import { join } from "node:path";
import Database from "better-sqlite3";
import type { ImportFormat, RefusalReason } from "../../model/import.ts";
import type { ImportCounts, ImportLedger, ImportRecord, RefusedRow } from "../import-ledger.ts";
import { connectionLifecycle } from "./connection.ts";
import { parseSqliteOptions } from "./database.ts";

export const importLedgerPath = (dataDir: string) => join(dataDir, "imports.db");

const DDL = `
  CREATE TABLE IF NOT EXISTS imports (
    id INTEGER PRIMARY KEY,
    identity TEXT NOT NULL,
    name TEXT NOT NULL,
    format TEXT NOT NULL,
    by TEXT NOT NULL,
    scope TEXT,
    started_at INTEGER NOT NULL,
    finished_at INTEGER,
    state TEXT NOT NULL,
    line INTEGER NOT NULL DEFAULT 0,
    counts TEXT NOT NULL,
    sha256 TEXT,
    error TEXT
  );
  CREATE INDEX IF NOT EXISTS imports_by_identity ON imports (identity, state);
  CREATE INDEX IF NOT EXISTS imports_by_content ON imports (sha256);
  CREATE TABLE IF NOT EXISTS refused_rows (
    import_id INTEGER NOT NULL REFERENCES imports (id),
    line INTEGER NOT NULL,
    col TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    row TEXT NOT NULL,
    PRIMARY KEY (import_id, line, col)
  ) WITHOUT ROWID;
`;

interface ImportRow {
  id: number;
  identity: string;
  name: string;
  format: string;
  by: string;
  scope: string | null;
  started_at: number;
  finished_at: number | null;
  state: string;
  line: number;
  counts: string;
  sha256: string | null;
  error: string | null;
}

function recordOf(row: ImportRow): ImportRecord {
  const record: ImportRecord = {
    id: row.id,
    identity: row.identity,
    name: row.name,
    format: row.format as ImportFormat,
    by: row.by,
    startedAt: row.started_at,
    state: row.state as ImportRecord["state"],
    line: row.line,
    counts: JSON.parse(row.counts) as ImportCounts,
  };
  if (row.scope !== null) record.scope = JSON.parse(row.scope) as string[];
  if (row.finished_at !== null) record.finishedAt = row.finished_at;
  if (row.sha256 !== null) record.sha256 = row.sha256;
  if (row.error !== null) record.error = row.error;
  return record;
}

export function createSqliteImportLedger(options: { path: string }): ImportLedger {
  const config = parseSqliteOptions(options);
  const { connect, close, connected } = connectionLifecycle("import ledger", () => {
    const db = new Database(config.path);
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 5000");
    db.exec(DDL);
    const insertRefused = db.prepare(
      "INSERT OR IGNORE INTO refused_rows (import_id, line, col, reason, detail, row) VALUES (?, ?, ?, ?, ?, ?)",
    );
    const move = db.prepare("UPDATE imports SET line = ?, counts = ? WHERE id = ?");
    const checkpoint = db.transaction(
      (id: number, line: number, counts: ImportCounts, refused: readonly RefusedRow[]) => {
        for (const r of refused) insertRefused.run(id, r.line, r.column, r.reason, r.detail, r.row);
        move.run(line, JSON.stringify(counts), id);
      },
    );
    return {
      db,
      checkpoint,
      unfinished: db.prepare<[string], ImportRow>(
        "SELECT * FROM imports WHERE identity = ? AND state != 'done' ORDER BY id DESC LIMIT 1",
      ),
      done: db.prepare<[string], ImportRow>(
        "SELECT * FROM imports WHERE sha256 = ? AND state = 'done' ORDER BY id LIMIT 1",
      ),
      insert: db.prepare(
        "INSERT INTO imports (identity, name, format, by, scope, started_at, state, line, counts) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
      ),
      resume: db.prepare("UPDATE imports SET state = 'running', error = NULL WHERE id = ?"),
      finish: db.prepare("UPDATE imports SET state = ?, sha256 = ?, error = ?, finished_at = ? WHERE id = ?"),
      get: db.prepare<[number], ImportRow>("SELECT * FROM imports WHERE id = ?"),
      list: db.prepare<[number], ImportRow>("SELECT * FROM imports ORDER BY id DESC LIMIT ?"),
      listBy: db.prepare<[string, number], ImportRow>(
        "SELECT * FROM imports WHERE by = ? ORDER BY id DESC LIMIT ?",
      ),
      refused: db.prepare<
        [number, number, string, number],
        { line: number; col: string; reason: string; detail: string; row: string }
      >(
        "SELECT line, col, reason, detail, row FROM refused_rows WHERE import_id = ? AND (line, col) > (?, ?) ORDER BY line, col LIMIT ?",
      ),
    };
  });
  return {
    async connect() {
      connect();
    },
    async close() {
      close();
    },
    async unfinished(identity) {
      const row = connected().unfinished.get(identity);
      return row ? recordOf(row) : undefined;
    },
    async doneWithContent(sha256) {
      const row = connected().done.get(sha256);
      return row ? recordOf(row) : undefined;
    },
    async begin(r) {
      const info = connected().insert.run(
        r.identity,
        r.name,
        r.format,
        r.by,
        r.scope === undefined ? null : JSON.stringify(r.scope),
        r.startedAt,
        r.state,
        r.line,
        JSON.stringify(r.counts),
      );
      return { ...r, id: Number(info.lastInsertRowid) };
    },
    async resume(id) {
      connected().resume.run(id);
    },
    async checkpoint(id, line, counts, refused) {
      connected().checkpoint.immediate(id, line, counts, refused);
    },
    async finish(id, outcome) {
      connected().finish.run(outcome.state, outcome.sha256 ?? null, outcome.error ?? null, outcome.at, id);
    },
    async get(id) {
      const row = connected().get.get(id);
      return row ? recordOf(row) : undefined;
    },
    async list(limit, by) {
      const c = connected();
      return (by === undefined ? c.list.all(limit) : c.listBy.all(by, limit)).map(recordOf);
    },
    async refused(id, after, limit) {
      return connected()
        .refused.all(id, after?.line ?? -1, after?.column ?? "", limit)
        .map((r) => ({
          line: r.line,
          column: r.col,
          reason: r.reason as RefusalReason,
          detail: r.detail,
          row: r.row,
        }));
    },
  };
}
