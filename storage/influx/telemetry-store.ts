// The production TelemetryStore on InfluxDB: one measurement per quantity, tags building/space/
// sensor, one float field `value`, ms timestamps; reads in InfluxQL, with the local days and
// months of the site's time zone and consumption computed here with the shared rules so both
// adapters agree to the point.
// Daily and monthly reads take each settled day from its daily rollup (daily-rollup.ts,
// rollup-state.ts) and only the other days from raw points: a year of a building costs a few
// hundred rollup rows instead of millions of points, and days past the raw retention still answer.
import { hostname } from "node:os";
import type { Logger } from "pino";
import { nextWindowStart, windowStart } from "../../domain/calendar.ts";
import { consumptionOfSeries } from "../../domain/consumption.ts";
import { QUANTITIES, type Quantity } from "../../model/quantities.ts";
import { type Reading, sameSeries, seriesKeyOf } from "../../model/reading.ts";
import { zoneCalendar } from "../../model/time-zone.ts";
import type {
  AggregateQuery,
  Every,
  SeriesFilter,
  SpaceWindowValue,
  TelemetryStore,
  WindowValue,
  WriteResult,
} from "../telemetry-store.ts";
import { type LineRejection, writeLines } from "./batch-writer.ts";
import type { InfluxClient, Series, StatementResult } from "./client.ts";
import { qualifiedMeasurement } from "./influxql.ts";
import { LineBuffer } from "./line-buffer.ts";
import { decodeTagValue, encodeSeriesPrefix, encodeTagValue } from "./line-protocol.ts";
import {
  clientFor,
  ensureDatabase,
  type InfluxConfig,
  type InfluxOptions,
  parseInfluxOptions,
  recreatingDatabase,
  rollupLocation,
} from "./options.ts";
import { dirtiedLines, readRollupState, readsFromRollup, rollupZoneGuard } from "./rollup-state.ts";
import {
  type Bucket,
  bucketWidth,
  bySensorThenTime,
  GROUP_BY_SERIES,
  mergeBuckets,
  readingsOf,
  tagConditions,
  timeConditions,
  where,
} from "./series-query.ts";

export type { InfluxOptions } from "./options.ts";

/** A part of a read's range answered from one source. */
interface Segment {
  from: number;
  to: number;
  source: "raw" | "rollup";
}

// Past this many days a range is read from raw points only (no state query, no day walk).
const MAX_ROLLUP_RANGE_DAYS = 40 * 366;

/** Splits [from, to) into runs of whole settled days (rollup) and the rest (raw); days in `zone`. */
export function planSegments(
  from: number,
  to: number,
  settled: (day: number) => boolean,
  zone: string,
): Segment[] {
  const segments: Segment[] = [];
  const push = (segment: Segment) => {
    const previous = segments.at(-1);
    if (previous !== undefined && previous.source === segment.source && previous.to === segment.from) {
      previous.to = segment.to;
    } else segments.push(segment);
  };
  for (let day = windowStart(from, "1d", zone); day < to; ) {
    const next = nextWindowStart(day, "1d", zone);
    const whole = day >= from && next <= to;
    push({
      from: Math.max(from, day),
      to: Math.min(to, next),
      source: whole && settled(day) ? "rollup" : "raw",
    });
    day = next;
  }
  return segments;
}

/** Bucket rows (time, count, sum, min, max, last) of settled days from the two rollup
 * statements of `aggregate`: the figures summed over series per day, and the last of the
 * series whose last point is latest (MAX("last_t") selects that point, "last" comes with it). */
function rollupBucketRows(figures: readonly Series[] | undefined, lasts: readonly Series[] | undefined) {
  const lastByDay = new Map<number, unknown>(
    (lasts?.[0]?.values ?? []).map((row) => [row[0] as number, row[2]]),
  );
  return (figures?.[0]?.values ?? []).map((row) => [...row, lastByDay.get(row[0] as number)]);
}

/** The UTF-8 bytes of each series' line prefix, `quantity,building=…,sensor=…,space=… value=`:
 * tag escaping is done once per series, not per point. Forgets everything past a bound, so a
 * flood of unknown series cannot grow it for good. */
class SeriesPrefixes {
  static readonly MAX = 100_000;
  // building → space → sensor → quantity: lookups by the readings' own strings, whose hashes V8
  // keeps, rather than by a key concatenated per reading.
  #tree = new Map<string, Map<string, Map<string, Map<string, Uint8Array>>>>();
  #size = 0;
  #last: Reading | undefined;
  #lastPrefix: Uint8Array | undefined;

