// The TelemetryStore in memory, written to be read: the port's meaning with nothing for speed.
// A series is a map from time to value. Windows come from domain/calendar.ts and consumption
// from domain/consumption.ts's reference rule. Days and months are built from day figures
// (count, sum, min, max, last, consumption), as a real store's daily rollups are: a day's
// figures come from its points, or, once the fine-data pruner has taken its points away
// (pruneFineBefore), from what the points said when it did, so daily and monthly answers do not
// change. A month is always the sum of its days, so it adds in the same order either way. A
// point written later into a pruned day is kept, and read raw, but the day's figures stay
// those it kept. `count` and `readRaw` see the raw points only.
import { type Every, nextWindowStart, type WindowValue, windowStart } from "../../domain/calendar.ts";
import { consumptionOfSeries } from "../../domain/consumption.ts";
import type { Quantity } from "../../model/quantities.ts";
import type { Reading, SeriesKey } from "../../model/reading.ts";
import { seriesKeyOf } from "../../model/reading.ts";
import { DEFAULT_TIME_ZONE, timeZoneSchema } from "../../model/time-zone.ts";
import type {
  AggregateFn,
  AggregateQuery,
  SeriesFilter,
  SpaceWindowValue,
  TelemetryStore,
  WriteResult,
} from "../telemetry-store.ts";
import { lifecycle, MemoryStoreError } from "./lifecycle.ts";

interface Point {
  t: number;
  v: number;
}

/** What a window of one series' points (or of several merged) says, for every AggregateFn. */
interface Figures {
  n: number;
  sum: number;
  min: number;
  max: number;
  /** The latest point's time and value. */
  lastT: number;
  lastV: number;
}

/** A local day of one series: its figures and, when any of its points had one before it, its
 * consumption (domain/consumption.ts: increases counted in the day of the later point). */
interface DayFigures extends Figures {
  consumption: number | undefined;
}

interface Series extends SeriesKey {
  points: Map<number, number>;
  /** Local days whose points the fine-data pruner deleted: their figures as the points gave them. */
  prunedDays: Map<number, DayFigures>;
}

export interface MemoryTelemetryStore extends TelemetryStore {
  /** Every series ever written to, in the order first written. */
  seriesList(): SeriesKey[];
  /**
   * For the memory FineDataPruner: deletes the series' points before the last one before
   * `before`, keeping that one (the next point's predecessor). The days losing points keep
   * their figures as they were, and answer for those days from then on. Returns how many
   * points went.
   */
  pruneFineBefore(series: SeriesKey, before: number): number;
}

export interface MemoryTelemetryOptions {
  /** The site's IANA time zone, which days and months follow; Europe/Paris by default. */
  timeZone?: string;
}

function pointFigures({ t, v }: Point): Figures {
  return { n: 1, sum: v, min: v, max: v, lastT: t, lastV: v };
}

function merge(a: Figures, b: Figures): Figures {
  const later = b.lastT > a.lastT ? b : a;
  return {
    n: a.n + b.n,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    lastT: later.lastT,
    lastV: later.lastV,
  };
}

function answer(f: Figures, fn: AggregateFn): number {
  switch (fn) {
    case "mean":
      return f.sum / f.n;
    case "min":
      return f.min;
    case "max":
      return f.max;
    case "sum":
      return f.sum;
    case "last":
      return f.lastV;
    case "count":
      return f.n;
  }
}

/** Adds `value` into the entry of `key`, merging with what is there. */
function addInto<K, V>(map: Map<K, V>, key: K, value: V, combine: (a: V, b: V) => V): void {
  const there = map.get(key);
  map.set(key, there === undefined ? value : combine(there, value));
}

const plus = (a: number, b: number) => a + b;

const byStart = <T extends { start: number }>(rows: T[]): T[] => rows.sort((a, b) => a.start - b.start);

/** Non-finite values and times that are not whole ms since 1970 are refused, as by every store. */
function refusal(r: Reading): string | undefined {
  if (!Number.isFinite(r.v)) return `value ${r.v} is not a finite number`;
  if (!Number.isSafeInteger(r.t) || r.t < 0) return `timestamp ${r.t} is not a whole number of ms since 1970`;
  return undefined;
}

