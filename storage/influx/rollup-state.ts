// Which Paris days the daily rollups may answer for. One point per day in the rollup policy,
// measurement `rollup_day`, two fields written by different parties and merged by InfluxDB:
// `dirtied_at`, stamped by every store write touching the day once InfluxDB confirmed it, and
// `rolled_at`, stamped by the rollup job with the instant it STARTED reading the raw points.
// A day is settled, and read from its rollup, when it was rolled after it ended and nothing
// was written to it since: every confirmed write either came before the job's read (so the
// rollup holds it) or stamped a later `dirtied_at` (so the day goes back to raw until the job
// rolls it again). Clocks of other hosts are allowed CLOCK_MARGIN_MS of error, on the side of
// reading raw (`rollupClockMarginMs`, 10 s by default: hosts keep time with NTP).

import { nextWindowStart } from "../windows.ts";
import type { InfluxClient } from "./client.ts";
import { qualifiedMeasurement } from "./influxql.ts";
import { formatFloat } from "./line-protocol.ts";
import { timeConditions, where } from "./series-query.ts";

export const ROLLUP_STATE_MEASUREMENT = "rollup_day";

export interface DayState {
  rolledAt?: number;
  dirtiedAt?: number;
}

export interface RollupLocation {
  db: string;
  rp: string;
}

/** True when the rollup of the Paris day starting at `day` holds every point written to it.
 * Both stamps already carry the clock margin (see dirtiedLines). */
export function isSettled(day: number, state: DayState | undefined, clockMarginMs: number): boolean {
  if (state?.rolledAt === undefined) return false;
  if (state.rolledAt < nextWindowStart(day, "1d") + clockMarginMs) return false;
  return state.dirtiedAt === undefined || state.dirtiedAt < state.rolledAt;
}

/** Lines stamping the days a write touched; `confirmedAt` is read after InfluxDB confirmed it
 * and moved later by the clock margin, so a roll that started within the margin of it does
 * not count as having seen it. */
export function dirtiedLines(days: Iterable<number>, confirmedAt: number, clockMarginMs: number): string[] {
  const stamp = formatFloat(confirmedAt + clockMarginMs);
  return [...days].map((day) => `${ROLLUP_STATE_MEASUREMENT} dirtied_at=${stamp} ${day}`);
}

/** Lines stamping days the job rolled; `startedAt` is taken before it read any raw point. */
export function rolledLines(days: Iterable<number>, startedAt: number): string[] {
  const stamp = formatFloat(startedAt);
  return [...days].map((day) => `${ROLLUP_STATE_MEASUREMENT} rolled_at=${stamp} ${day}`);
}

/** The state of every day starting in [from, to) that has one (all days when both are undefined). */
export async function readDayStates(
  client: InfluxClient,
  at: RollupLocation,
  from: number | undefined,
  to: number | undefined,
): Promise<Map<number, DayState>> {
  const [result] = await client.query(
    `SELECT "rolled_at", "dirtied_at" FROM ${qualifiedMeasurement(ROLLUP_STATE_MEASUREMENT, at.rp)}${where(timeConditions(from, to))}`,
    { db: at.db },
  );
  const states = new Map<number, DayState>();
  for (const [t, rolledAt, dirtiedAt] of (result?.series?.[0]?.values ?? []) as [
    number,
    number | null,
    number | null,
  ][]) {
    const state: DayState = {};
    if (typeof rolledAt === "number") state.rolledAt = rolledAt;
    if (typeof dirtiedAt === "number") state.dirtiedAt = dirtiedAt;
    states.set(t, state);
  }
  return states;
}
