// Occupants' consents, per dwelling and purpose, kept as an append-only history in the
// telemetry SQLite file; and the pruning they govern: raw points of dwellings without consent,
// older than a cutoff, are deleted while the `daily` rollups stay.
import type Database from "better-sqlite3";
import { COMMON_SPACE } from "../../model/ids.ts";
import type { ConsentPurpose, ConsentRecord, ConsentStore } from "../consent-store.ts";
import type { FineDataPruner } from "../fine-data-pruner.ts";
import { openDatabase, parseSqliteOptions } from "./database.ts";
import { SqliteStoreError } from "./errors.ts";

/** The ConsentStore and, on the telemetry file it shares, the FineDataPruner. */
export interface SqliteConsentStore extends ConsentStore, FineDataPruner {}

const DDL = `
  CREATE TABLE IF NOT EXISTS consents (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    building TEXT NOT NULL,
    dwelling TEXT NOT NULL,
    purpose TEXT NOT NULL,
    granted INTEGER NOT NULL,
    recorded_at INTEGER NOT NULL,
    recorded_by TEXT NOT NULL
  );
  CREATE INDEX IF NOT EXISTS consents_by_dwelling ON consents (building, dwelling, purpose, id);
`;

interface Row {
  id: number;
  building: string;
  dwelling: string;
  purpose: ConsentPurpose;
  granted: number;
  recorded_at: number;
  recorded_by: string;
}

const toRecord = (r: Row): ConsentRecord => ({
  id: r.id,
  building: r.building,
  dwelling: r.dwelling,
  purpose: r.purpose,
  granted: r.granted === 1,
  recordedAt: r.recorded_at,
  recordedBy: r.recorded_by,
});

export function createSqliteConsentStore(options: { path: string }): SqliteConsentStore {
  const config = parseSqliteOptions(options);
  let db: Database.Database | undefined;
  const open = (): Database.Database => {
    if (!db)
      throw new SqliteStoreError(
        "sqlite_not_connected",
        "the SQLite consent store is not connected; call connect() first",
      );
    return db;
  };
  const CURRENT = `SELECT * FROM consents c WHERE c.id IN (
      SELECT MAX(id) FROM consents WHERE building = ? AND dwelling = ? GROUP BY purpose) ORDER BY purpose`;

  return {
    async connect() {
      if (db) return;
      db = openDatabase(config);
      db.exec(DDL);
    },

    async close() {
      const d = db;
      db = undefined;
      d?.close();
    },

    async record(consent) {
      const d = open();
      const recordedAt = consent.recordedAt ?? Date.now();
      const info = d
        .prepare(
          "INSERT INTO consents (building, dwelling, purpose, granted, recorded_at, recorded_by) VALUES (?, ?, ?, ?, ?, ?)",
        )
        .run(
          consent.building,
          consent.dwelling,
          consent.purpose,
          consent.granted ? 1 : 0,
          recordedAt,
          consent.recordedBy,
        );
      return { ...consent, id: Number(info.lastInsertRowid), recordedAt };
    },

    async current(building, dwelling) {
      return (open().prepare(CURRENT).all(building, dwelling) as Row[]).map(toRecord);
    },

    async pruneFine(before, purpose) {
      const d = open();
      const candidates = d
        .prepare(
          `SELECT s.id AS id FROM series s
           WHERE s.space <> ? AND NOT EXISTS (
             SELECT 1 FROM consents c WHERE c.id = (
               SELECT MAX(id) FROM consents WHERE building = s.building AND dwelling = s.space AND purpose = ?
             ) AND c.granted = 1)`,
        )
        .all(COMMON_SPACE, purpose) as { id: number }[];
      const prune = d.prepare(
        `DELETE FROM points WHERE series_id = @id
           AND t < (SELECT MAX(t) FROM points WHERE series_id = @id AND t < @before)`,
      );
      let deleted = 0;
      // One short transaction per series, so ingest's writes are never held up for long.
      for (const { id } of candidates) deleted += prune.run({ id, before }).changes;
      return { series: candidates.length, deleted };
    },
  };
}
