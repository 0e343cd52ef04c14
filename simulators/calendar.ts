// Paris calendar days as integers ("day numbers": days since 1970-01-01 of the local date),
// the unit every daily draw of the simulators is keyed on.
import { parisDate, parisMidnight, parisOffset } from "../storage/windows.ts";

const DAY_MS = 86_400_000;

/** The Paris day number of instant t. */
export function dayNumberOf(t: number): number {
  const d = parisDate(t);
  return Date.UTC(d.year, d.month - 1, d.day) / DAY_MS;
}

/** The day number of an ISO date (YYYY-MM-DD). */
export function dayNumberOfIso(iso: string): number {
  const ms = Date.parse(`${iso.slice(0, 10)}T00:00:00Z`);
  if (!Number.isFinite(ms)) throw new RangeError(`not an ISO date: ${iso}`);
  return ms / DAY_MS;
}

/** ISO date (YYYY-MM-DD) of a day number. */
export function isoOfDay(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}

/** The instant of local midnight starting a Paris day. */
export function dayStart(day: number): number {
  const d = new Date(day * DAY_MS);
  return parisMidnight(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
}

/** Local clock time of instant t in hours since the local midnight of its day (0 ≤ h < 24,
 * except around DST changes where the clock jumps). */
export function localHour(t: number): number {
  return ((((t + parisOffset(t)) % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: number): boolean {
  const w = weekday(day);
  return w === 0 || w === 6;
}

/** Month (1-12) and day of month of a day number. */
export function monthDay(day: number): { year: number; month: number; day: number } {
  const d = new Date(day * DAY_MS);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/** The French collective heating season: 1 October to 20 May inclusive. */
export function inHeatingSeason(day: number): boolean {
  const { month, day: dom } = monthDay(day);
  return month >= 10 || month <= 4 || (month === 5 && dom <= 20);
}

/** Phase of the year in radians, 0 on 15 January (the coldest day on average). */
export function seasonPhase(day: number): number {
  // Day 10 971 is 2000-01-15.
  return (2 * Math.PI * (day - 10_971)) / 365.2425;
}
