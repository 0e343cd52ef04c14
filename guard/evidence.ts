// Reads what the guard weighs from the telemetry store: daily consumption per pilot space of
// each claimed quantity, and the daily outdoor Tmin/Tmax and mean of the hourly temperatures
// (CalTRACK's daily feature), over local days (in the site's time zone).
// The one place where stored telemetry becomes the plain Evidence of rules/evidence.ts.
import { type ClaimedQuantity, claimedQuantitySchema } from "../model/device.ts";
import { COMMON_SPACE } from "../model/ids.ts";
import type { Proposal } from "../model/proposal.ts";
import type { SiteRegistry } from "../model/registry.ts";
import { localMidnight } from "../model/time-zone.ts";
import { type Evidence, evidenceSchema } from "../rules/evidence.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import { GuardServiceError } from "./errors.ts";

/** Local days [from, to): ISO dates, `to` excluded (the day after the last one). */
export interface EvidenceWindow {
  from: string;
  to: string;
}

/** Ten years of days: beyond that a request is a mistake, not a pilot. */
export const MAX_WINDOW_DAYS = 3_660;

/** Used only for days no building has an outdoor reading for; every series is null on them. */
const NEUTRAL_OUTDOOR = { tmin: 18, tmax: 18 };

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

interface Days {
  dates: string[];
  /** First ms of each local day, plus the end of the last one. */
  starts: number[];
}

function parseIsoDate(text: string, name: string): { y: number; m: number; d: number } {
  const match = ISO_DATE.exec(text);
  const parsed = match ? { y: Number(match[1]), m: Number(match[2]), d: Number(match[3]) } : undefined;
  const valid =
    parsed !== undefined &&
    new Date(Date.UTC(parsed.y, parsed.m - 1, parsed.d)).toISOString().slice(0, 10) === text;
  if (!valid) {
    throw new GuardServiceError("invalid_window", `${name} must be a date such as 2025-10-01; got "${text}"`);
  }
  return parsed;
}

/** The local days of a window in `zone`, with their start instants. */
export function windowDays(window: EvidenceWindow, zone: string): Days {
  const from = parseIsoDate(window.from, "from");
  parseIsoDate(window.to, "to");
  if (window.from >= window.to) {
    throw new GuardServiceError(
      "invalid_window",
      `the window must end after it starts: from ${window.from} to ${window.to} (to is the day after the last one)`,
    );
  }
  const dates: string[] = [];
  const starts: number[] = [];
  for (let i = 0; ; i++) {
    const date = new Date(Date.UTC(from.y, from.m - 1, from.d + i)).toISOString().slice(0, 10);
    starts.push(localMidnight(from.y, from.m, from.d + i, zone));
    if (date >= window.to) break;
    dates.push(date);
    if (dates.length > MAX_WINDOW_DAYS) {
      throw new GuardServiceError(
        "invalid_window",
        `the window ${window.from} to ${window.to} is longer than ${MAX_WINDOW_DAYS} days; shorten it`,
      );
    }
  }
  return { dates, starts };
}

/** Which building holds each space the pilot names ("common" stands for all of them). */
export function pilotSpaces(proposal: Proposal, registry: SiteRegistry): Map<string, string[]> {
  for (const b of proposal.buildings) {
    if (!registry.building(b)) {
      throw new GuardServiceError(
        "unknown_building",
        `proposal ${proposal.id} names building ${b}, which is not in the site; fix the proposal or the site file`,
      );
    }
  }
  const pilot = proposal.pilot;
  const spaces =
    pilot.design === "controlled"
      ? [...pilot.treated.map((t) => t.dwelling), ...pilot.control]
      : pilot.meters.map((m) => m.space);
  const out = new Map<string, string[]>();
  for (const space of spaces) {
    if (out.has(space)) continue;
    if (space === COMMON_SPACE) {
      out.set(space, [...proposal.buildings]);
      continue;
    }
    const holders = proposal.buildings.filter((b) => registry.hasSpace(b, space));
    if (holders.length === 0) {
      throw new GuardServiceError(
        "unknown_space",
        `dwelling ${space} of proposal ${proposal.id} is in none of its buildings (${proposal.buildings.join(", ")})`,
      );
    }
    if (holders.length > 1) {
      throw new GuardServiceError(
        "ambiguous_space",
        `dwelling ${space} exists in several buildings of proposal ${proposal.id} (${holders.join(", ")}); a pilot must name dwellings that are unique across its buildings`,
      );
    }
    out.set(space, holders);
  }
  return out;
}

