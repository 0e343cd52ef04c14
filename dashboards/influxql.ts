// InfluxQL building blocks shared by the dashboards, over the schema of storage/influx/: one
// measurement per quantity, tags building/space/sensor, field "value"; daily rollups in the
// "forever" policy of their own database (the "daily" datasource); dead letters in "dead_letter". Variables always go through ${var:regex}
// inside an anchored regex, so any id (dots, quotes, spaces, brackets) matches exactly itself.

import { ALERT_THRESHOLDS } from "../domain/alert-thresholds.ts";
import { COMMON_SPACE } from "../model/ids.ts";
import { QUANTITIES, type Quantity } from "../model/quantities.ts";

/** Where storage/influx/daily-rollup.ts writes (its rollupRetentionPolicy default). */
export const ROLLUP_POLICY = "forever";
/** The field of silentSensors(): the points in the last silent stretch, 0 for each row. */
export const SILENT_FIELD = "points_while_silent";
/** storage/influx/dead-letter-store.ts's measurement. */
export const DEAD_LETTER = "dead_letter";
/** Base temperature of French degree days (DJU), °C. */
export const DJU_BASE = 18;

/** Every quantity's measurement, as one InfluxQL regex source. */
export const ALL_QUANTITIES = `/^(${Object.keys(QUANTITIES).join("|")})$/`;

export const inBuilding = `"building" =~ /^\${building:regex}$/`;
export const inDwelling = `"space" =~ /^\${dwelling:regex}$/`;
export const dwellingsOnly = `"space" != '${COMMON_SPACE}'`;
export const commonOnly = `"space" = '${COMMON_SPACE}'`;

const where = (conditions: readonly string[]) => ["$timeFilter", ...conditions].join(" AND ");
const groupBy = (keys: readonly string[]) => keys.map((k) => `"${k}"`).join(", ");

/**
 * Increase of each meter per window: the difference between the last indexes of consecutive
 * non-empty windows, negative steps (meter resets) dropped. The first window of the range has
 * no predecessor, so up to one window of consumption is missed: keep windows small.
 */
export function meterIncrease(quantity: Quantity, conditions: readonly string[], every: string): string {
  return `SELECT NON_NEGATIVE_DIFFERENCE(LAST("value")) AS "increase" FROM "${quantity}" WHERE ${where(conditions)} GROUP BY time(${every}), "building", "space", "sensor" fill(none)`;
}

/** Consumption over the whole range, one row per combination of `by` (none: one row). */
export function consumptionTotal(
  quantity: Quantity,
  conditions: readonly string[],
  alias: string,
  by: readonly string[] = [],
): string {
  const inner = meterIncrease(quantity, conditions, "$__interval");
  return `SELECT SUM("increase") AS "${alias}" FROM (${inner})${by.length ? ` GROUP BY ${groupBy(by)}` : ""}`;
}

/** Consumption per window of `every` (hourly increases summed), per combination of `by`. */
export function consumptionPer(
  every: string,
  quantity: Quantity,
  conditions: readonly string[],
  alias: string,
  by: readonly string[] = [],
): string {
  const inner = meterIncrease(quantity, conditions, "1h");
  return `SELECT SUM("increase") AS "${alias}" FROM (${inner}) WHERE $timeFilter GROUP BY time(${every})${by.length ? `, ${groupBy(by)}` : ""} fill(none)`;
}

/** Mean of a gauge per window (Grafana's $__interval by default), per combination of `by`. */
export function gaugeMean(
  quantity: Quantity,
  conditions: readonly string[],
  by: readonly string[] = [],
  every = "$__interval",
): string {
  return `SELECT MEAN("value") AS "mean" FROM "${quantity}" WHERE ${where(conditions)} GROUP BY time(${every})${by.length ? `, ${groupBy(by)}` : ""} fill(none)`;
}

/**
 * Degree days (DJU, base 18 °C) per building over the range: the sum over UTC days of
 * max(0, 18 − daily mean outdoor temperature). InfluxQL has no MAX of two expressions, so
 * max(0, x) is written (x + |x|) / 2.
 */
export function degreeDays(conditions: readonly string[]): string {
  const deficit = `${DJU_BASE} - MEAN("value")`;
  const inner = `SELECT (${deficit} + ABS(${deficit})) / 2 AS "dju" FROM "outdoor_temperature" WHERE ${where(conditions)} GROUP BY time(1d), "building" fill(none)`;
  return `SELECT SUM("dju") AS "dju" FROM (${inner}) GROUP BY "building"`;
}

/**
 * Sensors silent for longer than the alerts' threshold (domain/alert-thresholds.ts, 2 hours)
 * before the end of the range, among those that sent something in the 7 days before it.
 * InfluxQL cannot compare a point's time with now, and a series with no point in a window
 * yields no row, so: points per 10 minutes with fill(0), summed over the windows of the
 * threshold (moving average × n), kept where that sum is 0.
 * One row per (building, space, sensor), field "points_while_silent" = 0.
 */
export function silentSensors(conditions: readonly string[]): string {
  const windows = Math.round(ALERT_THRESHOLDS.silentMs / 600_000);
  const lookBack = [`time > \${__to}ms - 7d`, `time <= \${__to}ms`, ...conditions].join(" AND ");
  const counts = `SELECT COUNT("value") AS "n" FROM ${ALL_QUANTITIES} WHERE ${lookBack} GROUP BY time(10m), "building", "space", "sensor" fill(0)`;
  const recent = `SELECT MOVING_AVERAGE("n", ${windows}) * ${windows} AS "h" FROM (${counts}) GROUP BY "building", "space", "sensor"`;
  const latest = `SELECT LAST("h") AS "${SILENT_FIELD}" FROM (${recent}) GROUP BY "building", "space", "sensor"`;
  return `SELECT "${SILENT_FIELD}" FROM (${latest}) WHERE "${SILENT_FIELD}" = 0 GROUP BY "building", "space", "sensor"`;
}
