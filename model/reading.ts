// A reading is one value of one sensor at one instant, resolved against the site. It is also
// the unit of storage: (building, space, sensor, t) identifies it, so writing it twice is once.
import { z } from "zod";
import { idSchema } from "./ids.ts";
import { quantitySchema } from "./quantities.ts";

export const readingSchema = z
  .object({
    building: idSchema,
    space: idSchema,
    sensor: idSchema,
    quantity: quantitySchema,
    /** Milliseconds since the Unix epoch, UTC. */
    t: z.number().int().min(0).max(8.64e15),
    v: z.number().refine(Number.isFinite, "value must be finite"),
  })
  .strict();

export type Reading = z.infer<typeof readingSchema>;

/** Where a reading belongs, without its value: the series it is part of. */
export type SeriesKey = Pick<Reading, "building" | "space" | "sensor" | "quantity">;

/** A series as one string, for maps keyed by series. */
export function seriesKeyOf(r: SeriesKey): string {
  return `${r.building}\u0000${r.space}\u0000${r.sensor}\u0000${r.quantity}`;
}

/** Whether two readings are of one series (same building, space, sensor and quantity). */
export function sameSeries(a: SeriesKey, b: SeriesKey): boolean {
  return (
    a.sensor === b.sensor && a.space === b.space && a.building === b.building && a.quantity === b.quantity
  );
}
