// Query-string time parameters: an instant as an RFC 3339 date-time with its offset, a local
// day of the site (its midnight in the site's time zone), or milliseconds since the epoch;
// within the years 1970 to 2199. Anything else is a 400 that says what is expected: never
// Date.parse's guesses (which read "' OR '1'='1" as 2001), never a date the stores cannot
// window (a 500). The schemas are the same for every site, so a local day stays a date until
// a route turns it into an instant with the site's zone (instantIn).
import { z } from "zod";
import { daysInMonth, parseRfc3339 } from "../model/rfc3339.ts";
import { type LocalDate, localMidnight } from "../model/time-zone.ts";

/** The years the API answers for: 1970 to 2199 (instants, days and months alike). */
const FIRST_YEAR = 1970;
const END_YEAR = 2200;
export const isSupportedYear = (year: number): boolean => year >= FIRST_YEAR && year < END_YEAR;
const EARLIEST_INSTANT = Date.UTC(FIRST_YEAR, 0, 1);
const LATEST_INSTANT = Date.UTC(END_YEAR, 0, 1);

const LOCAL_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** A query-string instant as parsed: an instant, or a local day of the site. */
export type InstantParam = { ms: number } | { day: LocalDate };

/** A query-string instant, or undefined when it is none of the accepted forms. */
export function parseInstant(text: string): InstantParam | undefined {
  if (/^\d{1,16}$/.test(text)) return { ms: Number(text) };
  const day = LOCAL_DAY.exec(text);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    if (month < 1 || month > 12 || date < 1 || date > daysInMonth(year, month)) return undefined;
    return { day: { year, month, day: date } };
  }
  const ms = parseRfc3339(text);
  return ms === undefined ? undefined : { ms };
}

/** The instant a parsed parameter names, a local day starting at its midnight in `zone`. */
export function instantIn(param: InstantParam, zone: string): number {
  return "ms" in param ? param.ms : localMidnight(param.day.year, param.day.month, param.day.day, zone);
}

export const instantParam = z
  .string()
  .max(40)
  .transform((text, ctx): InstantParam => {
    const parsed = parseInstant(text);
    if (parsed === undefined) {
      ctx.addIssue({
        code: "custom",
        message:
          "expected an RFC 3339 date-time with its offset (2025-01-31T23:00:00Z, 2025-02-01T00:00:00+01:00), a local day (2025-02-01, midnight in the site's time zone) or milliseconds since the epoch",
      });
      return z.NEVER;
    }
    const inRange =
      "ms" in parsed
        ? parsed.ms >= EARLIEST_INSTANT && parsed.ms < LATEST_INSTANT
        : isSupportedYear(parsed.day.year);
    if (!inRange) {
      ctx.addIssue({ code: "custom", message: "expected an instant between 1970 and 2199" });
      return z.NEVER;
    }
    return parsed;
  })
  .meta({
    description:
      "RFC 3339 date-time with offset, local day (YYYY-MM-DD, midnight in the site's time zone, Europe/Paris by default) or milliseconds since the epoch; 1970 to 2199",
    example: "2025-01-01T00:00:00+01:00",
  });

export const EVERY_MS = { "15m": 900_000, "1h": 3_600_000, "1d": 86_400_000, "1mo": 2_592_000_000 } as const;

/** The most windows one series request may ask for; beyond it, ask for a wider `every`. */
export const MAX_WINDOWS = 20_000;

/** A local day of the site, YYYY-MM-DD, between 1970 and 2199. */
export const dayParam = z.iso
  .date()
  .refine((d) => isSupportedYear(Number(d.slice(0, 4))), "expected a day between 1970-01-01 and 2199-12-31")
  .meta({
    description: "A day in the site's time zone (Europe/Paris by default), YYYY-MM-DD",
    example: "2025-01-01",
  });
