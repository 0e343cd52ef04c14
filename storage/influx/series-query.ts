// The InfluxQL pieces the telemetry store's reads share: the WHERE clause of a series filter
// and the decoding of per-series answers back into readings.

import { windowStart } from "../../domain/calendar.ts";
import type { Quantity } from "../../model/quantities.ts";
import type { Reading } from "../../model/reading.ts";
import { zoneCalendar } from "../../model/time-zone.ts";
import type { Every } from "../telemetry-store.ts";
import type { Series } from "./client.ts";
import { quoteIdent, quoteString, timeLiteral } from "./influxql.ts";
import { decodeTagValue, encodeTagValue } from "./line-protocol.ts";

// InfluxDB stores nanoseconds in an int64: instants outside these bounds cannot exist in it.
const MIN_MS = -9_223_372_036_854;
const MAX_MS = 9_223_372_036_854;

export const SERIES_TAGS = ["building", "space", "sensor"] as const;
export const GROUP_BY_SERIES = `GROUP BY ${SERIES_TAGS.map(quoteIdent).join(", ")}`;

export function clampMs(ms: number): number {
  return Math.min(MAX_MS, Math.max(MIN_MS, ms));
}

/** Tag conditions for the filter's building, space and sensor (values encoded as stored). */
export function tagConditions(filter: { building: string; space?: string; sensor?: string }): string[] {
  const conditions = [`${quoteIdent("building")} = ${quoteString(encodeTagValue(filter.building))}`];
  if (filter.space !== undefined) {
    conditions.push(`${quoteIdent("space")} = ${quoteString(encodeTagValue(filter.space))}`);
  }
  if (filter.sensor !== undefined) {
    conditions.push(`${quoteIdent("sensor")} = ${quoteString(encodeTagValue(filter.sensor))}`);
  }
  return conditions;
}

/** [from, to) as InfluxQL conditions; undefined bounds are left open. */
export function timeConditions(from: number | undefined, to: number | undefined): string[] {
  const conditions: string[] = [];
  if (from !== undefined) conditions.push(`time >= ${timeLiteral(clampMs(from))}`);
  if (to !== undefined) conditions.push(`time < ${timeLiteral(clampMs(to))}`);
  return conditions;
}

export function where(conditions: readonly string[]): string {
  return conditions.length === 0 ? "" : ` WHERE ${conditions.join(" AND ")}`;
}

/** Readings from `SELECT <one value column> ... GROUP BY building, space, sensor`, epoch=ms. */
export function readingsOf(series: readonly Series[] | undefined, quantity?: Quantity): Reading[] {
  const readings: Reading[] = [];
  for (const s of series ?? []) {
    const tags = s.tags ?? {};
    const key = {
      building: decodeTagValue(tags.building ?? ""),
      space: decodeTagValue(tags.space ?? ""),
      sensor: decodeTagValue(tags.sensor ?? ""),
      quantity: quantity ?? (s.name as Quantity),
    };
    for (const row of s.values) {
      const v = row[1];
      if (typeof v !== "number") continue;
      readings.push({ ...key, t: row[0] as number, v });
    }
  }
  return readings;
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The port's order: by sensor then time (space and building break remaining ties). */
export function bySensorThenTime(a: Reading, b: Reading): number {
  return (
    compare(a.sensor, b.sensor) || a.t - b.t || compare(a.space, b.space) || compare(a.building, b.building)
  );
}

/** A window's figures, merged from InfluxDB's hourly (or 15-minute) buckets. */
export interface Bucket {
  count: number;
  sum: number;
  min: number;
  max: number;
  last: number;
}

/**
 * The GROUP BY time() width whose buckets add up exactly to the windows of `every` over
 * [from, to): 15 minutes or an hour, and for days and months the longest of an hour, 30 or
 * 15 minutes (down to a second) that every local day start of the range is a multiple of. In
 * zones whose offsets are whole hours (all of France's but the Marquesas) that is an hour.
 */
export function bucketWidth(every: Every, from: number, to: number, zone: string): string {
  if (every === "15m") return "15m";
  if (every === "1h") return "1h";
  const ms = zoneCalendar(zone).dayBoundaries(from, to).alignMs;
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000}h`;
  if (ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** Merges the rows of `SELECT COUNT, SUM, MIN, MAX, LAST … GROUP BY time(…)` into `windows`,
 * keyed by the start of the `every` window (days and months in `zone`) each row falls in. Rows
 * are taken in time order, so `last` ends as the latest; empty buckets are skipped. */
export function mergeBuckets(
  rows: readonly unknown[][],
  every: Every,
  windows: Map<number, Bucket>,
  zone: string,
): void {
  const sorted = [...rows].sort((a, b) => (a[0] as number) - (b[0] as number));
  for (const [t, count, sum, min, max, last] of sorted as [
    number,
    number,
    number,
    number,
    number,
    number,
  ][]) {
    if (!count) continue;
    const start = windowStart(t, every, zone);
    const w = windows.get(start);
    if (w === undefined) windows.set(start, { count, sum, min, max, last });
    else {
      w.count += count;
      w.sum += sum;
      w.min = Math.min(w.min, min);
      w.max = Math.max(w.max, max);
      w.last = last;
    }
  }
}
