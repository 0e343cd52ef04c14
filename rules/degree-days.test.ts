import { describe, expect, it } from "vitest";
import { degreeDaySeries, degreeDaysCostic, degreeDaysMeteo } from "./degree-days.ts";

describe("degree-days base 18 °C", () => {
  it("Météo: 18 − mean, never negative", () => {
    expect(degreeDaysMeteo(2, 8)).toBe(13);
    expect(degreeDaysMeteo(10, 20)).toBe(3);
    expect(degreeDaysMeteo(14, 24)).toBe(0);
    expect(degreeDaysMeteo(-6, -2)).toBe(22);
  });

  it("COSTIC: full deficit below Tmax, none above Tmin, weighted between", () => {
    expect(degreeDaysCostic(2, 8)).toBe(13);
    expect(degreeDaysCostic(18, 25)).toBe(0);
    // (18 − 10)·(0.08 + 0.42·8/10) = 8 × 0.416
    expect(degreeDaysCostic(10, 20)).toBeCloseTo(3.328, 12);
    // A mild day counts for COSTIC and not for Météo: (18 − 14)·(0.08 + 0.42·4/10) = 0.992
    expect(degreeDaysCostic(14, 24)).toBeCloseTo(0.992, 12);
    // Tmax exactly 18 falls in the middle branch: (18 − 8)·(0.08 + 0.42) = 5 = 18 − 13
    expect(degreeDaysCostic(8, 18)).toBeCloseTo(5, 12);
  });

  it("adds up a series", () => {
    const s = degreeDaySeries(
      [
        { tmin: 2, tmax: 8 },
        { tmin: 10, tmax: 20 },
      ],
      "costic",
    );
    expect(s[0]! + s[1]!).toBeCloseTo(16.328, 12);
  });
});
