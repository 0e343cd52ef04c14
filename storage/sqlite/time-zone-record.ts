// The time zone a SQLite file's daily rows are cut in. A file holds one site, so one zone: the
// first telemetry store to open it records its zone, and a store of another zone is refused
// while the file holds daily rows (they would be read as the wrong days). The rows are not
// recomputed in place: the points are all there, so a new file fed by a replay rebuilds them.
import type Database from "better-sqlite3";
import { SqliteStoreError } from "./errors.ts";

export function claimTimeZone(db: Database.Database, zone: string): void {
  db.transaction(() => {
    const recorded = db.prepare("SELECT value FROM settings WHERE key = 'time_zone'").pluck().get() as
      | string
      | undefined;
    if (recorded === zone) return;
    if (recorded !== undefined && db.prepare("SELECT 1 FROM daily LIMIT 1").get() !== undefined) {
      throw new SqliteStoreError(
        "sqlite_time_zone_changed",
        `the SQLite file ${db.name} keeps its daily totals on ${recorded} days, and the site's time zone is now ${zone}: its days would be read wrong. Set the site's timezone back to ${recorded}, or store into a new file (SQLITE_PATH) and replay the readings into it.`,
      );
    }
    db.prepare("INSERT OR REPLACE INTO settings (key, value) VALUES ('time_zone', ?)").run(zone);
  }).immediate();
}
