// Query-string time parameters: an instant as RFC 3339 text or milliseconds since the epoch.
import { z } from "zod";

export const instantParam = z
  .string()
  .max(40)
  .transform((text, ctx) => {
    const t = /^\d{1,16}$/.test(text) ? Number(text) : Date.parse(text);
    if (!Number.isFinite(t)) {
      ctx.addIssue({
        code: "custom",
        message: "expected an RFC 3339 date-time (2025-01-31T23:00:00Z) or milliseconds",
      });
      return z.NEVER;
    }
    return t;
  })
  .meta({
    description: "RFC 3339 date-time or milliseconds since the epoch",
    example: "2025-01-01T00:00:00Z",
  });

export const EVERY_MS = { "15m": 900_000, "1h": 3_600_000, "1d": 86_400_000, "1mo": 2_592_000_000 } as const;

/** The most windows one series request may ask for; beyond it, ask for a wider `every`. */
export const MAX_WINDOWS = 20_000;
