// The embedded TelemetryStore: one SQLite file (or ":memory:"), raw points keyed by series and
// time, and per-day rollups kept in step at write time for fast monthly and daily reads.
import type Database from "better-sqlite3";
import { z } from "zod";
import type { Reading } from "../../model/reading.ts";
import { DEFAULT_TIME_ZONE, timeZoneSchema } from "../../model/time-zone.ts";
import type { AggregateQuery, SeriesFilter, TelemetryStore, WriteResult } from "../telemetry-store.ts";
import { connectionLifecycle } from "./connection.ts";
import { DailyRollup, type SeriesWrite, type TouchedDays } from "./daily-rollup.ts";
import { openDatabase, parseSqliteOptions } from "./database.ts";
import { SqliteStoreError } from "./errors.ts";
import { LocalDays } from "./local-days.ts";
import { StatementCache, seriesParams, seriesWhere } from "./series-filter.ts";
import { claimTimeZone } from "./time-zone-record.ts";
import { WindowQueries } from "./window-queries.ts";

interface Connection {
  db: Database.Database;
  seriesIds: Map<string, number>;
  findSeries: Database.Statement<[string, string, string, string], { id: number }>;
  addSeries: Database.Statement<[string, string, string, string]>;
  points: PointWriter;
  rollup: DailyRollup;
  windows: WindowQueries;
  statements: StatementCache;
  writeBatch: (accepted: readonly Reading[]) => void;
}

type RawRow = Reading;

/** Points per INSERT: one statement for many rows costs far less than one per row. */
const INSERT_ROWS = 100;

/** Upserts points many rows per statement; a repeated (series, time) keeps its last value. */
class PointWriter {
  private readonly statements = new Map<number, Database.Statement<unknown[]>>();
  private readonly params: number[] = [];

  constructor(private readonly db: Database.Database) {}

  write(writes: Iterable<SeriesWrite>): void {
    const params = this.params;
    for (const w of writes) {
      for (let i = 0; i < w.t.length; i++) {
        params.push(w.id, w.t[i]!, w.v[i]!);
        if (params.length === INSERT_ROWS * 3) this.flush();
      }
    }
    if (params.length > 0) this.flush();
  }

  private flush(): void {
    const rows = this.params.length / 3;
    let statement = this.statements.get(rows);
    if (statement === undefined) {
      statement = this.db.prepare(
        `INSERT INTO points (series_id, t, v) VALUES ${Array.from({ length: rows }, () => "(?, ?, ?)").join(", ")}
        ON CONFLICT (series_id, t) DO UPDATE SET v = excluded.v`,
      );
      this.statements.set(rows, statement);
    }
    try {
      statement.run(this.params);
    } finally {
      this.params.length = 0;
    }
  }
}

export interface SqliteTelemetryOptions {
  /** A file path, or ":memory:". */
  path: string;
  /** The site's IANA time zone, which days and months follow; Europe/Paris by default. */
  timeZone?: string;
  /** Page cache, MiB (64 by default). */
  cacheMiB?: number;
}

const zoneOption = z.object({ timeZone: timeZoneSchema.default(DEFAULT_TIME_ZONE) });

