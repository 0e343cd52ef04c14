// Keeps the `daily` table equal to what the points say, inside the write's transaction: a series
// the write only appends to (live ingest) has its days folded in JS from the write itself; for
// the others every local day touched is brought up to date from the points, in SQL. So months
// and years are read from 365 rows per series instead of 35 040 points.
import type Database from "better-sqlite3";
import { increase, increaseSql } from "../../domain/consumption.ts";
import type { LocalDays } from "./local-days.ts";

/** Days touched by a write: series id -> local day start -> earliest time written in it. */
export type TouchedDays = Map<number, Map<number, number>>;

function touchDay(touched: TouchedDays, seriesId: number, t: number, localDays: LocalDays): void {
  let days = touched.get(seriesId);
  if (days === undefined) {
    days = new Map();
    touched.set(seriesId, days);
  }
  const day = localDays.dayStart(t);
  const earliest = days.get(day);
  if (earliest === undefined || t < earliest) days.set(day, t);
}

/** One series' points in a write, in arrival order (a later duplicate time overwrites). */
export interface SeriesWrite {
  id: number;
  t: number[];
  v: number[];
}

/** Rows folded per statement: 10 parameters each, well under SQLite's limit. */
const FOLD_ROWS = 50;

export class DailyRollup {
  private readonly lastPoint: Database.Statement<[number], { t: number; v: number }>;
  private readonly foldStatements = new Map<number, Database.Statement<unknown[]>>();
  private readonly db: Database.Database;
  private readonly nextPoint: Database.Statement<[number, number], { t: number }>;
  private readonly addAffected: Database.Statement<[number, number, number, number]>;
  private readonly rebuild: Database.Statement<[]>;
  private readonly clearAffected: Database.Statement<[]>;

  constructor(
    db: Database.Database,
    private readonly days: LocalDays,
  ) {
    this.db = db;
    this.lastPoint = db.prepare("SELECT t, v FROM points WHERE series_id = ? ORDER BY t DESC LIMIT 1");
    db.exec(`CREATE TEMP TABLE IF NOT EXISTS rollup_affected (
      series_id INTEGER NOT NULL, day INTEGER NOT NULL, day_end INTEGER NOT NULL, min_t INTEGER NOT NULL,
      PRIMARY KEY (series_id, day)) WITHOUT ROWID`);
    this.nextPoint = db.prepare("SELECT t FROM points WHERE series_id = ? AND t >= ? ORDER BY t LIMIT 1");
    this.addAffected = db.prepare(
      "INSERT OR IGNORE INTO temp.rollup_affected (series_id, day, day_end, min_t) VALUES (?, ?, ?, ?)",
    );
    // When a write only appended to a day (all its points after the day's last one, the usual
    // case for live ingest), only the new points are read and folded into the day's row; any
    // other change rebuilds the day from all its points. The first point read takes its
    // predecessor from before `since` (the correlated subquery runs only when LAG has none),
    // so a day's `inc` is exactly the increases domain/consumption.ts counts in that day.
    this.rebuild = db.prepare(`
      WITH plan AS (
        SELECT a.series_id AS series_id, a.day AS day, a.day_end AS day_end,
          IFNULL(o.last_t < a.min_t, 0) AS append,
          CASE WHEN o.last_t < a.min_t THEN a.min_t ELSE a.day END AS since
        FROM temp.rollup_affected a LEFT JOIN daily o ON o.series_id = a.series_id AND o.day = a.day
      ),
      fresh AS (
        SELECT series_id, day, append, COUNT(*) AS n, SUM(v) AS total, MIN(v) AS lo, MAX(v) AS hi,
          MAX(t) AS last_t, MAX(CASE WHEN is_last THEN v END) AS last_v,
          TOTAL(CASE WHEN prev IS NULL THEN NULL ELSE ${increaseSql("prev", "v")} END) AS inc,
          COUNT(prev) AS inc_n
        FROM (
          SELECT pl.series_id AS series_id, pl.day AS day, pl.append AS append, p.t AS t, p.v AS v,
            COALESCE(LAG(p.v) OVER w, (
              SELECT q.v FROM points q WHERE q.series_id = pl.series_id AND q.t < pl.since ORDER BY q.t DESC LIMIT 1
            )) AS prev,
            (LEAD(p.t) OVER w) IS NULL AS is_last
          FROM plan pl
          JOIN points p ON p.series_id = pl.series_id AND p.t >= pl.since AND p.t < pl.day_end
          WINDOW w AS (PARTITION BY pl.series_id, pl.day ORDER BY p.t)
        )
        GROUP BY series_id, day
      )
      INSERT OR REPLACE INTO daily (series_id, day, n, total, lo, hi, last_t, last_v, inc, inc_n)
      SELECT f.series_id, f.day,
        f.n + IFNULL(o.n, 0), f.total + IFNULL(o.total, 0), MIN(f.lo, IFNULL(o.lo, f.lo)), MAX(f.hi, IFNULL(o.hi, f.hi)),
        f.last_t, f.last_v, f.inc + IFNULL(o.inc, 0), f.inc_n + IFNULL(o.inc_n, 0)
      FROM fresh f LEFT JOIN daily o ON f.append AND o.series_id = f.series_id AND o.day = f.day`);
    this.clearAffected = db.prepare("DELETE FROM temp.rollup_affected");
  }