/**
 * The quantities read: the claimed ones only. A gas-only or water-only dwelling is judged on
 * what it meters; a device's own draw is priced from its cost line, not read from a meter.
 */
export function evidenceQuantities(proposal: Proposal): ClaimedQuantity[] {
  const wanted = new Set<ClaimedQuantity>(proposal.device.claims.map((c) => c.quantity));
  return claimedQuantitySchema.options.filter((q) => wanted.has(q));
}

function dayIndexer(days: Days): (start: number) => number | undefined {
  const byStart = new Map(days.starts.slice(0, -1).map((s, i) => [s, i]));
  return (start) => byStart.get(start);
}

/**
 * The store counts a meter's increase in the day of the later reading, so the first day after
 * a day without readings carries the use of the whole gap: it is not one day's use either.
 */
function dropGapCarriers(daily: (number | null)[]): (number | null)[] {
  return daily.map((v, i) => (i > 0 && daily[i - 1] === null ? null : v));
}

/** CalTRACK 2.0 §2.2.2.3: a day's mean temperature needs at least half of its hours. */
const MIN_HOURS_FOR_DAILY_MEAN = 12;

interface Outdoor {
  tmin: (number | null)[];
  tmax: (number | null)[];
  /** Mean of the day's hourly means, null below MIN_HOURS_FOR_DAILY_MEAN hours; undefined when
   * no day of the window has that many (the site's outdoor data is daily: Tmin/Tmax only). */
  tmean: (number | null)[] | undefined;
}

async function outdoorOf(store: TelemetryStore, buildings: readonly string[], days: Days): Promise<Outdoor> {
  const index = dayIndexer(days);
  const n = days.dates.length;
  const sums = { lo: new Array<number>(n).fill(0), hi: new Array<number>(n).fill(0) };
  const counts = { lo: new Array<number>(n).fill(0), hi: new Array<number>(n).fill(0) };
  const hourly = new Map<number, { sum: number; count: number }>();
  const range = { from: days.starts[0]!, to: days.starts[n]! };
  for (const building of buildings) {
    const query = { building, quantity: "outdoor_temperature" as const, space: COMMON_SPACE, ...range };
    const [lows, highs, hours] = await Promise.all([
      store.aggregate({ ...query, every: "1d", fn: "min" }),
      store.aggregate({ ...query, every: "1d", fn: "max" }),
      store.aggregate({ ...query, every: "1h", fn: "mean" }),
    ]);
    for (const [rows, key] of [
      [lows, "lo"],
      [highs, "hi"],
    ] as const) {
      for (const row of rows) {
        const i = index(row.start);
        if (i === undefined) continue;
        sums[key][i]! += row.value;
        counts[key][i]! += 1;
      }
    }
    for (const row of hours) {
      const h = hourly.get(row.start) ?? { sum: 0, count: 0 };
      h.sum += row.value;
      h.count += 1;
      hourly.set(row.start, h);
    }
  }
  // Several buildings of one proposal share a climate: their mean is the site's weather.
  const mean = (key: "lo" | "hi") =>
    sums[key].map((s, i) => (counts[key][i]! > 0 ? s / counts[key][i]! : null));
  const daySum = new Array<number>(n).fill(0);
  const dayHours = new Array<number>(n).fill(0);
  let day = 0;
  for (const start of [...hourly.keys()].sort((a, b) => a - b)) {
    while (day < n && start >= days.starts[day + 1]!) day++;
    if (day >= n || start < days.starts[day]!) continue;
    const h = hourly.get(start)!;
    daySum[day]! += h.sum / h.count;
    dayHours[day]! += 1;
  }
  const subDaily = dayHours.some((h) => h >= MIN_HOURS_FOR_DAILY_MEAN);
  const tmean = subDaily
    ? dayHours.map((h, i) => (h >= MIN_HOURS_FOR_DAILY_MEAN ? daySum[i]! / h : null))
    : undefined;
  return { tmin: mean("lo"), tmax: mean("hi"), tmean };
}

