// Which local days the daily rollups may answer for. Measurement `rollup_day` in the rollups'
// database holds, per day (time = the day's local midnight in the site's time zone):
// - `dirtied_at`, stamped by store writes touching the day once InfluxDB confirmed them (plus
//   the clock margin), in one series per writing process (tag `writer`): InfluxDB keeps the
//   last value written to a field, not the largest, so two processes sharing one field could
//   put an older stamp over a newer one; each process orders its own stamps, and reads take
//   the largest over writers;
// - `rolled_at`, stamped by the rollup job with the instant it STARTED reading raw points. Only
//   one process may roll (INFLUX_ROLLUP_JOB), for the same reason.
// A day is settled, and read from its rollup, when it was rolled after it ended and nothing was
// written to it since: every confirmed write either came before the job's read (so the rollup
// holds it) or stamped a later `dirtied_at` (so the day goes back to raw until the job rolls it
// again). Clocks of other hosts are allowed `rollupClockMarginMs` of error (10 s by default:
// hosts keep time with NTP), on the side of reading raw.
//
// Measurement `prune_state` holds `through`: the personal-data retention job deleted fine data
// of days before it (fine-data-pruner.ts). Raw points of such days are no longer complete, so
// a rolled day before it is read from its rollup even when a late write dirtied it, and the
// job never lets a series' day shrink (daily-rollup.ts).
//
// Measurement `rollup_zone` holds `zone`, the time zone the days are cut in (a database holds
// one site). Rollups from before it was recorded hold Europe/Paris days.
//
// Measurement `rollup_rule` holds `since`, tagged with a version of the consumption rule
// (domain/consumption.ts CONSUMPTION_RULE_VERSION): when the rollup job first rolled under it.
// A day rolled before that holds figures of an older rule: it is not settled, so reads take its
// raw points and the job rolls it again (a day before the pruned line keeps its old figures:
// its raw points are gone).

import { nextWindowStart } from "../../domain/calendar.ts";
import { CONSUMPTION_RULE_VERSION } from "../../domain/consumption.ts";
import { oneKindError } from "../../model/errors.ts";
import { DEFAULT_TIME_ZONE } from "../../model/time-zone.ts";
import { type InfluxClient, InfluxError, type StatementResult } from "./client.ts";
import { qualifiedMeasurement } from "./influxql.ts";
import { encodePoint, encodeTagValue } from "./line-protocol.ts";
import { timeConditions, where } from "./series-query.ts";

export const ROLLUP_STATE_MEASUREMENT = "rollup_day";
export const PRUNE_STATE_MEASUREMENT = "prune_state";
export const ZONE_MEASUREMENT = "rollup_zone";
export const RULE_MEASUREMENT = "rollup_rule";

export interface DayState {
  rolledAt?: number;
  dirtiedAt?: number;
  /** Rolled under an older consumption rule. */
  olderRule?: true;
}

export interface RollupLocation {
  db: string;
  rp: string;
}

/** True when the rollup of the local day starting at `day` (in `zone`) holds every point
 * written to it. */
export function isSettled(
  day: number,
  state: DayState | undefined,
  clockMarginMs: number,
  zone: string,
): boolean {
  if (state?.rolledAt === undefined || state.olderRule) return false;
  if (state.rolledAt < nextWindowStart(day, "1d", zone) + clockMarginMs) return false;
  return state.dirtiedAt === undefined || state.dirtiedAt < state.rolledAt;
}

/** True when a read of `day` takes its rollup: settled, or rolled and before the pruned line. */
export function readsFromRollup(
  day: number,
  state: DayState | undefined,
  clockMarginMs: number,
  prunedThrough: number | undefined,
  zone: string,
): boolean {
  if (isSettled(day, state, clockMarginMs, zone)) return true;
  return (
    state?.rolledAt !== undefined &&
    prunedThrough !== undefined &&
    nextWindowStart(day, "1d", zone) <= prunedThrough
  );
}