  /** Call inside the write transaction BEFORE the points are written: series whose points all
   * come after their newest stored point (live ingest) are returned with that point, and their
   * days are later folded in JS from the write alone; the others' days go to `touched`, to be
   * rebuilt in SQL by `refresh`. */
  planAppends(writes: Iterable<SeriesWrite>, touched: TouchedDays): AppendPlan[] {
    const appends: AppendPlan[] = [];
    for (const w of writes) {
      let first = w.t[0]!;
      for (let i = 1; i < w.t.length; i++) if (w.t[i]! < first) first = w.t[i]!;
      const last = this.lastPoint.get(w.id);
      if (last === undefined || last.t < first) appends.push({ write: w, previous: last });
      else for (const t of w.t) touchDay(touched, w.id, t, this.days);
    }
    return appends;
  }

  /** Folds appended points into their days' rows: count, sum, min, max, last, and the increases
   * over each point's predecessor (the series' newest stored point for the first one), so a
   * day's row ends exactly as a rebuild from its points would make it. Call after the points
   * are written, inside the same transaction. */
  foldAppends(appends: readonly AppendPlan[]): void {
    const rows: number[] = [];
    for (const { write, previous } of appends) foldSeries(write, previous, rows, this.days);
    const width = 10;
    for (let at = 0; at < rows.length; at += FOLD_ROWS * width) {
      const chunk = rows.slice(at, at + FOLD_ROWS * width);
      this.foldStatement(chunk.length / width).run(chunk);
    }
  }

  private foldStatement(rows: number): Database.Statement<unknown[]> {
    let statement = this.foldStatements.get(rows);
    if (statement === undefined) {
      statement = this.db.prepare(
        `INSERT INTO daily (series_id, day, n, total, lo, hi, last_t, last_v, inc, inc_n)
        VALUES ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}
        ON CONFLICT (series_id, day) DO UPDATE SET n = n + excluded.n, total = total + excluded.total,
          lo = MIN(lo, excluded.lo), hi = MAX(hi, excluded.hi), last_t = excluded.last_t,
          last_v = excluded.last_v, inc = inc + excluded.inc, inc_n = inc_n + excluded.inc_n`,
      );
      this.foldStatements.set(rows, statement);
    }
    return statement;
  }

  /** Updates the touched days, and the day of the first point after each of them, whose
   * increase depends on the touched day's last point. Call inside the write transaction. */
  refresh(touched: TouchedDays): void {
    for (const [seriesId, days] of touched) {
      // The day holding the first point after a touched day: that point's increase depends on
      // the touched day's last point, so its day is rebuilt whole, even if also appended to.
      const successorDays = new Set<number>();
      for (const day of days.keys()) {
        const next = this.nextPoint.get(seriesId, this.days.nextDay(day));
        if (next !== undefined) successorDays.add(this.days.dayStart(next.t));
      }
      for (const [day, earliest] of days) {
        this.addAffected.run(seriesId, day, this.days.nextDay(day), successorDays.has(day) ? day : earliest);
      }
      for (const day of successorDays) {
        if (!days.has(day)) this.addAffected.run(seriesId, day, this.days.nextDay(day), day);
      }
    }
    this.rebuild.run();
    this.clearAffected.run();
  }
}

export interface AppendPlan {
  write: SeriesWrite;
  /** The series' newest point before this write, if it has any. */
  previous: { t: number; v: number } | undefined;
}

/** Appends one series' day rows to `rows`, 10 numbers per (series, day), in the column order
 * of the fold statement. Points are taken in time order, a duplicate time keeping its last value. */
function foldSeries(
  write: SeriesWrite,
  previous: { t: number; v: number } | undefined,
  rows: number[],
  days: LocalDays,
): void {
  const { t, v } = write;
  let order: number[] | undefined;
  for (let i = 1; i < t.length; i++) {
    if (t[i]! <= t[i - 1]!) {
      // Rare: out of order or repeated within the write. Sort by time, then arrival.
      order = Array.from(t, (_, k) => k).sort((a, b) => t[a]! - t[b]! || a - b);
      break;
    }
  }
  let prev = previous?.v;
  let day = Number.NaN;
  let dayEnd = Number.NaN;
  let n = 0;
  let total = 0;
  let lo = 0;
  let hi = 0;
  let lastT = 0;
  let lastV = 0;
  let inc = 0;
  let incN = 0;
  const flush = () => {
    if (n > 0) rows.push(write.id, day, n, total, lo, hi, lastT, lastV, inc, incN);
  };
  for (let k = 0; k < t.length; k++) {
    const i = order === undefined ? k : order[k]!;
    // A later duplicate of the same time overwrites this one: skip it.
    if (order !== undefined && k + 1 < t.length && t[order[k + 1]!] === t[i]) continue;
    const ti = t[i]!;
    const vi = v[i]!;
    if (!(ti < dayEnd)) {
      flush();
      day = days.dayStart(ti);
      dayEnd = days.nextDay(day);
      n = 0;
      total = 0;
      lo = vi;
      hi = vi;
      inc = 0;
      incN = 0;
    }
    n++;
    total += vi;
    if (vi < lo) lo = vi;
    if (vi > hi) hi = vi;
    lastT = ti;
    lastV = vi;
    if (prev !== undefined) {
      inc += increase(prev, vi);
      incN++;
    }
    prev = vi;
  }
  flush();
}
