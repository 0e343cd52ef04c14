// The schema of the SQLite file, as an ordered list of migrations; PRAGMA user_version holds
// how many have run. One list for the whole file so both stores may share it.
import type Database from "better-sqlite3";
import { backwardsSql } from "../../domain/consumption.ts";
import { SqliteStoreError } from "./errors.ts";

const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    building TEXT NOT NULL,
    quantity TEXT NOT NULL,
    space TEXT NOT NULL,
    sensor TEXT NOT NULL,
    UNIQUE (building, quantity, space, sensor)
  );
  CREATE TABLE points (
    series_id INTEGER NOT NULL REFERENCES series (id),
    t INTEGER NOT NULL,
    v REAL NOT NULL,
    PRIMARY KEY (series_id, t)
  ) WITHOUT ROWID;
  -- One row per series and local day (day = that day's first ms, in the zone of the settings
  -- row 'time_zone'), kept up to date by
  -- every write (folded from appended points, or rebuilt from points for late data): n/total/lo/hi/last_* for aggregates, inc/inc_n for
  -- consumption (increases of the day's points over their predecessors, and how many had one).
  CREATE TABLE daily (
    series_id INTEGER NOT NULL REFERENCES series (id),
    day INTEGER NOT NULL,
    n INTEGER NOT NULL,
    total REAL NOT NULL,
    lo REAL NOT NULL,
    hi REAL NOT NULL,
    last_t INTEGER NOT NULL,
    last_v REAL NOT NULL,
    inc REAL NOT NULL,
    inc_n INTEGER NOT NULL,
    PRIMARY KEY (series_id, day)
  ) WITHOUT ROWID;
  CREATE TABLE dead_letters (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    received_at INTEGER NOT NULL,
    topic TEXT NOT NULL,
    reason TEXT NOT NULL,
    detail TEXT NOT NULL,
    payload TEXT NOT NULL,
    building TEXT
  );
  CREATE INDEX dead_letters_by_building ON dead_letters (building, id);
  CREATE INDEX dead_letters_by_reason ON dead_letters (reason, id);
  `,
  // A dead letter's identity (model/dead-letter.ts, deadLetterKey), so that a replayed batch
  // adds nothing; letters recorded before have none.
  `
  ALTER TABLE dead_letters ADD COLUMN letter_key TEXT;
  CREATE UNIQUE INDEX dead_letters_by_key ON dead_letters (letter_key);
  `,
  // The time zone the days of `daily` are cut in (time-zone-record.ts). Files from before it
  // was configurable hold Europe/Paris days.
  `
  CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
  INSERT INTO settings (key, value) SELECT 'time_zone', 'Europe/Paris' WHERE EXISTS (SELECT 1 FROM daily);
  `,
  // Consumption rule 2 (domain/consumption.ts): a drop of the index by less than nine tenths is
  // a misread counted as nothing, where rule 1 counted the new index as a reset. Each day's
  // `inc` loses what rule 1 counted for its misreads, found from the points still stored.
  `
  WITH steps AS (
    SELECT series_id, t, v, LAG(v) OVER (PARTITION BY series_id ORDER BY t) AS prev FROM points
  ),
  misreads AS (
    SELECT series_id, (SELECT MAX(d.day) FROM daily d WHERE d.series_id = s.series_id AND d.day <= s.t) AS day,
      TOTAL(v) AS counted
    FROM steps s WHERE prev IS NOT NULL AND ${backwardsSql("prev", "v")}
    GROUP BY 1, 2
  )
  UPDATE daily SET inc = inc - m.counted
  FROM misreads m WHERE m.series_id = daily.series_id AND m.day = daily.day;
  `,
];

export const SCHEMA_VERSION = MIGRATIONS.length;

export function migrate(db: Database.Database): void {
  // IMMEDIATE takes the write lock first, so two processes opening a new file migrate once.
  db.transaction(() => {
    const current = db.pragma("user_version", { simple: true }) as number;
    if (current > SCHEMA_VERSION) {
      throw new SqliteStoreError(
        "sqlite_schema_too_new",
        `the SQLite file ${db.name} has schema version ${current}, newer than this program's ${SCHEMA_VERSION}; upgrade the program or use another file`,
      );
    }
    for (let version = current; version < SCHEMA_VERSION; version++) db.exec(MIGRATIONS[version]!);
    if (current < SCHEMA_VERSION) db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
