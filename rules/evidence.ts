// The evidence the guard weighs: plain daily data, as the store's daily series give it. Days
// are consecutive ISO dates (in the site's time zone); every series is aligned with them and
// holds null for a day without a value.
import { z } from "zod";
import { claimedQuantitySchema } from "../model/device.ts";
import { idSchema } from "../model/ids.ts";

export const evidenceSchema = z
  .object({
    days: z.array(z.iso.date()),
    outdoor: z.array(
      z
        .object({
          date: z.iso.date(),
          tmin: z.number(),
          tmax: z.number(),
          /**
           * The mean of the day's hourly outdoor temperatures (CalTRACK 2.0 §3.1.4.2, §3.3.4), or
           * null when fewer than half of its hours have a reading (§2.2.2.3, §3.5.1.2). Absent when
           * the site has no sub-daily outdoor readings (a daily Tmin/Tmax import).
           */
          tmean: z.number().nullable().optional(),
        })
        .strict(),
    ),
    series: z.array(
      z
        .object({
          /** A dwelling id, or "common" for a building's common-area meter. */
          space: idSchema,
          quantity: claimedQuantitySchema,
          daily: z.array(z.number().nullable()),
        })
        .strict(),
    ),
  })
  .strict()
  .superRefine((e, ctx) => {
    if (e.outdoor.length !== e.days.length) {
      ctx.addIssue({ code: "custom", path: ["outdoor"], message: "one outdoor value per day" });
    }
    e.series.forEach((s, i) => {
      if (s.daily.length !== e.days.length) {
        ctx.addIssue({
          code: "custom",
          path: ["series", i, "daily"],
          message: "one value (or null) per day",
        });
      }
    });
  });

export type Evidence = z.infer<typeof evidenceSchema>;

export function findSeries(e: Evidence, space: string, quantity: string): (number | null)[] | undefined {
  return e.series.find((s) => s.space === space && s.quantity === quantity)?.daily;
}

/** Index of the first day on or after `date` (days.length when none). */
export function dayIndex(e: Evidence, date: string): number {
  const i = e.days.findIndex((d) => d >= date);
  return i < 0 ? e.days.length : i;
}