export function createMemoryTelemetryStore(options: MemoryTelemetryOptions = {}): MemoryTelemetryStore {
  const parsed = timeZoneSchema.safeParse(options.timeZone ?? DEFAULT_TIME_ZONE);
  if (!parsed.success) {
    throw new MemoryStoreError(
      "memory_bad_config",
      `invalid memory store options: timeZone: ${parsed.error.issues.map((i) => i.message).join("; ")}`,
    );
  }
  const zone = parsed.data;
  const { connect, close, check } = lifecycle("telemetry store");
  /** By seriesKeyOf, in the order first written. */
  const allSeries = new Map<string, Series>();

  const dayOf = (t: number) => windowStart(t, "1d", zone);
  const nextDay = (day: number) => nextWindowStart(day, "1d", zone);

  function matching(filter: Omit<SeriesFilter, "from" | "to" | "quantity"> & { quantity?: Quantity }) {
    return [...allSeries.values()].filter(
      (s) =>
        s.building === filter.building &&
        (filter.quantity === undefined || s.quantity === filter.quantity) &&
        (filter.space === undefined || s.space === filter.space) &&
        (filter.sensor === undefined || s.sensor === filter.sensor),
    );
  }

  const sortedPoints = (s: Series): Point[] =>
    [...s.points].map(([t, v]) => ({ t, v })).sort((a, b) => a.t - b.t);

  /** The points of [from, to), in time order, and the last one before `from`. */
  function slice(s: Series, from: number, to: number): { before: Point | undefined; points: Point[] } {
    const all = sortedPoints(s);
    return { before: all.findLast((p) => p.t < from), points: all.filter((p) => p.t >= from && p.t < to) };
  }

  /** Figures per window of `every` of the points, each in the window holding it. */
  function figuresByWindow(points: readonly Point[], every: Every): Map<number, Figures> {
    const windows = new Map<number, Figures>();
    for (const p of points) addInto(windows, windowStart(p.t, every, zone), pointFigures(p), merge);
    return windows;
  }

  /** The figures of the local days of one series in [from, to): from its points, except for the
   * pruned days lying whole in the range, which answer with the figures they kept. A day cut by
   * `from` or `to` has only its points in the range. */
  function daysOf(s: Series, from: number, to: number): Map<number, DayFigures> {
    const { before, points } = slice(s, from, to);
    const pruned = new Map([...s.prunedDays].filter(([day]) => day >= from && nextDay(day) <= to));
    const days = new Map<number, DayFigures>(pruned);
    for (const [day, f] of figuresByWindow(points, "1d")) {
      if (!pruned.has(day)) days.set(day, { ...f, consumption: undefined });
    }
    for (const { start, value } of consumptionOfSeries(before, points, "1d", zone)) {
      if (!pruned.has(start)) days.get(start)!.consumption = value;
    }
    return new Map([...days].sort((a, b) => a[0] - b[0]));
  }

  /** One series' aggregate figures per window. */
  function seriesFigures(s: Series, from: number, to: number, every: Every): Map<number, Figures> {
    if (every === "15m" || every === "1h") return figuresByWindow(slice(s, from, to).points, every);
    const windows = new Map<number, Figures>();
    for (const [day, f] of daysOf(s, from, to)) addInto(windows, windowStart(day, every, zone), f, merge);
    return windows;
  }

  /** One series' consumption per window (windows without an increase absent). */
  function seriesConsumption(s: Series, from: number, to: number, every: Every): WindowValue[] {
    if (every === "15m" || every === "1h") {
      const { before, points } = slice(s, from, to);
      return consumptionOfSeries(before, points, every, zone);
    }
    const windows = new Map<number, number>();
    for (const [day, f] of daysOf(s, from, to)) {
      if (f.consumption !== undefined) addInto(windows, windowStart(day, every, zone), f.consumption, plus);
    }
    return [...windows].map(([start, value]) => ({ start, value }));
  }

  const readingOf = (s: Series, p: Point): Reading => ({
    building: s.building,
    space: s.space,
    sensor: s.sensor,
    quantity: s.quantity,
    t: p.t,
    v: p.v,
  });

  return {
    connect,
    close,

    async ping() {
      check();
    },

    async write(readings) {
      check();
      const rejected: WriteResult["rejected"] = [];
      let written = 0;
      for (const reading of readings) {
        const reason = refusal(reading);
        if (reason !== undefined) {
          rejected.push({ reading, reason });
          continue;
        }
        const key = seriesKeyOf(reading);
        let s = allSeries.get(key);
        if (s === undefined) {
          const { building, space, sensor, quantity } = reading;
          s = { building, space, sensor, quantity, points: new Map(), prunedDays: new Map() };
          allSeries.set(key, s);
        }
        s.points.set(reading.t, reading.v);
        written++;
      }
      return { written, rejected };
    },

    async readRaw(filter) {
      check();
      const rows = matching(filter).flatMap((s) =>
        slice(s, filter.from, filter.to).points.map((p) => readingOf(s, p)),
      );
      return rows.sort(
        (a, b) =>
          (a.sensor < b.sensor ? -1 : a.sensor > b.sensor ? 1 : 0) ||
          a.t - b.t ||
          (a.space < b.space ? -1 : a.space > b.space ? 1 : 0),
      );
    },

    async count(filter) {
      check();
      return matching(filter).reduce((n, s) => n + slice(s, filter.from, filter.to).points.length, 0);
    },

    async aggregate(query: AggregateQuery) {
      check();
      const windows = new Map<number, Figures>();
      for (const s of matching(query)) {
        for (const [start, f] of seriesFigures(s, query.from, query.to, query.every)) {
          addInto(windows, start, f, merge);
        }
      }
      return byStart([...windows].map(([start, f]) => ({ start, value: answer(f, query.fn) })));
    },

    async consumption(query) {
      check();
      const windows = new Map<number, number>();
      for (const s of matching(query)) {
        for (const w of seriesConsumption(s, query.from, query.to, query.every)) {
          addInto(windows, w.start, w.value, plus);
        }
      }
      return byStart([...windows].map(([start, value]) => ({ start, value })));
    },

    async consumptionBySpace(query) {
      check();
      const windows = new Map<string, SpaceWindowValue>();
      for (const s of matching(query)) {
        for (const w of seriesConsumption(s, query.from, query.to, query.every)) {
          addInto(windows, JSON.stringify([s.space, w.start]), { space: s.space, ...w }, (a, b) => ({
            ...a,
            value: a.value + b.value,
          }));
        }
      }
      return [...windows.values()].sort(
        (a, b) => a.start - b.start || (a.space < b.space ? -1 : a.space > b.space ? 1 : 0),
      );
    },

    async latest(filter) {
      check();
      const to = filter.to ?? Number.POSITIVE_INFINITY;
      const rows: Reading[] = [];
      for (const s of matching(filter)) {
        const last = sortedPoints(s).findLast((p) => p.t < to);
        if (last !== undefined) rows.push(readingOf(s, last));
      }
      return rows.sort(
        (a, b) =>
          (a.sensor < b.sensor ? -1 : a.sensor > b.sensor ? 1 : 0) ||
          (a.space < b.space ? -1 : a.space > b.space ? 1 : 0) ||
          (a.quantity < b.quantity ? -1 : a.quantity > b.quantity ? 1 : 0),
      );
    },

    seriesList() {
      check();
      return [...allSeries.values()].map(({ building, space, sensor, quantity }) => ({
        building,
        space,
        sensor,
        quantity,
      }));
    },

    pruneFineBefore(key, before) {
      check();
      const s = allSeries.get(seriesKeyOf(key));
      if (s === undefined) return 0;
      const all = sortedPoints(s);
      const kept = all.findLast((p) => p.t < before);
      if (kept === undefined) return 0;
      const going = all.filter((p) => p.t < kept.t);
      if (going.length === 0) return 0;
      // The days losing points keep the figures they have now (those an earlier pruning kept, for
      // a day pruned before), and so does the kept point's day: its increase was over a point
      // that goes.
      for (const day of new Set([...going, kept].map((p) => dayOf(p.t)))) {
        s.prunedDays.set(day, daysOf(s, day, nextDay(day)).get(day)!);
      }
      for (const p of going) s.points.delete(p.t);
      return going.length;
    },
  };
}
