// Time windows shared by every adapter and the API: 15-minute and hourly windows on UTC,
// days and months on the Europe/Paris calendar (23-, 24- or 25-hour days around DST).
import type { Every } from "./telemetry-store.ts";

export const TIME_ZONE = "Europe/Paris";

const partsFormat = new Intl.DateTimeFormat("en-US", {
  timeZone: TIME_ZONE,
  hourCycle: "h23",
  year: "numeric",
  month: "numeric",
  day: "numeric",
  hour: "numeric",
  minute: "numeric",
  second: "numeric",
});

const offsetCache = new Map<number, number>();

/** Offset of Paris from UTC at instant t, in ms (3 600 000 in winter, 7 200 000 in summer). */
export function parisOffset(t: number): number {
  // Offsets only change on the hour; cache by UTC hour.
  const hour = Math.floor(t / 3_600_000);
  const cached = offsetCache.get(hour);
  if (cached !== undefined) return cached;
  const p: Record<string, number> = {};
  for (const part of partsFormat.formatToParts(new Date(hour * 3_600_000))) {
    if (part.type !== "literal") p[part.type] = Number(part.value);
  }
  const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
  const offset = asUtc - hour * 3_600_000;
  if (offsetCache.size > 100_000) offsetCache.clear();
  offsetCache.set(hour, offset);
  return offset;
}

/** The Paris calendar date of instant t. */
export function parisDate(t: number): { year: number; month: number; day: number } {
  const local = new Date(t + parisOffset(t));
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate() };
}

/** The instant of local midnight starting the Paris day year-month-day (month 1-12; day and
 * month may overflow, as with Date.UTC). */
export function parisMidnight(year: number, month: number, day: number): number {
  const naive = Date.UTC(year, month - 1, day);
  const guess = naive - parisOffset(naive);
  return naive - parisOffset(guess);
}

/** Start of the window of width `every` containing instant t. */
export function windowStart(t: number, every: Every): number {
  switch (every) {
    case "15m":
      return Math.floor(t / 900_000) * 900_000;
    case "1h":
      return Math.floor(t / 3_600_000) * 3_600_000;
    case "1d": {
      const d = parisDate(t);
      return parisMidnight(d.year, d.month, d.day);
    }
    case "1mo": {
      const d = parisDate(t);
      return parisMidnight(d.year, d.month, 1);
    }
  }
}

/** Start of the window following the one that starts at `start`. */
export function nextWindowStart(start: number, every: Every): number {
  switch (every) {
    case "15m":
      return start + 900_000;
    case "1h":
      return start + 3_600_000;
    case "1d": {
      const d = parisDate(start);
      return parisMidnight(d.year, d.month, d.day + 1);
    }
    case "1mo": {
      const d = parisDate(start);
      return parisMidnight(d.year, d.month + 1, 1);
    }
  }
}

/** Starts of every window overlapping [from, to), in order. */
export function windowStarts(from: number, to: number, every: Every): number[] {
  const starts: number[] = [];
  for (let s = windowStart(from, every); s < to; s = nextWindowStart(s, every)) starts.push(s);
  return starts;
}