/** Lines stamping the days a write touched; `confirmedAt` is read after InfluxDB confirmed it
 * and moved later by the clock margin, so a roll that started within the margin of it does
 * not count as having seen it. */
export function dirtiedLines(
  days: Iterable<number>,
  confirmedAt: number,
  clockMarginMs: number,
  writer: string,
): string[] {
  return [...days].map((day) =>
    encodePoint({
      measurement: ROLLUP_STATE_MEASUREMENT,
      tags: { writer: encodeTagValue(writer) },
      fields: { dirtied_at: confirmedAt + clockMarginMs },
      time: day,
    }),
  );
}

/** Lines stamping days the job rolled; `startedAt` is taken before it read any raw point. */
export function rolledLines(days: Iterable<number>, startedAt: number): string[] {
  return [...days].map((day) =>
    encodePoint({
      measurement: ROLLUP_STATE_MEASUREMENT,
      tags: {},
      fields: { rolled_at: startedAt },
      time: day,
    }),
  );
}

export interface RollupState {
  /** The state of every day starting in the range that has one. */
  days: Map<number, DayState>;
  /** Where the retention job has pruned fine data up to, if it ever did. */
  prunedThrough?: number;
}

/** The day states in [from, to) (every day when both are undefined) and the pruned line, in
 * one request. */
export async function readRollupState(
  client: InfluxClient,
  at: RollupLocation,
  from: number | undefined,
  to: number | undefined,
): Promise<RollupState> {
  // Without GROUP BY, the rows of every writer's series come back merged in time order.
  const [dayRows, pruned, rule] = await client.query(
    [
      `SELECT "rolled_at", "dirtied_at" FROM ${qualifiedMeasurement(ROLLUP_STATE_MEASUREMENT, at.rp)}${where(timeConditions(from, to))}`,
      `SELECT MAX("through") FROM ${qualifiedMeasurement(PRUNE_STATE_MEASUREMENT, at.rp)}`,
      ruleSinceQuery(at),
    ].join("; "),
    { db: at.db },
  );
  const ruleSince = firstNumber(rule);
  const days = new Map<number, DayState>();
  for (const [t, rolledAt, dirtiedAt] of (dayRows?.series?.[0]?.values ?? []) as [
    number,
    number | null,
    number | null,
  ][]) {
    let state = days.get(t);
    if (state === undefined) {
      state = {};
      days.set(t, state);
    }
    if (typeof rolledAt === "number") state.rolledAt = Math.max(state.rolledAt ?? rolledAt, rolledAt);
    if (typeof dirtiedAt === "number") state.dirtiedAt = Math.max(state.dirtiedAt ?? dirtiedAt, dirtiedAt);
  }
  for (const state of days.values()) {
    if (state.rolledAt !== undefined && (ruleSince === undefined || state.rolledAt < ruleSince)) {
      state.olderRule = true;
    }
  }
  const through = firstNumber(pruned);
  return through === undefined ? { days } : { days, prunedThrough: through };
}

function ruleSinceQuery(at: RollupLocation): string {
  return `SELECT MIN("since") FROM ${qualifiedMeasurement(RULE_MEASUREMENT, at.rp)} WHERE "rule" = '${CONSUMPTION_RULE_VERSION}'`;
}

/** On /query a missing database is a statement's error, which names it. */
function namesMissingDatabase(error: unknown): boolean {
  return error instanceof InfluxError && /database not found/i.test(error.message);
}

function firstNumber(result: StatementResult | undefined): number | undefined {
  const value = result?.series?.[0]?.values[0]?.[1];
  return typeof value === "number" ? value : undefined;
}

/** For the rollup job, before it rolls: records when it first rolled under this consumption
 * rule, so the days it rolled before read as rolled under an older one. */
