// Local calendar days (in the site's time zone) as integers ("day numbers": days since
// 1970-01-01 of the local date), the unit every daily draw of the simulators is keyed on.
import { inHeatingSeason as inSeason } from "../domain/heating-season.ts";
import { localDate, localMidnight, zoneOffset } from "../model/time-zone.ts";

const DAY_MS = 86_400_000;

/** The day number of instant t in `zone`. */
export function dayNumberOf(t: number, zone: string): number {
  const d = localDate(t, zone);
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

/** The instant of local midnight starting a day in `zone`. */
export function dayStart(day: number, zone: string): number {
  const d = new Date(day * DAY_MS);
  return localMidnight(d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate(), zone);
}

/** Local clock time of instant t in `zone`, in hours since the local midnight of its day
 * (0 ≤ h < 24, except around DST changes where the clock jumps). */
export function localHour(t: number, zone: string): number {
  return ((((t + zoneOffset(t, zone)) % DAY_MS) + DAY_MS) % DAY_MS) / 3_600_000;
}

/** 0 = Sunday … 6 = Saturday. */
export function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

export function isWeekend(day: number): boolean {
  const w = weekday(day);
  return w === 0 || w === 6;
}

/** Year, month (1-12) and day of month of a day number, without allocating a Date (the
 * civil-from-days algorithm; daily studies call this millions of times). */
export function monthDay(day: number): { year: number; month: number; day: number } {
  const z = day + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return {
    year: yoe + era * 400 + (month <= 2 ? 1 : 0),
    month,
    day: doy - Math.floor((153 * mp + 2) / 5) + 1,
  };
}

// year·10000 + month·100 + day for 1970-2100, filled on demand: the daily study asks for the
// same few hundred days millions of times.
const PACKED_DAYS = 47_482;
const packed = new Int32Array(PACKED_DAYS);

function packedDate(day: number): number {
  if (day >= 0 && day < PACKED_DAYS) {
    let v = packed[day]!;
    if (v === 0) {
      const d = monthDay(day);
      v = d.year * 10_000 + d.month * 100 + d.day;
      packed[day] = v;
    }
    return v;
  }
  const d = monthDay(day);
  return d.year * 10_000 + d.month * 100 + d.day;
}

/** Month × 100 + day of month: 1231 for 31 December. */
export function monthDayCode(day: number): number {
  return packedDate(day) % 10_000;
}

export function yearOf(day: number): number {
  return Math.floor(packedDate(day) / 10_000);
}

/** Day number of 1 July of a year. */
export function julyFirst(year: number): number {
  return Date.UTC(year, 6, 1) / DAY_MS;
}

/** Whether a simulated day falls in the heating season (domain/heating-season.ts). */
export function inHeatingSeason(day: number): boolean {
  const md = packedDate(day) % 10_000;
  return inSeason({ month: Math.floor(md / 100), day: md % 100 });
}

/** Phase of the year in radians, 0 on 15 January (the coldest day on average). */
export function seasonPhase(day: number): number {
  // Day 10 971 is 2000-01-15.
  return (2 * Math.PI * (day - 10_971)) / 365.2425;
}
