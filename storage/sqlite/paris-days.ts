// Paris day and month keys as the SQLite adapter needs them, fast: the day of an instant is
// cached per UTC hour, since ingest maps every written point to its day.
import { nextWindowStart, parisMidnight, windowStart } from "../windows.ts";

const HOUR = 3_600_000;
const dayByHour = new Map<number, number>();

/** First ms of the Europe/Paris day holding instant t. */
export function parisDayStart(t: number): number {
  const hour = Math.floor(t / HOUR);
  let day = dayByHour.get(hour);
  if (day === undefined) {
    day = windowStart(hour * HOUR, "1d");
    if (dayByHour.size > 200_000) dayByHour.clear();
    dayByHour.set(hour, day);
  }
  return day;
}

export function nextParisDay(dayStart: number): number {
  return nextWindowStart(dayStart, "1d");
}

/** The smallest Paris day start >= t. */
export function parisDayCeil(t: number): number {
  const day = parisDayStart(t);
  return day === t ? t : nextParisDay(day);
}

/** SQL turning a Paris day start (ms) into its month "YYYY-MM". A Paris day starts at local
 * midnight, 1 or 2 hours before UTC midnight of the same date, so two hours later it is
 * still that date in UTC, which strftime can read. */
export const PARIS_MONTH_OF_DAY_SQL = (column: string): string =>
  `strftime('%Y-%m', (${column} + 7200000) / 1000, 'unixepoch')`;

/** First ms of the Paris month named "YYYY-MM". */
export function parisMonthStart(key: string): number {
  return parisMidnight(Number(key.slice(0, 4)), Number(key.slice(5, 7)), 1);
}
