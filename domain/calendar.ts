// Time windows shared by every adapter and the API: 15-minute and hourly windows on UTC,
// days and months on the calendar of the site's time zone (model/time-zone.ts), so a day is
// 23, 24 or 25 hours long where the zone changes its clocks.
import { zoneCalendar } from "../model/time-zone.ts";

/** Window widths. 15m and 1h are aligned on UTC (on local time too in zones whose offsets are
 * whole hours, as all of France's are); 1d and 1mo are calendar days and months in the site's
 * time zone (Europe/Paris by default), so a day is 23, 24 or 25 hours long where the zone
 * changes its clocks. A store is created with the zone of the site it holds. */
export type Every = "15m" | "1h" | "1d" | "1mo";

/** One window's value; windows with no data are absent. `start` is the window's first ms. */
export interface WindowValue {
  start: number;
  value: number;
}

/** Start of the window of width `every` containing instant t; days and months in `zone`. */
export function windowStart(t: number, every: Every, zone: string): number {
  switch (every) {
    case "15m":
      return Math.floor(t / 900_000) * 900_000;
    case "1h":
      return Math.floor(t / 3_600_000) * 3_600_000;
    case "1d":
      return zoneCalendar(zone).dayStart(t);
    case "1mo":
      return zoneCalendar(zone).monthStart(t);
  }
}

/** Start of the window following the one that starts at `start`. */
export function nextWindowStart(start: number, every: Every, zone: string): number {
  switch (every) {
    case "15m":
      return start + 900_000;
    case "1h":
      return start + 3_600_000;
    case "1d":
      return zoneCalendar(zone).nextDayStart(start);
    case "1mo":
      return zoneCalendar(zone).nextMonthStart(start);
  }
}

/** Starts of every window overlapping [from, to), in order. */
export function windowStarts(from: number, to: number, every: Every, zone: string): number[] {
  const starts: number[] = [];
  for (let s = windowStart(from, every, zone); s < to; s = nextWindowStart(s, every, zone)) starts.push(s);
  return starts;
}