  /** Called between batches: within one, a series keeps one prefix object (encodeBatch's key). */
  trim(): void {
    if (this.#size < SeriesPrefixes.MAX) return;
    this.#tree.clear();
    this.#size = 0;
    this.#last = undefined;
  }

  of(r: Reading): Uint8Array {
    const last = this.#last;
    // Readings come in runs of one series (a SenML pack, a sensor's backlog): compare first.
    if (last !== undefined && sameSeries(r, last)) return this.#lastPrefix!;
    const spaces = branch(this.#tree, r.building);
    const sensors = branch(spaces, r.space);
    const quantities = branch(sensors, r.sensor);
    let prefix = quantities.get(r.quantity);
    if (prefix === undefined) {
      prefix = Buffer.from(
        encodeSeriesPrefix(
          r.quantity,
          {
            building: encodeTagValue(r.building),
            space: encodeTagValue(r.space),
            sensor: encodeTagValue(r.sensor),
          },
          "value",
        ),
        "utf8",
      );
      quantities.set(r.quantity, prefix);
      this.#size++;
    }
    this.#last = r;
    this.#lastPrefix = prefix;
    return prefix;
  }
}

function branch<V>(map: Map<string, Map<string, V>>, key: string): Map<string, V> {
  let next = map.get(key);
  if (next === undefined) {
    next = new Map();
    map.set(key, next);
  }
  return next;
}

/**
 * Encodes a batch's lines into `lines`; returns, for each line, the index of its reading. A
 * reading that cannot be written goes to `rejected`; of several readings of one series and time,
 * only the last is sent (the last duplicate wins, and bisection can never re-send an older value
 * over a newer one).
 */
function encodeBatch(
  readings: readonly Reading[],
  prefixes: SeriesPrefixes,
  rejected: WriteResult["rejected"],
  lines: LineBuffer,
): number[] {
  prefixes.trim();
  const series: (Uint8Array | undefined)[] = new Array(readings.length);
  // Duplicates can only be where a series' time does not rise: check that first, and look for
  // them only in a batch where it happens.
  const latest = new Map<Uint8Array, number>();
  let outOfOrder = false;
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    if (!Number.isFinite(r.v)) {
      rejected.push({ reading: r, reason: "value is not a finite number" });
      continue;
    }
    if (!Number.isSafeInteger(r.t)) {
      rejected.push({ reading: r, reason: "time is not a whole number of milliseconds" });
      continue;
    }
    const prefix = prefixes.of(r);
    series[i] = prefix;
    const before = latest.get(prefix);
    if (before !== undefined && r.t <= before) outOfOrder = true;
    else latest.set(prefix, r.t);
  }
  if (outOfOrder) dropSuperseded(readings, series);
  const sent: number[] = [];
  for (let i = 0; i < readings.length; i++) {
    const prefix = series[i];
    if (prefix === undefined) continue;
    const r = readings[i]!;
    lines.appendPoint(prefix, r.v, r.t);
    sent.push(i);
  }
  return sent;
}

/** Forgets (sets to undefined) the series of every reading a later one of its series and time supersedes. */
function dropSuperseded(readings: readonly Reading[], series: (Uint8Array | undefined)[]): void {
  const lastAt = new Map<Uint8Array, Map<number, number>>();
  for (let i = 0; i < readings.length; i++) {
    const prefix = series[i];
    if (prefix === undefined) continue;
    let times = lastAt.get(prefix);
    if (times === undefined) {
      times = new Map();
      lastAt.set(prefix, times);
    }
    const t = readings[i]!.t;
    const previous = times.get(t);
    if (previous !== undefined) series[previous] = undefined;
    times.set(t, i);
  }
}

/** Who wants to know how each daily or monthly read split between rollups and raw points. */
export interface InfluxReadObserver {
  onSegments?(segments: readonly { from: number; to: number; source: "raw" | "rollup" }[]): void;
}

export function createInfluxTelemetryStore(
  options: InfluxOptions,
  observer: InfluxReadObserver = {},
): TelemetryStore {
  const config: InfluxConfig = parseInfluxOptions(options);
  const log: Logger | undefined = config.logger;
  const zone = config.timeZone;
  const calendar = zoneCalendar(zone);
  let client: InfluxClient | undefined;

  const connected = (): InfluxClient => {
    // A store used before connect() talks to InfluxDB anyway: nothing is held between calls.
    client ??= clientFor(config);
    return client;
  };
  const rollups = rollupLocation(config);
  // Rollups of one zone are never read, nor days stamped, by a store of another.
  const checkZone = rollupZoneGuard(connected, rollups, zone);
  const withDatabase = recreatingDatabase(config, connected);
  // This process's dirty stamps: their own series, written one request at a time, in order.
  const writer = `${hostname()}:${process.pid}`;
  let stamping: Promise<unknown> = Promise.resolve();
  // Days this process stamped already; only days not yet over need no further stamp (below).
  const stampedDays = new Set<number>();
  const from = (quantity: string) => qualifiedMeasurement(quantity, config.retentionPolicy);
  const fromRollup = (quantity: string) => qualifiedMeasurement(quantity, rollups.rp);
  const query = (q: string): Promise<StatementResult[]> => connected().query(q, { db: config.database });
  const queryRollups = (q: string): Promise<StatementResult[]> => connected().query(q, { db: rollups.db });
  // Encoded line prefixes of the series written so far (a site has a bounded number of them).
  const prefixes = new SeriesPrefixes();
  const lineBuffers: LineBuffer[] = [];
  const dayOf = (t: number): number => calendar.dayStart(t);

  /** How a daily or monthly read of [from, to) splits between rollups and raw points. */
  async function plannedSegments(q: { from: number; to: number; every: Every }): Promise<Segment[]> {
    const whole: Segment[] = [{ from: q.from, to: q.to, source: "raw" }];
    if (q.every !== "1d" && q.every !== "1mo") return whole;
    if (q.to <= q.from || q.to - q.from > MAX_ROLLUP_RANGE_DAYS * 86_400_000) return whole;
    await checkZone();
    const { days, prunedThrough } = await readRollupState(
      connected(),
      rollups,
      windowStart(q.from, "1d", zone),
      q.to,
    );
    if (days.size === 0) return whole;
    return planSegments(
      q.from,
      q.to,
      (day) => readsFromRollup(day, days.get(day), config.rollupClockMarginMs, prunedThrough, zone),
      zone,
    );
  }

  async function segmentsOf(q: { from: number; to: number; every: Every }): Promise<Segment[]> {
    const segments = await plannedSegments(q);
    observer.onSegments?.(segments);
    return segments;
  }

  /** Stamps the days of confirmed points, in this process's order. A day not over yet needs
   * one stamp per process, so that the job knows it: a roll that settles it starts after the
   * day ended plus the margin, after every write confirmed before the day ended. */
  function stampDays(days: Set<number>): Promise<unknown> {
    const now = Date.now();
    const due = [...days].filter((day) => !stampedDays.has(day) || nextWindowStart(day, "1d", zone) <= now);
    if (due.length === 0) return Promise.resolve();
    stamping = stamping
      .catch(() => undefined)
      .then(async () => {
        await checkZone();
        await connected().write(
          dirtiedLines(due, Date.now(), config.rollupClockMarginMs, writer).join("\n"),
          {
            db: rollups.db,
            rp: rollups.rp,
            precision: "ms",
          },
        );
        if (stampedDays.size > 10_000) stampedDays.clear();
        for (const day of due) stampedDays.add(day);
      });
    return stamping;
  }

  /** Consumption per window (and space) from the rollups of the settled days in `segments`.
   * In total, InfluxDB sums the day's rows (one bucket per day: see bucketWidth); per space,
   * the rows come as they are (a space has a meter or two per quantity, and GROUP BY time(1h),
   * "space" over a year would make InfluxDB walk 8 760 buckets per space). */
  async function rollupConsumption(
    q: SeriesFilter & { every: Every },
    segments: readonly Segment[],
    bySpace: boolean,
    add: (space: string, start: number, value: number) => void,
  ): Promise<void> {
    const bucket = bucketWidth(q.every, q.from, q.to, zone);
    const statements = segments
      .filter((segment) => segment.source === "rollup")
      .map((segment) => {
        const conditions = where([...tagConditions(q), ...timeConditions(segment.from, segment.to)]);
        return bySpace
          ? `SELECT "consumption" FROM ${fromRollup(q.quantity)}${conditions} GROUP BY "space"`
          : `SELECT SUM("consumption") FROM ${fromRollup(q.quantity)}${conditions} GROUP BY time(${bucket}) fill(none)`;
      });
    if (statements.length === 0) return;
    for (const result of await queryRollups(statements.join("; "))) {
      for (const s of result.series ?? []) {
        const space = decodeTagValue(s.tags?.space ?? "");
        for (const [t, value] of s.values as [number, number | null][]) {
          if (typeof value === "number") add(space, windowStart(t, q.every, zone), value);
        }
      }
    }
  }

  /** Consumption per window and space over `q`, from rollups where settled and raw elsewhere. */
  async function consumptionWindows(
    q: SeriesFilter & { every: Every },
    bySpace: boolean,
    add: (space: string, start: number, value: number) => void,
  ): Promise<void> {
    const segments = await segmentsOf(q);
    await rollupConsumption(q, segments, bySpace, add);
    for (const segment of segments) {
      if (segment.source !== "raw") continue;
      for (const entry of await meterSeries({ ...q, from: segment.from, to: segment.to })) {
        for (const w of consumptionOf(entry, q.every)) add(entry.space, w.start, w.value);
      }
    }
  }

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
      const key = seriesKeyOf(r);
      let entry = bySeries.get(key);
      if (entry === undefined) {
        entry = { space: r.space, points: [] };
        bySeries.set(key, entry);
      }
      entry.points.push(r);
    }
    for (const r of readingsOf(before?.series, filter.quantity)) {
      const entry = bySeries.get(seriesKeyOf(r));
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
      zone,
    );
  }

  const sortedWindows = (windows: Map<number, number>): WindowValue[] =>
    [...windows].sort((a, b) => a[0] - b[0]).map(([start, value]) => ({ start, value }));

  return {
    async connect() {
      const c = connected();
      await c.ping();
      if (config.createDatabase) await ensureDatabase(c, config);
      await checkZone();
      log?.info(
        { database: config.database, retentionPolicy: config.retentionPolicy, timeZone: zone },
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
      // A buffer per write in flight, reused: fresh ones would each stay allocated until V8's
      // next full collection, tens of MiB on a backlog.
      const lines = lineBuffers.pop() ?? new LineBuffer(readings.length * 64);
      let refused: LineRejection[];
      let sent: number[];
      try {
        sent = encodeBatch(readings, prefixes, rejected, lines);
        refused = await withDatabase(() =>
          writeLines(
            connected(),
            lines,
            {
              db: config.database,
              rp: config.retentionPolicy,
              precision: "ms",
              consistency: config.consistency,
            },
            config.batchSize,
          ),
        );
      } finally {
        lines.reset();
        if (lineBuffers.length < 4) lineBuffers.push(lines);
      }
      for (const { index, reason } of refused) rejected.push({ reading: readings[sent[index]!]!, reason });
      if (refused.length > 0) log?.warn({ rejected: refused.length }, "influx refused points");
      // Only now that InfluxDB confirmed the points: the days they fall in go back to raw reads
      // until the rollup job rolls them again. A failure here fails the write, which is retried.
      const refusedAt = new Set(refused.map((r) => r.index));
      const days = new Set<number>();
      for (let k = 0; k < sent.length; k++) if (!refusedAt.has(k)) days.add(dayOf(readings[sent[k]!]!.t));
      if (days.size > 0) await withDatabase(() => stampDays(days));
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
      // Local days and months are unions of whole buckets (hours in zones with whole-hour
      // offsets, see bucketWidth), so InfluxDB's buckets merge exactly into every window
      // width, DST days included.
      const bucket = bucketWidth(q.every, q.from, q.to, zone);
      const segments = await segmentsOf(q);
      const rawStatements: string[] = [];
      const rollupStatements: string[] = [];
      for (const segment of segments) {
        const conditions = where([...tagConditions(q), ...timeConditions(segment.from, segment.to)]);
        if (segment.source === "raw") {
          rawStatements.push(
            `SELECT COUNT("value"), SUM("value"), MIN("value"), MAX("value"), LAST("value") FROM ${from(q.quantity)}${conditions} GROUP BY time(${bucket}) fill(none)`,
          );
        } else {
          // Rollup points sit at local midnight, the start of a bucket: one bucket per day.
          rollupStatements.push(
            `SELECT SUM("count"), SUM("sum"), MIN("min"), MAX("max") FROM ${fromRollup(q.quantity)}${conditions} GROUP BY time(${bucket}) fill(none)`,
            `SELECT MAX("last_t"), "last" FROM ${fromRollup(q.quantity)}${conditions} GROUP BY time(${bucket}) fill(none)`,
          );
        }
      }
      const [rawResults, rollupResults] = await Promise.all([
        rawStatements.length === 0 ? [] : query(rawStatements.join("; ")),
        rollupStatements.length === 0 ? [] : queryRollups(rollupStatements.join("; ")),
      ]);
      // Segments are disjoint in time, so all rows merge in one time-ordered pass.
      const rows: unknown[][] = [];
      for (const result of rawResults) rows.push(...(result.series?.[0]?.values ?? []));
      for (let i = 0; i < rollupResults.length; i += 2) {
        rows.push(...rollupBucketRows(rollupResults[i]?.series, rollupResults[i + 1]?.series));
      }
      const windows = new Map<number, Bucket>();
      mergeBuckets(rows, q.every, windows, zone);
      return [...windows]
        .sort((a, b) => a[0] - b[0])
        .map(([start, w]) => ({ start, value: q.fn === "mean" ? w.sum / w.count : w[q.fn] }));
    },

    async consumption(q) {
      const windows = new Map<number, number>();
      await consumptionWindows(q, false, (_space, start, value) =>
        windows.set(start, (windows.get(start) ?? 0) + value),
      );
      return sortedWindows(windows);
    },

    async consumptionBySpace(q) {
      const bySpace = new Map<string, Map<number, number>>();
      await consumptionWindows(q, true, (space, start, value) => {
        let windows = bySpace.get(space);
        if (windows === undefined) {
          windows = new Map();
          bySpace.set(space, windows);
        }
        windows.set(start, (windows.get(start) ?? 0) + value);
      });
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
