// The options a user declares for an import (command line or query string), checked at the edge.
import { z } from "zod";
import { localMidnight, timeZoneSchema } from "../model/time-zone.ts";
import { IMPORT_FORMATS } from "./types.ts";

const DELIMITER_NAMES: Record<string, ";" | "," | "\t" | "|"> = {
  ";": ";",
  ",": ",",
  "|": "|",
  "\t": "\t",
  tab: "\t",
  "\\t": "\t",
  semicolon: ";",
  comma: ",",
  pipe: "|",
};

export const importOptionsSchema = z
  .object({
    format: z.enum(IMPORT_FORMATS).optional(),
    encoding: z
      .string()
      .transform((s) =>
        s
          .toLowerCase()
          .replace(/^(cp|win(dows)?)-?1252$|^latin-?1$|^iso-?8859-?1$/, "windows-1252")
          .replace(/^utf-?8$/, "utf-8"),
      )
      .pipe(z.enum(["utf-8", "windows-1252"], { message: "utf-8 or windows-1252" }))
      .optional(),
    delimiter: z
      .string()
      .transform((s) => DELIMITER_NAMES[s.toLowerCase()])
      .pipe(z.enum([";", ",", "\t", "|"], { message: '";", ",", tab or "|"' }))
      .optional(),
    decimal: z
      .string()
      .transform((s) => ({ ".": ".", ",": ",", point: ".", comma: "," })[s.toLowerCase()])
      .pipe(z.enum([".", ","], { message: '"." or ","' }))
      .optional(),
    zone: timeZoneSchema.optional(),
    dateIs: z.enum(["end-of-day", "start-of-day"]).optional(),
  })
  .strict();

/** A range bound: a date (its local midnight in `zone`) or an ISO instant with offset. */
export function parseRangeBound(text: string, zone: string): number {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (date) {
    const [y, m, d] = [+date[1]!, +date[2]!, +date[3]!];
    if (m < 1 || m > 12 || d < 1 || d > new Date(Date.UTC(y, m, 0)).getUTCDate()) {
      throw new Error(`${JSON.stringify(text)} is not a date of the calendar`);
    }
    return localMidnight(y, m, d, zone);
  }
  const t = /[zZ]|[+-]\d{2}:?\d{2}$/.test(text) ? Date.parse(text) : Number.NaN;
  if (!Number.isFinite(t)) {
    throw new Error(`${JSON.stringify(text)} is neither a date (2024-01-01) nor an ISO time with offset`);
  }
  return t;
}