export async function claimConsumptionRule(
  client: InfluxClient,
  at: RollupLocation,
  now: number,
): Promise<boolean> {
  let rule: StatementResult | undefined;
  try {
    [rule] = await client.query(ruleSinceQuery(at), { db: at.db });
  } catch (error) {
    if (namesMissingDatabase(error)) return false;
    throw error;
  }
  if (firstNumber(rule) !== undefined) return true;
  const line = encodePoint({
    measurement: RULE_MEASUREMENT,
    tags: { rule: String(CONSUMPTION_RULE_VERSION) },
    fields: { since: now },
    time: 0,
  });
  await client.write(line, { db: at.db, rp: at.rp, precision: "ms" });
  return true;
}

/** Records a prune up to `through`; reads take the largest ever recorded. */
export async function writePrunedThrough(client: InfluxClient, at: RollupLocation, through: number) {
  const line = encodePoint({
    measurement: PRUNE_STATE_MEASUREMENT,
    tags: {},
    fields: { through },
    time: through,
  });
  await client.write(line, { db: at.db, rp: at.rp, precision: "ms" });
}

/** Rollups cut in one time zone, asked for by a store of another. */
export class RollupZoneError extends oneKindError("RollupZoneError") {}

/**
 * Checks that the rollups at `at` are cut in `zone`, recording it when they hold no day yet;
 * throws RollupZoneError when they hold days of another zone. A missing database holds
 * nothing: it is checked again by the next call.
 */
export async function claimRollupZone(
  client: InfluxClient,
  at: RollupLocation,
  zone: string,
): Promise<boolean> {
  let results: StatementResult[];
  try {
    results = await client.query(
      [
        `SELECT LAST("zone") FROM ${qualifiedMeasurement(ZONE_MEASUREMENT, at.rp)}`,
        `SELECT * FROM ${qualifiedMeasurement(ROLLUP_STATE_MEASUREMENT, at.rp)} LIMIT 1`,
      ].join("; "),
      { db: at.db },
    );
  } catch (error) {
    // With several statements InfluxDB 1.6 answers a missing database only "not executed",
    // so the database is looked for.
    if (namesMissingDatabase(error)) return false;
    if (
      error instanceof InfluxError &&
      /not executed/.test(error.message) &&
      !(await databaseExists(client, at.db))
    ) {
      return false;
    }
    throw error;
  }
  const [zones, days] = results;
  const stored = zones?.series?.[0]?.values[0]?.[1];
  const hasDays = (days?.series?.[0]?.values.length ?? 0) > 0;
  const recorded = typeof stored === "string" ? stored : hasDays ? DEFAULT_TIME_ZONE : undefined;
  if (recorded === zone) {
    if (typeof stored !== "string") await writeZone(client, at, zone);
    return true;
  }
  if (recorded !== undefined && hasDays) {
    throw new RollupZoneError(
      `the InfluxDB rollups in database ${at.db} are kept on ${recorded} days, and the site's time zone is now ${zone}: their days would be read wrong. Set the site's timezone back to ${recorded}, or give the rollups a new database (INFLUX_ROLLUP_DATABASE) and roll the raw points again (days past the raw retention do not come back).`,
    );
  }
  await writeZone(client, at, zone);
  return true;
}

async function databaseExists(client: InfluxClient, db: string): Promise<boolean> {
  const [result] = await client.query("SHOW DATABASES");
  return (result?.series?.[0]?.values ?? []).some((row) => row[0] === db);
}

async function writeZone(client: InfluxClient, at: RollupLocation, zone: string): Promise<void> {
  const line = encodePoint({ measurement: ZONE_MEASUREMENT, tags: {}, fields: { zone }, time: 0 });
  await client.write(line, { db: at.db, rp: at.rp, precision: "ms" });
}

/** claimRollupZone once per process for a store or job: later calls wait for the first claim
 * that found the database. */
export function rollupZoneGuard(
  client: () => InfluxClient,
  at: RollupLocation,
  zone: string,
): () => Promise<void> {
  let claimed: Promise<boolean> | undefined;
  return async () => {
    claimed ??= claimRollupZone(client(), at, zone).catch((error: unknown) => {
      claimed = undefined;
      throw error;
    });
    if (!(await claimed)) claimed = undefined;
  };
}
