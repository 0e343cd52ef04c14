// The site's time zone and its local calendar: the UTC offset at an instant, the local date of
// an instant, the instant a local day starts. Every day and month of the system (stores, API,
// guard, simulator) is computed here, for any IANA zone Node's Intl knows. Stores call this
// per reading, so each zone's answers are cached: offsets per UTC hour (with the exact second
// of a change inside an hour), the day around the last instant asked.
import { z } from "zod";

export const DEFAULT_TIME_ZONE = "Europe/Paris";

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Offsets lie within [-12 h, +14 h]: a local midnight is within this of UTC midnight. */
const MAX_LEAD = 14 * HOUR;
const MAX_LAG = 12 * HOUR;

export interface LocalDate {
  year: number;
  /** 1-12 */
  month: number;
  day: number;
}

/** The canonical name of an IANA zone ("europe/paris" → "Europe/Paris"), or undefined when
 * Intl does not know it. */
export function canonicalTimeZone(name: string): string | undefined {
  if (!/^[A-Za-z][A-Za-z0-9_+\-/]*$/.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** An IANA time zone name, turned into its canonical spelling (so one zone has one name in the
 * stores' records). */
export const timeZoneSchema = z
  .string()
  .max(64)
  .transform((name, ctx) => {
    const zone = canonicalTimeZone(name);
    if (zone === undefined) {
      ctx.addIssue({
        code: "custom",
        message: `unknown time zone "${name}": give an IANA name such as Europe/Paris, America/Martinique or Indian/Reunion`,
      });
      return z.NEVER;
    }
    return zone;
  });

interface Change {
  /** First ms of the new offset. */
  at: number;
  before: number;
  after: number;
}

/** What the local days starting in a range have in common (see ZoneCalendar.dayBoundaries). */
export interface DayBoundaries {
  alignMs: number;
  /** Smallest and largest (UTC midnight of the local date) − (the day's first instant). */
  minLead: number;
  maxLead: number;
}

const ALIGNMENTS = [HOUR, HOUR / 2, HOUR / 4, 60_000, 1000, 1];

const alignmentOf = (t: number): number => ALIGNMENTS.find((a) => ((t % a) + a) % a === 0) ?? 1;

export class ZoneCalendar {
  readonly zone: string;
  readonly #format: Intl.DateTimeFormat;
  /** Per UTC hour: its offset, or the change inside it. */
  readonly #hours = new Map<number, number | Change>();
  #lastHour = Number.NaN;
  #lastEntry: number | Change = 0;
  /** The local day holding the last instant asked for, [from, to). */
  #dayFrom = 0;
  #dayTo = 0;
  /** Day starts per UTC hour, for the hours that lie within one day. */
  readonly #dayOfHour = new Map<number, number>();
  readonly #years = new Map<number, DayBoundaries>();

  constructor(zone: string) {
    const canonical = canonicalTimeZone(zone);
    if (canonical === undefined) throw new RangeError(`unknown time zone "${zone}"`);
    this.zone = canonical;
    this.#format = new Intl.DateTimeFormat("en-US", {
      timeZone: canonical,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
  }

  /** Offset of local time from UTC at instant t, in ms (3 600 000 for Paris in winter). */
  offset(t: number): number {
    const hour = Math.floor(t / HOUR);
    let entry: number | Change;
    if (hour === this.#lastHour) entry = this.#lastEntry;
    else {
      const cached = this.#hours.get(hour);
      if (cached === undefined) {
        entry = this.#hourEntry(hour * HOUR);
        if (this.#hours.size > 200_000) this.#hours.clear();
        this.#hours.set(hour, entry);
      } else entry = cached;
      this.#lastHour = hour;
      this.#lastEntry = entry;
    }
    if (typeof entry === "number") return entry;
    return t < entry.at ? entry.before : entry.after;
  }

  /** The local calendar date of instant t. */
  date(t: number): LocalDate {
    return civil(Math.floor((t + this.offset(t)) / DAY));
  }

  /**
   * The first instant of the local day year-month-day (month 1-12; day and month may
   * overflow, as with Date.UTC): its local midnight, or, where the clock skipped midnight,
   * the instant it jumped over it.
   */
  midnight(year: number, month: number, day: number): number {
    const naive = Date.UTC(year, month - 1, day);
    // The offsets in force around that midnight: usually one (no zone changes its clock twice
    // within a day), two around a change.
    const early = naive - this.offset(naive - MAX_LEAD);
    const late = naive - this.offset(naive + MAX_LAG);
    if (early === late) return early;
    const valid = (u: number) => u + this.offset(u) === naive;
    const first = Math.min(early, late);
    const second = Math.max(early, late);
    if (valid(first)) {
      // Midnight twice (the clock went back over it): the day starts at the one after which
      // the date no longer goes back.
      if (second !== first && valid(second) && second - 1 + this.offset(second - 1) < naive) return second;
      return first;
    }
    if (valid(second)) return second;
    // Midnight skipped: the day starts where the clock jumped past it.
    return this.#changeBetween(first, second);
  }

  /**
   * The instant the zone's clocks read year-month-day hour:minute:second.ms (fields may overflow,
   * as with Date.UTC). A time read twice (the clock went back) is the first; a time the clock
   * skipped is read as if the change had not happened yet (02:30 on the night clocks go forward
   * is 03:30 of the new offset), as RFC 9557 and Temporal's "compatible" disambiguation do.
   */
  local(year: number, month: number, day: number, hour = 0, minute = 0, second = 0, ms = 0): number {
    const naive = Date.UTC(year, month - 1, day, hour, minute, second, ms);
    const early = naive - this.offset(naive - MAX_LEAD);
    const late = naive - this.offset(naive + MAX_LAG);
    const valid = (u: number) => u + this.offset(u) === naive;
    const first = Math.min(early, late);
    if (valid(first)) return first;
    const second_ = Math.max(early, late);
    if (valid(second_)) return second_;
    // Skipped: before the change the offset was the earlier one.
    return naive - this.offset(naive - MAX_LEAD);
  }

  /** First instant of the local day holding t. */
  dayStart(t: number): number {
    if (t >= this.#dayFrom && t < this.#dayTo) return this.#dayFrom;
    const hour = Math.floor(t / HOUR);
    const cached = this.#dayOfHour.get(hour);
    if (cached !== undefined) return cached;
    const d = this.date(t);
    let start = this.midnight(d.year, d.month, d.day);
    // Only where the clock went back across midnight can t's date begin after t.
    if (start > t) start = this.midnight(d.year, d.month, d.day - 1);
    const end = this.nextDayStart(start);
    this.#dayFrom = start;
    this.#dayTo = end;
    if (hour * HOUR >= start && (hour + 1) * HOUR <= end) {
      if (this.#dayOfHour.size > 200_000) this.#dayOfHour.clear();
      this.#dayOfHour.set(hour, start);
    }
    return start;
  }

  /** First instant of the local day after the one starting at `start`. */
  nextDayStart(start: number): number {
    const d = this.date(start);
    return this.midnight(d.year, d.month, d.day + 1);
  }

  /** First instant of the local month holding t. */
  monthStart(t: number): number {
    const d = this.date(t);
    const start = this.midnight(d.year, d.month, 1);
    return start > t ? this.midnight(d.year, d.month - 1, 1) : start;
  }

  /** First instant of the local month after the one holding `start`. */
  nextMonthStart(start: number): number {
    const d = this.date(start);
    return this.midnight(d.year, d.month + 1, 1);
  }

  /**
   * What the local days starting in [from, to) have in common, for stores that group in UTC:
   * `alignMs`, the longest of 1 h, 30 min, 15 min, 1 min, 1 s (or 1 ms) dividing every day
   * start, so that buckets of that width add up to whole days; and the range of
   * (UTC midnight of the day's date − the day's start), so that one shift can move every
   * day start into the UTC date of its local date. Cached per UTC year.
   */
  dayBoundaries(from: number, to: number): DayBoundaries {
    let result: DayBoundaries | undefined;
    const last = new Date(Math.max(from, to - 1)).getUTCFullYear();
    for (let year = new Date(from).getUTCFullYear(); year <= last; year++) {
      const y = this.#yearBoundaries(year);
      result =
        result === undefined
          ? { ...y }
          : {
              alignMs: Math.min(result.alignMs, y.alignMs),
              minLead: Math.min(result.minLead, y.minLead),
              maxLead: Math.max(result.maxLead, y.maxLead),
            };
    }
    return result ?? this.#yearBoundaries(new Date(from).getUTCFullYear());
  }

  #yearBoundaries(year: number): DayBoundaries {
    const cached = this.#years.get(year);
    if (cached !== undefined) return cached;
    const end = Date.UTC(year + 1, 0, 1);
    let alignMs = HOUR;
    let minLead = Number.POSITIVE_INFINITY;
    let maxLead = Number.NEGATIVE_INFINITY;
    for (let s = this.dayStart(Date.UTC(year, 0, 1)); s < end; s = this.nextDayStart(s)) {
      alignMs = Math.min(alignMs, alignmentOf(s));
      const d = this.date(s);
      const lead = Date.UTC(d.year, d.month - 1, d.day) - s;
      minLead = Math.min(minLead, lead);
      maxLead = Math.max(maxLead, lead);
    }
    const result = { alignMs, minLead, maxLead };
    this.#years.set(year, result);
    return result;
  }

  /** Offset at t as Intl reads it (whole seconds). */
  #offsetAt(t: number): number {
    const p: Record<string, number> = {};
    for (const part of this.#format.formatToParts(new Date(t))) {
      if (part.type !== "literal") p[part.type] = Number(part.value);
    }
    const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    return asUtc - (t - (((t % 1000) + 1000) % 1000));
  }

  /** The hour's offset, or the change inside it, to the second (tzdb changes fall on whole seconds). */
  #hourEntry(start: number): number | Change {
    const before = this.#offsetAt(start);
    const after = this.#offsetAt(start + HOUR);
    if (before === after) return before;
    let lo = start;
    let hi = start + HOUR;
    while (hi - lo > 1000) {
      const mid = lo + Math.floor((hi - lo) / 2000) * 1000;
      if (this.#offsetAt(mid) === before) lo = mid;
      else hi = mid;
    }
    return { at: hi, before, after };
  }

  /** The first instant in (lo, hi] whose offset differs from lo's. */
  #changeBetween(lo: number, hi: number): number {
    const offset = this.offset(lo);
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (this.offset(mid) === offset) lo = mid;
      else hi = mid;
    }
    return hi;
  }
}

/** The date of a day number (days since 1970-01-01). */
function civil(days: number): LocalDate {
  const d = new Date(days * DAY);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const calendars = new Map<string, ZoneCalendar>();

/** The (shared, cached) calendar of a zone; throws RangeError for a zone Intl does not know. */
export function zoneCalendar(zone: string): ZoneCalendar {
  let calendar = calendars.get(zone);
  if (calendar === undefined) {
    calendar = new ZoneCalendar(zone);
    calendars.set(zone, calendar);
  }
  return calendar;
}

/** Offset of `zone` from UTC at instant t, in ms. */
export function zoneOffset(t: number, zone: string): number {
  return zoneCalendar(zone).offset(t);
}

/** The local date of instant t in `zone`. */
export function localDate(t: number, zone: string): LocalDate {
  return zoneCalendar(zone).date(t);
}

/** The first instant of the local day year-month-day in `zone` (day and month may overflow). */
export function localMidnight(year: number, month: number, day: number, zone: string): number {
  return zoneCalendar(zone).midnight(year, month, day);
}

/** The instant `zone`'s clocks read the given local date and time (ZoneCalendar.local). */
export function localInstant(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  ms = 0,
): number {
  return zoneCalendar(zone).local(year, month, day, hour, minute, second, ms);
}

/** The local date of instant t in `zone`, as YYYY-MM-DD. */
export function localIsoDate(t: number, zone: string): string {
  const d = localDate(t, zone);
  return `${String(d.year).padStart(4, "0")}-${String(d.month).padStart(2, "0")}-${String(d.day).padStart(2, "0")}`;
}
