// Opens a SQLite file the way both stores need it: WAL, a full fsync per commit, and the
// schema brought up to date under PRAGMA user_version.
import Database from "better-sqlite3";
import { z } from "zod";
import { SqliteStoreError } from "./errors.ts";
import { migrate } from "./schema.ts";

export const sqliteOptionsSchema = z
  .object({
    /** A file path, or ":memory:" for a private in-memory database. */
    path: z.string().min(1),
    /** Page cache, MiB: 64 by default (a year of daily rollups of a large building fits); a
     * bulk writer such as an import, which reads little, does with less. */
    cacheMiB: z.number().int().min(1).max(4096).optional(),
  })
  .strict();

export type SqliteOptions = z.infer<typeof sqliteOptionsSchema>;

export function parseSqliteOptions(options: unknown): SqliteOptions {
  const parsed = sqliteOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new SqliteStoreError(
      "sqlite_bad_config",
      `invalid SQLite store options: ${parsed.error.issues.map((i) => i.message).join("; ")}; expected { path: "<file>" or ":memory:" }`,
    );
  }
  return parsed.data;
}

export function openDatabase(options: SqliteOptions): Database.Database {
  const db = new Database(options.path);
  try {
    // WAL lets the API read while ingest writes. synchronous=FULL fsyncs the WAL at every
    // commit: ingest drops journal segments once a write resolves, so a confirmed batch must
    // survive power loss; with one transaction per batch that is one fsync per batch.
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("busy_timeout = 5000");
    db.pragma("temp_store = MEMORY");
    db.pragma(`cache_size = -${(options.cacheMiB ?? 64) * 1024}`);
    migrate(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}
