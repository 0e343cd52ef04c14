import { describe, expect, it } from "vitest";
import { ClimateNormal, normalWithDju } from "./normal-year.ts";
import { degreeDaysMeteo, LYON } from "./weather.ts";

describe("climate normals", () => {
  const normal = new ClimateNormal({ seed: 2 });

  it("spans 30 calendar years from 1991 and gives Lyon's normal degree-days", () => {
    expect(normal.days.length).toBe(10_958);
    expect(normal.dju).toBeGreaterThan(2_200);
    expect(normal.dju).toBeLessThan(2_550);
    const total = normal.weather.reduce((s, w) => s + degreeDaysMeteo(w), 0);
    expect(normal.dju).toBeCloseTo((365 * total) / normal.days.length, 9);
  });

  it("reads use per normal year of 365 days, on every day or every stride-th", () => {
    expect(normal.yearlyMean(() => 2)).toBeCloseTo(730, 9);
    const dju = normal.yearlyMean((_, w) => degreeDaysMeteo(w));
    expect(dju).toBeCloseTo(normal.dju, 9);
    expect(Math.abs(normal.yearlyMean((_, w) => degreeDaysMeteo(w), 5) / dju - 1)).toBeLessThan(0.01);
  });

  it("moves the climate to reach the degree-days asked for", () => {
    for (const target of [2_000, 2_800]) {
      const n = normalWithDju({ seed: 2 }, target);
      expect(n.dju).toBeCloseTo(target, 3);
      // Fewer degree-days: a warmer climate, and the other way round.
      expect(Math.sign(n.climate.meanC - LYON.meanC)).toBe(target < normal.dju ? 1 : -1);
    }
  });
});
