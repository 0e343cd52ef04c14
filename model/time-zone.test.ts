// The local calendar of a site's time zone: dates and midnights round-trip, days are 23, 24 or
// 25 hours only where the zone changes its clocks, offsets match Intl to the millisecond, and
// days partition time in every zone Intl knows, including those that skip or repeat midnight.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalTimeZone,
  localDate,
  localIsoDate,
  localMidnight,
  timeZoneSchema,
  ZoneCalendar,
  zoneCalendar,
  zoneOffset,
} from "./time-zone.ts";

const HOUR = 3_600_000;
const ZONES = ["Europe/Paris", "America/Martinique", "Indian/Reunion"] as const;

const dateArb = fc.record({
  year: fc.integer({ min: 1970, max: 2199 }),
  month: fc.integer({ min: 1, max: 12 }),
  day: fc.integer({ min: 1, max: 28 }),
});
const instantArb = fc.integer({ min: Date.UTC(1970, 0, 2), max: Date.UTC(2199, 11, 31) });

/** Offset as Intl formats the instant, independent of the calendar's caches. */
function intlOffset(t: number, zone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: zone,
    hourCycle: "h23",
    year: "numeric",
    month: "numeric",
    day: "numeric",
    hour: "numeric",
    minute: "numeric",
    second: "numeric",
  }).formatToParts(new Date(t));
  const p = Object.fromEntries(
    parts.filter((x) => x.type !== "literal").map((x) => [x.type, Number(x.value)]),
  );
  const whole = t - (((t % 1000) + 1000) % 1000);
  return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - whole;
}

/** Lengths of every local day of a year, in hours. */
function dayLengths(year: number, zone: string): Map<number, number> {
  const calendar = zoneCalendar(zone);
  const counts = new Map<number, number>();
  const end = localMidnight(year + 1, 1, 1, zone);
  for (let s = localMidnight(year, 1, 1, zone); s < end; ) {
    const next = calendar.nextDayStart(s);
    const hours = (next - s) / HOUR;
    counts.set(hours, (counts.get(hours) ?? 0) + 1);
    s = next;
  }
  return counts;
}

describe("the zone's name", () => {
  it("accepts the zones Intl knows, in their canonical spelling", () => {
    expect(timeZoneSchema.parse("Europe/Paris")).toBe("Europe/Paris");
    expect(timeZoneSchema.parse("america/martinique")).toBe("America/Martinique");
    for (const zone of ["America/Guadeloupe", "America/Cayenne", "Indian/Reunion", "Indian/Mayotte"]) {
      expect(timeZoneSchema.parse(zone)).toBe(zone);
    }
  });

  it("refuses an unknown zone with a message that names it and gives examples", () => {
    const result = timeZoneSchema.safeParse("Europe/Atlantis");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toMatch(
      /unknown time zone "Europe\/Atlantis".*America\/Martinique/,
    );
    expect(canonicalTimeZone("+01:00")).toBeUndefined();
    expect(canonicalTimeZone("")).toBeUndefined();
    expect(() => new ZoneCalendar("Mars/Olympus")).toThrow(RangeError);
  });
});