/**
 * Daily evidence for a proposal over local days [from, to). A day without a value is null;
 * the day right after such a gap is null too (it carries the gap's use). A day without any
 * outdoor reading cannot be weather-normalised: every series is null on it. Validated with
 * evidenceSchema before it is returned.
 */
export async function gatherEvidence(
  store: TelemetryStore,
  registry: SiteRegistry,
  proposal: Proposal,
  window: EvidenceWindow,
): Promise<Evidence> {
  const days = windowDays(window, registry.site.timezone);
  const n = days.dates.length;
  const spaces = pilotSpaces(proposal, registry);
  const quantities = evidenceQuantities(proposal);
  const index = dayIndexer(days);
  const range = { from: days.starts[0]!, to: days.starts[n]! };

  const outdoor = await outdoorOf(store, proposal.buildings, days);
  const weatherKnown = outdoor.tmin.map((lo, i) => lo !== null && outdoor.tmax[i] !== null);

  const wantedBuildings = new Set([...spaces.values()].flat());
  const series: Evidence["series"] = [];
  for (const quantity of quantities) {
    // One read per building and quantity, every space at once; then the pilot's spaces picked out.
    const perSpace = new Map<string, (number | null)[]>();
    for (const building of wantedBuildings) {
      const rows = await store.consumptionBySpace({ building, quantity, every: "1d", ...range });
      for (const row of rows) {
        const i = index(row.start);
        if (i === undefined) continue;
        const key = `${building}\u0000${row.space}`;
        let daily = perSpace.get(key);
        if (!daily) {
          daily = new Array<number | null>(n).fill(null);
          perSpace.set(key, daily);
        }
        daily[i] = row.value;
      }
    }
    for (const [space, holders] of spaces) {
      const parts = holders.map((b) =>
        dropGapCarriers(perSpace.get(`${b}\u0000${space}`) ?? new Array<number | null>(n).fill(null)),
      );
      // A common meter spread over several buildings is their sum, known only when each is.
      const daily = days.dates.map((_, i) => {
        if (!weatherKnown[i]) return null;
        let total = 0;
        for (const part of parts) {
          const v = part[i];
          if (v === null || v === undefined) return null;
          total += v;
        }
        return total;
      });
      series.push({ space, quantity, daily });
    }
  }

  const evidence = {
    days: days.dates,
    outdoor: days.dates.map((date, i) => {
      const tmin = outdoor.tmin[i];
      const tmax = outdoor.tmax[i];
      return tmin === null || tmin === undefined || tmax === null || tmax === undefined
        ? { date, ...NEUTRAL_OUTDOOR }
        : { date, tmin, tmax, ...(outdoor.tmean ? { tmean: outdoor.tmean[i] ?? null } : {}) };
    }),
    series,
  };
  return evidenceSchema.parse(evidence);
}

/** Share of null days over every series: what a report shows as "missing data". */
export function missingShare(evidence: Evidence): number {
  let total = 0;
  let missing = 0;
  for (const s of evidence.series) {
    total += s.daily.length;
    missing += s.daily.filter((v) => v === null).length;
  }
  return total === 0 ? 0 : missing / total;
}
