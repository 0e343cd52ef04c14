// Keeps the `daily` table equal to what the points say: after a write, every Paris day it
// touched is rebuilt from the points, in SQL, inside the write's transaction. So months and
// years are read from 365 rows per series instead of 35 040 points.
import type Database from "better-sqlite3";
import { nextParisDay, parisDayStart } from "./paris-days.ts";

/** Days touched by a write: series id -> set of Paris day starts. */
export type TouchedDays = Map<number, Set<number>>;

export function touchDay(touched: TouchedDays, seriesId: number, t: number): void {
  let days = touched.get(seriesId);
  if (days === undefined) {
    days = new Set();
    touched.set(seriesId, days);
  }
  days.add(parisDayStart(t));
}

export class DailyRollup {
  private readonly nextPoint: Database.Statement<[number, number], { t: number }>;
  private readonly addAffected: Database.Statement<[number, number, number]>;
  private readonly rebuild: Database.Statement<[]>;
  private readonly clearAffected: Database.Statement<[]>;

  constructor(db: Database.Database) {
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS rollup_affected (
      series_id INTEGER NOT NULL, day INTEGER NOT NULL, day_end INTEGER NOT NULL,
      PRIMARY KEY (series_id, day)) WITHOUT ROWID`);
    this.nextPoint = db.prepare("SELECT t FROM points WHERE series_id = ? AND t >= ? ORDER BY t LIMIT 1");
    this.addAffected = db.prepare(
      "INSERT OR IGNORE INTO temp.rollup_affected (series_id, day, day_end) VALUES (?, ?, ?)",
    );
    // The first point of a day takes its predecessor from before the day (the correlated
    // subquery runs only when LAG has nothing), so a day's `inc` is exactly the increases
    // that storage/consumption.ts counts in that day.
    this.rebuild = db.prepare(`
      INSERT OR REPLACE INTO daily (series_id, day, n, total, lo, hi, last_t, last_v, inc, inc_n)
      SELECT series_id, day, COUNT(*), SUM(v), MIN(v), MAX(v), MAX(t),
        MAX(CASE WHEN is_last THEN v END),
        TOTAL(CASE WHEN prev IS NULL THEN NULL WHEN v >= prev THEN v - prev ELSE v END),
        COUNT(prev)
      FROM (
        SELECT a.series_id AS series_id, a.day AS day, p.t AS t, p.v AS v,
          COALESCE(LAG(p.v) OVER w, (
            SELECT q.v FROM points q WHERE q.series_id = a.series_id AND q.t < a.day ORDER BY q.t DESC LIMIT 1
          )) AS prev,
          (LEAD(p.t) OVER w) IS NULL AS is_last
        FROM temp.rollup_affected a
        JOIN points p ON p.series_id = a.series_id AND p.t >= a.day AND p.t < a.day_end
        WINDOW w AS (PARTITION BY a.series_id, a.day ORDER BY p.t)
      )
      GROUP BY series_id, day`);
    this.clearAffected = db.prepare("DELETE FROM temp.rollup_affected");
  }

  /** Rebuilds the touched days, and the day of the first point after each of them, whose
   * increase depends on the touched day's last point. Call inside the write transaction. */
  refresh(touched: TouchedDays): void {
    for (const [seriesId, days] of touched) {
      const successorDays = new Set<number>();
      for (const day of days) {
        const end = nextParisDay(day);
        this.addAffected.run(seriesId, day, end);
        const next = this.nextPoint.get(seriesId, end);
        if (next !== undefined) successorDays.add(parisDayStart(next.t));
      }
      for (const day of successorDays) {
        if (!days.has(day)) this.addAffected.run(seriesId, day, nextParisDay(day));
      }
    }
    this.rebuild.run();
    this.clearAffected.run();
  }
}
