// Windowed reads (count, aggregate, consumption) for the SQLite adapter. 15-minute and
// hourly windows are grouped in SQL over raw points; days and months read whole local days
// from the `daily` rollup and only the partial days at the ends of the range from raw points.
import type { Database } from "better-sqlite3";
import { windowStart } from "../../domain/calendar.ts";
import { increaseSql } from "../../domain/consumption.ts";
import type {
  AggregateQuery,
  Every,
  SeriesFilter,
  SpaceWindowValue,
  WindowValue,
} from "../telemetry-store.ts";
import type { LocalDays } from "./local-days.ts";
import { type Params, StatementCache, seriesParams, seriesWhere } from "./series-filter.ts";

interface Range {
  from: number;
  to: number;
}

/** [from, to) cut into whole local days and at most two partial days at its ends. */
interface SplitRange {
  raw: Range[];
  days: Range | undefined;
}

export function splitByLocalDays(from: number, to: number, localDays: LocalDays): SplitRange {
  if (from >= to) return { raw: [], days: undefined };
  const firstWhole = localDays.dayCeil(from);
  const lastEnd = localDays.dayStart(to);
  if (firstWhole > lastEnd) return { raw: [{ from, to }], days: undefined };
  const raw: Range[] = [];
  if (from < firstWhole) raw.push({ from, to: firstWhole });
  if (lastEnd < to) raw.push({ from: lastEnd, to });
  return { raw, days: firstWhole < lastEnd ? { from: firstWhole, to: lastEnd } : undefined };
}

const WIDTH: Partial<Record<Every, number>> = { "15m": 900_000, "1h": 3_600_000 };

interface Stats {
  start: number;
  n: number;
  sum: number;
  lo: number;
  hi: number;
}

interface Last {
  start: number;
  t: number;
  v: number;
}

interface Increase {
  start: number;
  space: string;
  inc: number;
  n: number;
}

/** Where the rows of one SQL pass come from, how SQL computes their window start, and how
 * that value becomes the window's first ms. */
interface Pass {
  source: "raw" | "daily";
  range: Range;
  startSql: string;
  extra: Params;
  start: (value: unknown) => number;
}

const asIs = (value: unknown) => value as number;

export class WindowQueries {
  private readonly statements: StatementCache;

  constructor(
    db: Database,
    private readonly days: LocalDays,
  ) {
    this.statements = new StatementCache(db);
  }

  count(filter: SeriesFilter): number {
    let total = 0;
    const { raw, days } = splitByLocalDays(filter.from, filter.to, this.days);
    for (const range of raw) {
      const sql = `SELECT COUNT(*) AS n FROM series s JOIN points p ON p.series_id = s.id
        WHERE ${seriesWhere(filter)} AND p.t >= @from AND p.t < @to`;
      total += (this.get(sql, { ...seriesParams(filter), ...range }) as { n: number }).n;
    }
    if (days !== undefined) {
      const sql = `SELECT TOTAL(d.n) AS n FROM series s JOIN daily d ON d.series_id = s.id
        WHERE ${seriesWhere(filter)} AND d.day >= @from AND d.day < @to`;
      total += (this.get(sql, { ...seriesParams(filter), ...days }) as { n: number }).n;
    }
    return total;
  }

  aggregate(query: AggregateQuery): WindowValue[] {
    const where = seriesWhere(query);
    const params = seriesParams(query);
    if (query.fn === "last") {
      const byStart = new Map<number, Last>();
      for (const pass of passes(query, this.days)) {
        const sql =
          pass.source === "raw"
            ? `SELECT ${pass.startSql} AS start, MAX(p.t) AS t, p.v AS v FROM series s
                 JOIN points p ON p.series_id = s.id
                 WHERE ${where} AND p.t >= @from AND p.t < @to GROUP BY 1`
            : `SELECT ${pass.startSql} AS start, MAX(d.last_t) AS t, d.last_v AS v FROM series s
                 JOIN daily d ON d.series_id = s.id
                 WHERE ${where} AND d.day >= @from AND d.day < @to GROUP BY 1`;
        // With a single max() aggregate, SQLite takes the bare column v from the row holding it.
        for (const row of this.all(sql, { ...params, ...pass.range, ...pass.extra }) as Last[]) {
          const start = pass.start(row.start);
          const seen = byStart.get(start);
          if (seen === undefined || row.t > seen.t) byStart.set(start, { start, t: row.t, v: row.v });
        }
      }
      return [...byStart.values()]
        .sort((a, b) => a.start - b.start)
        .map((w) => ({ start: w.start, value: w.v }));
    }
    const byStart = new Map<number, Stats>();
    for (const pass of passes(query, this.days)) {
      const sql =
        pass.source === "raw"
          ? `SELECT ${pass.startSql} AS start, COUNT(*) AS n, SUM(p.v) AS sum, MIN(p.v) AS lo, MAX(p.v) AS hi
               FROM series s JOIN points p ON p.series_id = s.id
               WHERE ${where} AND p.t >= @from AND p.t < @to GROUP BY 1`
          : `SELECT ${pass.startSql} AS start, SUM(d.n) AS n, SUM(d.total) AS sum, MIN(d.lo) AS lo, MAX(d.hi) AS hi
               FROM series s JOIN daily d ON d.series_id = s.id
               WHERE ${where} AND d.day >= @from AND d.day < @to GROUP BY 1`;
      for (const row of this.all(sql, { ...params, ...pass.range, ...pass.extra }) as Stats[]) {
        const start = pass.start(row.start);
        const seen = byStart.get(start);
        byStart.set(
          start,
          seen === undefined
            ? { ...row, start }
            : {
                start,
                n: seen.n + row.n,
                sum: seen.sum + row.sum,
                lo: Math.min(seen.lo, row.lo),
                hi: Math.max(seen.hi, row.hi),
              },
        );
      }
    }
    const fn = query.fn;
    const value = (w: Stats): number => {
      switch (fn) {
        case "mean":
          return w.sum / w.n;
        case "min":
          return w.lo;
        case "max":
          return w.hi;
        case "sum":
          return w.sum;
        case "count":
          return w.n;
      }
    };
    return [...byStart.values()]
      .sort((a, b) => a.start - b.start)
      .map((w) => ({ start: w.start, value: value(w) }));
  }

