// A manager's alert on a building: what the API answers and what alerts/ computes.
import { z } from "zod";
import { quantitySchema } from "./quantities.ts";

export const alertSchema = z.object({
  kind: z.enum(["leak", "overheating", "cold_dwelling", "sensor_silent", "meter_reset", "meter_backwards"]),
  space: z.string(),
  sensor: z.string().optional(),
  quantity: quantitySchema.optional(),
  value: z.number().optional(),
  since: z.iso
    .datetime()
    .nullable()
    .optional()
    .meta({ description: "sensor_silent: the last reading, null when none" }),
  detail: z.string(),
});

export type Alert = z.infer<typeof alertSchema>;