export function createSqliteTelemetryStore(options: SqliteTelemetryOptions): TelemetryStore {
  const { timeZone, ...file } = options;
  const config = parseSqliteOptions(file);
  const zone = zoneOption.safeParse({ timeZone });
  if (!zone.success) {
    throw new SqliteStoreError(
      "sqlite_bad_config",
      `invalid SQLite store options: timeZone: ${zone.error.issues.map((i) => i.message).join("; ")}`,
    );
  }
  const days = new LocalDays(zone.data.timeZone);
  function open(): Connection {
    const db = openDatabase(config);
    try {
      claimTimeZone(db, days.calendar.zone);
    } catch (error) {
      db.close();
      throw error;
    }
    const c: Connection = {
      db,
      seriesIds: new Map(),
      findSeries: db.prepare(
        "SELECT id FROM series WHERE building = ? AND quantity = ? AND space = ? AND sensor = ?",
      ),
      addSeries: db.prepare("INSERT INTO series (building, quantity, space, sensor) VALUES (?, ?, ?, ?)"),
      points: new PointWriter(db),
      rollup: new DailyRollup(db, days),
      windows: new WindowQueries(db, days),
      statements: new StatementCache(db),
      writeBatch: () => {},
    };
    const seriesId = (r: Reading): number => {
      // Ids cannot hold control characters, so NUL separates them unambiguously.
      const key = `${r.building}\u0000${r.quantity}\u0000${r.space}\u0000${r.sensor}`;
      let id = c.seriesIds.get(key);
      if (id === undefined) {
        id =
          c.findSeries.get(r.building, r.quantity, r.space, r.sensor)?.id ??
          Number(c.addSeries.run(r.building, r.quantity, r.space, r.sensor).lastInsertRowid);
        c.seriesIds.set(key, id);
      }
      return id;
    };
    c.writeBatch = db.transaction((accepted: readonly Reading[]) => {
      const writes = new Map<number, SeriesWrite>();
      for (const r of accepted) {
        const id = seriesId(r);
        const w = writes.get(id);
        if (w === undefined) writes.set(id, { id, t: [r.t], v: [r.v] });
        else {
          w.t.push(r.t);
          w.v.push(r.v);
        }
      }
      const touched: TouchedDays = new Map();
      const appends = c.rollup.planAppends(writes.values(), touched);
      c.points.write(writes.values());
      c.rollup.foldAppends(appends);
      if (touched.size > 0) c.rollup.refresh(touched);
    });
    return c;
  }

  const { connect, close, connected } = connectionLifecycle("telemetry store", open);

  return {
    async connect() {
      connect();
    },

    async close() {
      close();
    },

    async ping() {
      connected().db.prepare("SELECT 1").get();
    },

    async write(readings): Promise<WriteResult> {
      const c = connected();
      const accepted: Reading[] = [];
      const rejected: WriteResult["rejected"] = [];
      for (const reading of readings) {
        const reason = refusal(reading);
        if (reason === undefined) accepted.push(reading);
        else rejected.push({ reading, reason });
      }
      if (accepted.length > 0) {
        try {
          c.writeBatch(accepted);
        } catch (error) {
          // Series created in the rolled-back transaction no longer exist.
          c.seriesIds.clear();
          throw error;
        }
      }
      return { written: accepted.length, rejected };
    },

    async readRaw(filter: SeriesFilter): Promise<Reading[]> {
      const c = connected();
      const sql = `SELECT s.building AS building, s.space AS space, s.sensor AS sensor, s.quantity AS quantity,
          p.t AS t, p.v AS v
        FROM series s JOIN points p ON p.series_id = s.id
        WHERE ${seriesWhere(filter)} AND p.t >= @from AND p.t < @to
        ORDER BY s.sensor, p.t, s.space`;
      return c.statements
        .get(sql)
        .all({ ...seriesParams(filter), from: filter.from, to: filter.to }) as RawRow[];
    },

    async count(filter) {
      return connected().windows.count(filter);
    },

    async aggregate(query: AggregateQuery) {
      return connected().windows.aggregate(query);
    },

    async consumption(query) {
      return connected().windows.consumption(query);
    },

    async consumptionBySpace(query) {
      return connected().windows.consumptionBySpace(query);
    },

    async latest(filter) {
      const c = connected();
      const params = seriesParams(filter);
      let before = "";
      if (filter.to !== undefined) {
        before = " AND q.t < @to";
        params.to = filter.to;
      }
      // One index seek per series for its newest point, never a scan of its history.
      const sql = `SELECT s.building AS building, s.space AS space, s.sensor AS sensor, s.quantity AS quantity,
          p.t AS t, p.v AS v
        FROM series s JOIN points p ON p.series_id = s.id
          AND p.t = (SELECT MAX(q.t) FROM points q WHERE q.series_id = s.id${before})
        WHERE ${seriesWhere(filter)}
        ORDER BY s.sensor, s.space, s.quantity`;
      return c.statements.get(sql).all(params) as RawRow[];
    },
  };
}

function refusal(reading: Reading): string | undefined {
  if (!Number.isFinite(reading.v)) return `value ${reading.v} is not a finite number`;
  if (!Number.isSafeInteger(reading.t) || reading.t < 0) {
    return `timestamp ${reading.t} is not a whole number of ms since 1970`;
  }
  return undefined;
}