  consumption(query: Omit<AggregateQuery, "fn">): WindowValue[] {
    return this.increases(query, false).map(({ start, inc }) => ({ start, value: inc }));
  }

  consumptionBySpace(query: Omit<AggregateQuery, "fn">): SpaceWindowValue[] {
    return this.increases(query, true).map(({ start, space, inc }) => ({ space, start, value: inc }));
  }

  private increases(query: Omit<AggregateQuery, "fn">, bySpace: boolean): Increase[] {
    const where = seriesWhere(query);
    const params = seriesParams(query);
    const spaceColumn = bySpace ? ", s.space AS space" : ", '' AS space";
    const groupBy = bySpace ? "GROUP BY 1, 2" : "GROUP BY 1";
    const merged = new Map<string, Increase>();
    for (const pass of passes(query, this.days)) {
      // A point's predecessor is the previous point of its series in the range (LAG), or for
      // the first one the last point before `from`, found by one index seek per series.
      const sql =
        pass.source === "raw"
          ? `SELECT ${pass.startSql.replaceAll("p.t", "x.t")} AS start, x.space AS space,
               TOTAL(CASE WHEN x.prev IS NULL THEN NULL ELSE ${increaseSql("x.prev", "x.v")} END) AS inc,
               COUNT(x.prev) AS n
             FROM (
               SELECT p.t AS t, p.v AS v ${spaceColumn},
                 COALESCE(LAG(p.v) OVER (PARTITION BY p.series_id ORDER BY p.t), (
                   SELECT q.v FROM points q WHERE q.series_id = p.series_id AND q.t < @from ORDER BY q.t DESC LIMIT 1
                 )) AS prev
               FROM series s JOIN points p ON p.series_id = s.id
               WHERE ${where} AND p.t >= @from AND p.t < @to
             ) x ${groupBy}`
          : `SELECT ${pass.startSql} AS start ${spaceColumn}, TOTAL(d.inc) AS inc, SUM(d.inc_n) AS n
             FROM series s JOIN daily d ON d.series_id = s.id
             WHERE ${where} AND d.day >= @from AND d.day < @to ${groupBy}`;
      for (const row of this.all(sql, { ...params, ...pass.range, ...pass.extra }) as Increase[]) {
        const start = pass.start(row.start);
        const key = `${start}\u0000${row.space}`;
        const seen = merged.get(key);
        merged.set(
          key,
          seen === undefined
            ? { start, space: row.space, inc: row.inc, n: row.n }
            : { start, space: row.space, inc: seen.inc + row.inc, n: seen.n + row.n },
        );
      }
    }
    // A window where no point had a predecessor has no consumption at all, not a zero.
    return [...merged.values()]
      .filter((w) => w.n > 0)
      .sort((a, b) => a.start - b.start || (a.space < b.space ? -1 : a.space > b.space ? 1 : 0));
  }

  private get(sql: string, params: Params): unknown {
    return this.statements.get(sql).get(params);
  }

  private all(sql: string, params: Params): unknown[] {
    return this.statements.get(sql).all(params);
  }
}

/** The SQL passes answering a windowed query over [from, to). */
function passes(query: { from: number; to: number; every: Every }, localDays: LocalDays): Pass[] {
  const width = WIDTH[query.every];
  if (width !== undefined) {
    if (query.from >= query.to) return [];
    return [
      {
        source: "raw",
        range: { from: query.from, to: query.to },
        // Written into the SQL as an integer literal: a bound number would be a REAL and the
        // division would not truncate.
        startSql: `(p.t / ${width}) * ${width}`,
        extra: {},
        start: asIs,
      },
    ];
  }
  const { raw, days } = splitByLocalDays(query.from, query.to, localDays);
  const result: Pass[] = raw.map((range) => ({
    source: "raw",
    range,
    // A partial day lies in one window: its start is a constant.
    startSql: "@start",
    extra: { start: windowStart(range.from, query.every, localDays.calendar.zone) },
    start: asIs,
  }));
  if (days !== undefined) {
    const monthSql = query.every === "1mo" ? localDays.monthOfDaySql("d.day", days.from, days.to) : undefined;
    if (monthSql !== undefined) {
      result.push({
        source: "daily",
        range: days,
        startSql: monthSql,
        extra: {},
        start: (key) => localDays.monthStart(String(key)),
      });
    } else {
      // Days, or months of a range no one SQL expression can cut (a zone that crossed the
      // date line): one row per day, put in its month here.
      const month = query.every === "1mo";
      result.push({
        source: "daily",
        range: days,
        startSql: "d.day",
        extra: {},
        start: month ? (day) => localDays.calendar.monthStart(day as number) : asIs,
      });
    }
  }
  return result;
}
