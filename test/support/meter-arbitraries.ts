// Random meter points and read windows for the stores' property tests: forty days of 5-minute
// steps around the spring clock change of 2024, so windows cross a 23-hour day and two months.
import fc from "fast-check";
import type { Every } from "../../domain/calendar.ts";

export const BASE = Date.parse("2024-03-10T00:00:00Z");
export const STEP = 5 * 60_000;
export const STEPS = 40 * 288;

export const meterPointArb = (sensors: readonly [string, ...string[]]) =>
  fc.record({
    sensor: fc.constantFrom(...sensors),
    step: fc.integer({ min: 0, max: STEPS }),
    // Mostly rising indexes; small values read as resets after large ones.
    v: fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 20 })),
  });

export const windowArb = fc.record({
  from: fc.integer({ min: -STEPS * STEP * 0.1, max: STEPS * STEP }),
  length: fc.integer({ min: 1, max: STEPS * STEP }),
  every: fc.constantFrom<Every>("15m", "1h", "1d", "1mo"),
});
