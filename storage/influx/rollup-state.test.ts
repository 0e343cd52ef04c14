// When a day's rollup may answer, and how a range splits between rollups and raw points.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { nextWindowStart, windowStart } from "../../domain/calendar.ts";
import { isSettled, readsFromRollup } from "./rollup-state.ts";
import { planSegments } from "./telemetry-store.ts";

const H = 3_600_000;
const DAY = Date.parse("2024-03-30T23:00:00Z"); // 31 March 2024 in Paris: 23 hours
const END = DAY + 23 * H;
const MARGIN = 10_000;
const PARIS = "Europe/Paris";

describe("isSettled", () => {
  it("needs a roll started at least the clock margin after the day ended", () => {
    expect(isSettled(DAY, undefined, MARGIN, PARIS)).toBe(false);
    expect(isSettled(DAY, { dirtiedAt: DAY + H }, MARGIN, PARIS)).toBe(false);
    expect(isSettled(DAY, { rolledAt: END + MARGIN - 1 }, MARGIN, PARIS)).toBe(false);
    expect(isSettled(DAY, { rolledAt: END + MARGIN }, MARGIN, PARIS)).toBe(true);
  });

  it("is undone by any write stamped at or after the roll started", () => {
    const rolledAt = END + H;
    expect(isSettled(DAY, { rolledAt, dirtiedAt: rolledAt - 1 }, MARGIN, PARIS)).toBe(true);
    expect(isSettled(DAY, { rolledAt, dirtiedAt: rolledAt }, MARGIN, PARIS)).toBe(false);
  });
});

describe("readsFromRollup", () => {
  const dirty = { rolledAt: END + H, dirtiedAt: END + 2 * H };
  it("keeps a rolled day before the pruned line on its rollup, dirty or not", () => {
    expect(readsFromRollup(DAY, dirty, MARGIN, undefined, PARIS)).toBe(false);
    expect(readsFromRollup(DAY, dirty, MARGIN, END - 1, PARIS)).toBe(false);
    expect(readsFromRollup(DAY, dirty, MARGIN, END, PARIS)).toBe(true);
    expect(readsFromRollup(DAY, { dirtiedAt: END + H }, MARGIN, END, PARIS)).toBe(false);
  });
});

describe("planSegments", () => {
  const start = Date.parse("2024-01-01T00:00:00Z");
  const span = 400 * 86_400_000;

  it("covers [from, to) with contiguous segments, rollups only on whole chosen days", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: span }),
        fc.integer({ min: 1, max: 60 * 86_400_000 }),
        fc.func(fc.boolean()),
        (offset, length, choose) => {
          const from = start + offset;
          const to = from + length;
          const chosen = (day: number) => choose(day);
          const segments = planSegments(from, to, chosen, PARIS);
          expect(segments[0]!.from).toBe(from);
          expect(segments.at(-1)!.to).toBe(to);
          for (const [i, s] of segments.entries()) {
            expect(s.to).toBeGreaterThan(s.from);
            if (i > 0) {
              expect(s.from).toBe(segments[i - 1]!.to);
              expect(s.source).not.toBe(segments[i - 1]!.source);
            }
            if (s.source === "rollup") {
              for (let day = s.from; day < s.to; day = nextWindowStart(day, "1d", PARIS)) {
                expect(windowStart(day, "1d", PARIS)).toBe(day);
                expect(chosen(day)).toBe(true);
              }
              expect(windowStart(s.to, "1d", PARIS)).toBe(s.to);
            }
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("splits a month at Paris midnights, its last day (23 hours, DST) from raw", () => {
    const march = Date.parse("2024-02-29T23:00:00Z");
    const april = Date.parse("2024-03-31T22:00:00Z");
    expect(END).toBe(april);
    expect(planSegments(march, april, (day) => day !== DAY, PARIS)).toEqual([
      { from: march, to: DAY, source: "rollup" },
      { from: DAY, to: END, source: "raw" },
    ]);
    // A range ending mid-day: that day's part is raw even when chosen.
    expect(planSegments(march, DAY + H, () => true, PARIS)).toEqual([
      { from: march, to: DAY, source: "rollup" },
      { from: DAY, to: DAY + H, source: "raw" },
    ]);
  });
});
