// Local day and month keys as the SQLite adapter needs them, in the store's time zone: the day
// of an instant (ingest maps every written point to its day) and SQL reading the month of a
// day row.
import { type ZoneCalendar, zoneCalendar } from "../../model/time-zone.ts";

const DAY = 86_400_000;

export class LocalDays {
  readonly calendar: ZoneCalendar;

  constructor(zone: string) {
    this.calendar = zoneCalendar(zone);
  }

  /** First ms of the local day holding instant t. */
  dayStart(t: number): number {
    return this.calendar.dayStart(t);
  }

  nextDay(dayStart: number): number {
    return this.calendar.nextDayStart(dayStart);
  }

  /** The smallest local day start >= t. */
  dayCeil(t: number): number {
    const day = this.dayStart(t);
    return day === t ? t : this.nextDay(day);
  }

  /**
   * SQL turning the day starts (ms) of the days in [from, to) into their months "YYYY-MM", or
   * undefined when no one expression can. A day starts at its local midnight, a few hours
   * from UTC midnight of the same date; shifted by the largest such gap among the range's
   * days, every one of them lands inside its own date in UTC, which strftime can read.
   */
  monthOfDaySql(column: string, from: number, to: number): string | undefined {
    const { minLead, maxLead } = this.calendar.dayBoundaries(from, to);
    if (maxLead - minLead >= DAY) return undefined;
    return `strftime('%Y-%m', (${column} + ${maxLead}) / 1000, 'unixepoch')`;
  }

  /** First ms of the local month named "YYYY-MM". */
  monthStart(key: string): number {
    return this.calendar.midnight(Number(key.slice(0, 4)), Number(key.slice(5, 7)), 1);
  }
}