describe.each(ZONES)("the calendar of %s", (zone) => {
  it("round-trips: the local date of a day's first instant is that day, and its clock reads 00:00", () => {
    fc.assert(
      fc.property(dateArb, ({ year, month, day }) => {
        const start = localMidnight(year, month, day, zone);
        expect(localDate(start, zone)).toEqual({ year, month, day });
        expect(localDate(start - 1, zone)).not.toEqual({ year, month, day });
        const clock = (start + zoneOffset(start, zone)) % 86_400_000;
        // 00:00, unless the clock jumped over midnight (Martinique, 6 April 1980): then the
        // day starts at the jump.
        if (clock !== 0) expect(zoneOffset(start - 1, zone)).toBeLessThan(zoneOffset(start, zone));
      }),
      { numRuns: 2000 },
    );
  });

  it("puts every instant in its local day: start ≤ t < next start, the same date", () => {
    const calendar = zoneCalendar(zone);
    fc.assert(
      fc.property(instantArb, (t) => {
        const start = calendar.dayStart(t);
        const next = calendar.nextDayStart(start);
        expect(start).toBeLessThanOrEqual(t);
        expect(next).toBeGreaterThan(t);
        expect(localDate(start, zone)).toEqual(localDate(t, zone));
        expect(localMidnight(localDate(t, zone).year, localDate(t, zone).month, 1, zone)).toBe(
          calendar.monthStart(t),
        );
      }),
      { numRuns: 2000 },
    );
  });

  it("gives Intl's offset at any millisecond", () => {
    fc.assert(
      fc.property(instantArb, (t) => {
        expect(zoneOffset(t, zone)).toBe(intlOffset(t, zone));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("day lengths", () => {
  it("Paris: one 23-hour and one 25-hour day a year, at the end of March and of October", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1996, max: 2199 }), (year) => {
        expect(dayLengths(year, "Europe/Paris")).toEqual(
          new Map([
            [24, (year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 366 : 365) - 2],
            [23, 1],
            [25, 1],
          ]),
        );
      }),
      { numRuns: 30 },
    );
    const calendar = zoneCalendar("Europe/Paris");
    const spring = localMidnight(2024, 3, 31, "Europe/Paris");
    const autumn = localMidnight(2024, 10, 27, "Europe/Paris");
    expect(new Date(spring).toISOString()).toBe("2024-03-30T23:00:00.000Z");
    expect(calendar.nextDayStart(spring) - spring).toBe(23 * HOUR);
    expect(new Date(autumn).toISOString()).toBe("2024-10-26T22:00:00.000Z");
    expect(calendar.nextDayStart(autumn) - autumn).toBe(25 * HOUR);
  });

  it("Martinique and Réunion: every day 24 hours (Martinique's only summer time was 1980)", () => {
    for (const year of [1981, 1999, 2024, 2025, 2100]) {
      expect(dayLengths(year, "America/Martinique")).toEqual(
        new Map([[24, year % 4 === 0 && year !== 2100 ? 366 : 365]]),
      );
      expect(dayLengths(year, "Indian/Reunion")).toEqual(
        new Map([[24, year % 4 === 0 && year !== 2100 ? 366 : 365]]),
      );
    }
    // Its summer time began at midnight, 6 April 1980: that day started at 01:00, 23 hours long.
    const skipped = localMidnight(1980, 4, 6, "America/Martinique");
    expect(new Date(skipped).toISOString()).toBe("1980-04-06T04:00:00.000Z");
    expect(new Date(skipped + zoneOffset(skipped, "America/Martinique")).toISOString()).toBe(
      "1980-04-06T01:00:00.000Z",
    );
    expect(dayLengths(1980, "America/Martinique")).toEqual(
      new Map([
        [24, 364],
        [23, 1],
        [25, 1],
      ]),
    );
    // Local midnight is 04:00 UTC in Martinique and 20:00 UTC the day before in Réunion.
    expect(new Date(localMidnight(2025, 1, 1, "America/Martinique")).toISOString()).toBe(
      "2025-01-01T04:00:00.000Z",
    );
    expect(new Date(localMidnight(2025, 1, 1, "Indian/Reunion")).toISOString()).toBe(
      "2024-12-31T20:00:00.000Z",
    );
    expect(localIsoDate(Date.parse("2025-01-01T03:59:59.999Z"), "America/Martinique")).toBe("2024-12-31");
    expect(localIsoDate(Date.parse("2024-12-31T20:00:00Z"), "Indian/Reunion")).toBe("2025-01-01");
  });
});

describe("every zone Intl knows", () => {
  const all = Intl.supportedValuesOf("timeZone");

  it("cuts time into days: each instant in exactly one, days following one another", () => {
    fc.assert(
      fc.property(fc.constantFrom(...all), instantArb, (zone, t) => {
        const calendar = zoneCalendar(zone);
        const start = calendar.dayStart(t);
        const next = calendar.nextDayStart(start);
        expect(start).toBeLessThanOrEqual(t);
        expect(next).toBeGreaterThan(t);
        expect(calendar.dayStart(next)).toBe(next);
        expect(calendar.dayStart(start - 1)).toBeLessThan(start);
        expect(next - start).toBeLessThanOrEqual(26 * HOUR);
        const month = calendar.monthStart(t);
        expect(month).toBeLessThanOrEqual(start);
        expect(calendar.nextMonthStart(month)).toBeGreaterThan(t);
      }),
      { numRuns: 3000 },
    );
  });

  it("walks a whole year day by day, clock changes included, with each day's instants inside it", () => {
    fc.assert(
      fc.property(fc.constantFrom(...all), fc.integer({ min: 1970, max: 2100 }), (zone, year) => {
        const calendar = zoneCalendar(zone);
        const end = calendar.midnight(year + 1, 1, 1);
        let days = 0;
        for (let s = calendar.midnight(year, 1, 1); s < end; days++) {
          const next = calendar.nextDayStart(s);
          expect(next).toBeGreaterThan(s);
          expect(calendar.dayStart(s)).toBe(s);
          expect(calendar.dayStart(next - 1)).toBe(s);
          expect(calendar.dayStart(s + Math.floor((next - s) / 2))).toBe(s);
          s = next;
        }
        // A zone that crossed the date line skipped or repeated a day (Samoa, 2011).
        expect(Math.abs(days - 365.25)).toBeLessThan(2);
      }),
      { numRuns: 120 },
    );
  });

  it("starts a day the clock skips midnight on where the clock jumps (Santiago, September 2022)", () => {
    // Chile moved its clocks from 00:00 to 01:00 on 11 September 2022.
    const start = localMidnight(2022, 9, 11, "America/Santiago");
    expect(new Date(start).toISOString()).toBe("2022-09-11T04:00:00.000Z");
    expect(zoneOffset(start, "America/Santiago")).toBe(-3 * HOUR);
    expect(zoneOffset(start - 1, "America/Santiago")).toBe(-4 * HOUR);
    expect(zoneCalendar("America/Santiago").nextDayStart(start) - start).toBe(23 * HOUR);
  });

  it("aligns days on the half hour where the zone's offset is one (Marquesas, -09:30)", () => {
    const calendar = zoneCalendar("Pacific/Marquesas");
    const from = localMidnight(2025, 1, 1, "Pacific/Marquesas");
    expect(new Date(from).toISOString()).toBe("2025-01-01T09:30:00.000Z");
    expect(calendar.dayBoundaries(from, from + 400 * 86_400_000).alignMs).toBe(HOUR / 2);
    const paris = zoneCalendar("Europe/Paris").dayBoundaries(Date.UTC(2024, 0, 1), Date.UTC(2026, 0, 1));
    expect(paris).toEqual({ alignMs: HOUR, minLead: HOUR, maxLead: 2 * HOUR });
  });
});
