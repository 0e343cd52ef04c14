// Bounds on what one MQTT message may carry, checked by accept.ts before and after decoding.
// The defaults let a gateway backfill three years of history in packs of up to 1 000 readings.
import { z } from "zod";

const MINUTE = 60_000;
const DAY = 86_400_000;

export const ingestLimitsSchema = z
  .object({
    /** Larger payloads are refused before any parsing (payload_too_large). */
    maxPayloadBytes: z
      .number()
      .int()
      .positive()
      .default(256 * 1024),
    /** A SenML pack or line-protocol body with more records is refused whole (too_many_readings). */
    maxReadingsPerMessage: z.number().int().positive().default(1_000),
    /** How far past the time of receipt a device clock may run (timestamp_in_future). */
    maxFutureSkewMs: z
      .number()
      .int()
      .min(0)
      .default(5 * MINUTE),
    /** How old a reading may be: three years (of 366 days), so backfills of history pass (timestamp_too_old). */
    maxPastAgeMs: z
      .number()
      .int()
      .positive()
      .default(3 * 366 * DAY),
  })
  .strict();

export type IngestLimits = z.infer<typeof ingestLimitsSchema>;
