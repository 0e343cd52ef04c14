// The production TelemetryStore on InfluxDB: one measurement per quantity, tags building/space/
// sensor, one float field `value`, ms timestamps; reads in InfluxQL, with Paris days and months
// and consumption computed here with the shared rules so both adapters agree to the point.
import type { Logger } from "pino";
import { QUANTITIES, type Quantity } from "../../model/quantities.ts";
import type { Reading } from "../../model/reading.ts";
import { consumptionOfSeries } from "../consumption.ts";
import type {
  AggregateQuery,
  Every,
  SeriesFilter,
  SpaceWindowValue,
  TelemetryStore,
  WindowValue,
  WriteResult,
} from "../telemetry-store.ts";
import { writeLines } from "./batch-writer.ts";
import type { InfluxClient, StatementResult } from "./client.ts";
import { qualifiedMeasurement } from "./influxql.ts";
import { encodeSeriesPrefix, encodeTagValue, formatFloat } from "./line-protocol.ts";
import {
  clientFor,
  ensureDatabase,
  type InfluxConfig,
  type InfluxOptions,
  parseInfluxOptions,
} from "./options.ts";
import {
  type Bucket,
  bySensorThenTime,
  GROUP_BY_SERIES,
  mergeBuckets,
  readingsOf,
  tagConditions,
  timeConditions,
  where,
} from "./series-query.ts";

export type { InfluxOptions } from "./options.ts";

const seriesKey = (r: Pick<Reading, "building" | "space" | "sensor">): string =>
  `${r.building}\u0000${r.space}\u0000${r.sensor}`;

/** One series of a write batch: its encoded line prefix and, per time, its last reading's index. */
interface SeriesInBatch {
  prefix: string;
  times: Map<number, number>;
}

const seriesPrefix = (r: Reading): string =>
  encodeSeriesPrefix(
    r.quantity,
    {
      building: encodeTagValue(r.building),
      space: encodeTagValue(r.space),
      sensor: encodeTagValue(r.sensor),
    },
    "value",
  );

