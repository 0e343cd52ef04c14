// Query-string time parameters: an instant as an RFC 3339 date-time with its offset, a local
// day of the site (Europe/Paris midnight), or milliseconds since the epoch; within the years
// 1970 to 2199. Anything else is a 400 that says what is expected: never Date.parse's guesses
// (which read "' OR '1'='1" as 2001), never a date the stores cannot window (a 500).
import { z } from "zod";
import { daysInMonth, parseRfc3339 } from "../model/rfc3339.ts";
import { parisMidnight } from "../storage/windows.ts";

/** The years the API answers for: 1970 to 2199 (instants, days and months alike). */
const FIRST_YEAR = 1970;
const END_YEAR = 2200;
export const isSupportedYear = (year: number): boolean => year >= FIRST_YEAR && year < END_YEAR;
const EARLIEST_INSTANT = Date.UTC(FIRST_YEAR, 0, 1);
const LATEST_INSTANT = Date.UTC(END_YEAR, 0, 1);

const LOCAL_DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Integer ms of a query-string instant, or undefined when it is none of the accepted forms. */
export function parseInstant(text: string): number | undefined {
  if (/^\d{1,16}$/.test(text)) return Number(text);
  const day = LOCAL_DAY.exec(text);
  if (day) {
    const [year, month, date] = [Number(day[1]), Number(day[2]), Number(day[3])];
    if (month < 1 || month > 12 || date < 1 || date > daysInMonth(year, month)) return undefined;
    return parisMidnight(year, month, date);
  }
  return parseRfc3339(text);
}

export const instantParam = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const t = parseInstant(text);
    if (t === undefined) {
      ctx.addIssue({
        code: "custom",
        message:
          "expected an RFC 3339 date-time with its offset (2025-01-31T23:00:00Z, 2025-02-01T00:00:00+01:00), a local day (2025-02-01, Paris midnight) or milliseconds since the epoch",
      });
      return z.NEVER;
    }
    if (t < EARLIEST_INSTANT || t >= LATEST_INSTANT) {
      ctx.addIssue({ code: "custom", message: "expected an instant between 1970 and 2199" });
      return z.NEVER;
    }
    return t;
  })
  .meta({
    description:
      "RFC 3339 date-time with offset, local day (YYYY-MM-DD, Europe/Paris midnight) or milliseconds since the epoch; 1970 to 2199",
    example: "2025-01-01T00:00:00+01:00",
  });

export const EVERY_MS = { "15m": 900_000, "1h": 3_600_000, "1d": 86_400_000, "1mo": 2_592_000_000 } as const;

/** The most windows one series request may ask for; beyond it, ask for a wider `every`. */
export const MAX_WINDOWS = 20_000;

/** A local day of the site, YYYY-MM-DD, between 1970 and 2199. */
export const dayParam = z.iso
  .date()
  .refine((d) => isSupportedYear(Number(d.slice(0, 4))), "expected a day between 1970-01-01 and 2199-12-31")
  .meta({ description: "Paris date, YYYY-MM-DD", example: "2025-01-01" });
