// Receipt-timed readings of one series never share a millisecond; device-timed ones are untouched.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Reading } from "../model/reading.ts";
import { accept, NOW } from "../test/support/payloads.ts";
import { ReceiptClock } from "./receipt-clock.ts";

const T0 = 1_732_800_000_000;
const reading = (space: string, t: number): Reading => ({
  building: "b1",
  space,
  sensor: "temp",
  quantity: "temperature",
  t,
  v: 20,
});

describe("ReceiptClock", () => {
  it("spreads a burst received in one millisecond 1 ms apart, in order", () => {
    const clock = new ReceiptClock();
    const burst = Array.from({ length: 6 }, () => reading("d1", T0));
    expect(burst.map((r) => clock.stamp(r))).toEqual([0, 1, 2, 3, 4, 5]);
    expect(burst.map((r) => r.t - T0)).toEqual([0, 1, 2, 3, 4, 5]);
    // Another series keeps its own milliseconds; a later receipt takes the next free one.
    const other = reading("d2", T0);
    expect(clock.stamp(other)).toBe(0);
    const later = reading("d1", T0 + 3);
    clock.stamp(later);
    expect(later.t).toBe(T0 + 6);
  });

  it("never gives one series the same millisecond twice, never moves a time back", () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom("d1", "d2", "d3"), fc.integer({ min: 0, max: 50 })), {
          maxLength: 400,
        }),
        (stamps) => {
          const clock = new ReceiptClock();
          const seen = new Set<string>();
          for (const [space, offset] of stamps) {
            const r = reading(space, T0 + offset);
            const moved = clock.stamp(r);
            expect(moved).toBeGreaterThanOrEqual(0);
            expect(r.t).toBe(T0 + offset + moved);
            const key = `${space}|${r.t}`;
            expect(seen.has(key)).toBe(false);
            seen.add(key);
          }
        },
      ),
    );
  });

  it("gives back a millisecond that was not kept", () => {
    const clock = new ReceiptClock();
    const first = reading("d1", T0);
    clock.stamp(first);
    clock.release(first);
    const again = reading("d1", T0);
    expect(clock.stamp(again)).toBe(0);
  });
});

describe("which readings are timed at receipt", () => {
  it("marks readings without a device time, or with a SenML time relative to now", () => {
    const topic = "telemetry/b1/d1/t";
    expect(accept(topic, '{"v": 19.5}').atReceipt).toEqual([0]);
    expect(accept(topic, `{"t": ${NOW - 1000}, "v": 19.5}`).atReceipt).toBeUndefined();
    const pack = `[{"v": 1}, {"t": -60, "v": 2}, {"bt": ${NOW / 1000 - 5}, "v": 3}]`;
    expect(accept(topic, pack).atReceipt).toEqual([0, 1]);
    const lines = `temperature value=19.5\ntemperature value=19.6 ${NOW - 5000}000000`;
    expect(accept(topic, lines).atReceipt).toEqual([0]);
  });
});