export function createInfluxTelemetryStore(options: InfluxOptions): TelemetryStore {
  const config: InfluxConfig = parseInfluxOptions(options);
  const log: Logger | undefined = config.logger;
  let client: InfluxClient | undefined;

  const connected = (): InfluxClient => {
    // A store used before connect() talks to InfluxDB anyway: nothing is held between calls.
    client ??= clientFor(config);
    return client;
  };
  const from = (quantity: string) => qualifiedMeasurement(quantity, config.retentionPolicy);
  const query = (q: string): Promise<StatementResult[]> => connected().query(q, { db: config.database });

  async function readSeries(filter: SeriesFilter): Promise<Reading[]> {
    const [result] = await query(
      `SELECT "value" FROM ${from(filter.quantity)}${where([...tagConditions(filter), ...timeConditions(filter.from, filter.to)])} ${GROUP_BY_SERIES}`,
    );
    return readingsOf(result?.series, filter.quantity);
  }

  /** Per sensor: the last point before `from` and the points in [from, to), sorted by time. */
  async function meterSeries(filter: SeriesFilter) {
    const tags = tagConditions(filter);
    const [before, inside] = await query(
      [
        `SELECT LAST("value") FROM ${from(filter.quantity)}${where([...tags, ...timeConditions(undefined, filter.from)])} ${GROUP_BY_SERIES}`,
        `SELECT "value" FROM ${from(filter.quantity)}${where([...tags, ...timeConditions(filter.from, filter.to)])} ${GROUP_BY_SERIES}`,
      ].join("; "),
    );
    const bySeries = new Map<string, { space: string; before?: Reading; points: Reading[] }>();
    for (const r of readingsOf(inside?.series, filter.quantity)) {
      const key = seriesKey(r);
      let entry = bySeries.get(key);
      if (entry === undefined) {
        entry = { space: r.space, points: [] };
        bySeries.set(key, entry);
      }
      entry.points.push(r);
    }
    for (const r of readingsOf(before?.series, filter.quantity)) {
      const entry = bySeries.get(seriesKey(r));
      if (entry !== undefined) entry.before = r;
    }
    for (const entry of bySeries.values()) entry.points.sort((a, b) => a.t - b.t);
    return [...bySeries.values()];
  }

  function consumptionOf(entry: { before?: Reading; points: Reading[] }, every: Every): WindowValue[] {
    const before = entry.before === undefined ? undefined : { t: entry.before.t, v: entry.before.v };
    return consumptionOfSeries(
      before,
      entry.points.map((p) => ({ t: p.t, v: p.v })),
      every,
    );
  }

  const sortedWindows = (windows: Map<number, number>): WindowValue[] =>
    [...windows].sort((a, b) => a[0] - b[0]).map(([start, value]) => ({ start, value }));

  return {
    async connect() {
      const c = connected();
      await c.ping();
      if (config.createDatabase) await ensureDatabase(c, config);
      log?.info(
        { database: config.database, retentionPolicy: config.retentionPolicy },
        "influx telemetry store connected",
      );
    },

    async close() {
      client = undefined;
    },

    async ping() {
      await connected().ping();
    },

    async write(readings) {
      if (readings.length === 0) return { written: 0, rejected: [] };
      const rejected: WriteResult["rejected"] = [];
      // Tag escaping is done once per series per batch: a batch holds many points of few series.
      const prefixes = new Map<string, SeriesInBatch>();
      // lines[i] is reading i's line, or undefined when it is refused or superseded: the last
      // duplicate of a series and time wins, and sending only it keeps bisection from ever
      // re-sending an older value over a newer one.
      const lines: (string | undefined)[] = new Array(readings.length);
      for (let i = 0; i < readings.length; i++) {
        const r = readings[i]!;
        if (!Number.isFinite(r.v)) {
          rejected.push({ reading: r, reason: "value is not a finite number" });
          continue;
        }
        const key = `${r.quantity}\u0000${seriesKey(r)}`;
        let series = prefixes.get(key);
        if (series === undefined) {
          series = { prefix: seriesPrefix(r), times: new Map() };
          prefixes.set(key, series);
        }
        const previous = series.times.get(r.t);
        if (previous !== undefined) lines[previous] = undefined;
        series.times.set(r.t, i);
        lines[i] = `${series.prefix}${formatFloat(r.v)} ${r.t}`;
      }
      const sent: number[] = [];
      const body: string[] = [];
      for (let i = 0; i < lines.length; i++) {
        const line = lines[i];
        if (line === undefined) continue;
        sent.push(i);
        body.push(line);
      }
      const refused = await writeLines(
        connected(),
        body,
        {
          db: config.database,
          rp: config.retentionPolicy,
          precision: "ms",
          consistency: config.consistency,
        },
        config.batchSize,
      );
      for (const { index, reason } of refused) rejected.push({ reading: readings[sent[index]!]!, reason });
      if (refused.length > 0) log?.warn({ rejected: refused.length }, "influx refused points");
      return { written: readings.length - rejected.length, rejected };
    },

    async readRaw(filter) {
      return (await readSeries(filter)).sort(bySensorThenTime);
    },

    async count(filter) {
      const [result] = await query(
        `SELECT COUNT("value") FROM ${from(filter.quantity)}${where([...tagConditions(filter), ...timeConditions(filter.from, filter.to)])}`,
      );
      const value = result?.series?.[0]?.values[0]?.[1];
      return typeof value === "number" ? value : 0;
    },

    async aggregate(q: AggregateQuery) {
      // Paris days and months are unions of whole UTC hours, so hourly (or 15-minute) buckets
      // from InfluxDB merge exactly into every window width, DST days included.
      const bucket = q.every === "15m" ? "15m" : "1h";
      const [result] = await query(
        `SELECT COUNT("value"), SUM("value"), MIN("value"), MAX("value"), LAST("value") FROM ${from(q.quantity)}${where([...tagConditions(q), ...timeConditions(q.from, q.to)])} GROUP BY time(${bucket}) fill(none)`,
      );
      const windows = new Map<number, Bucket>();
      mergeBuckets(result?.series?.[0]?.values ?? [], q.every, windows);
      return [...windows]
        .sort((a, b) => a[0] - b[0])
        .map(([start, w]) => ({ start, value: q.fn === "mean" ? w.sum / w.count : w[q.fn] }));
    },

    async consumption(q) {
      const windows = new Map<number, number>();
      for (const entry of await meterSeries(q)) {
        for (const w of consumptionOf(entry, q.every))
          windows.set(w.start, (windows.get(w.start) ?? 0) + w.value);
      }
      return sortedWindows(windows);
    },

    async consumptionBySpace(q) {
      const bySpace = new Map<string, Map<number, number>>();
      for (const entry of await meterSeries(q)) {
        let windows = bySpace.get(entry.space);
        if (windows === undefined) {
          windows = new Map();
          bySpace.set(entry.space, windows);
        }
        for (const w of consumptionOf(entry, q.every))
          windows.set(w.start, (windows.get(w.start) ?? 0) + w.value);
      }
      const rows: SpaceWindowValue[] = [];
      for (const space of [...bySpace.keys()].sort()) {
        for (const w of sortedWindows(bySpace.get(space)!)) rows.push({ space, ...w });
      }
      return rows;
    },

    async latest(filter) {
      const quantities =
        filter.quantity === undefined ? (Object.keys(QUANTITIES) as Quantity[]) : [filter.quantity];
      const [result] = await query(
        `SELECT LAST("value") FROM ${quantities.map(from).join(", ")}${where([...tagConditions(filter), ...timeConditions(undefined, filter.to ?? Number.MAX_SAFE_INTEGER)])} ${GROUP_BY_SERIES}`,
      );
      return readingsOf(result?.series).sort(bySensorThenTime);
    },
  };
}
