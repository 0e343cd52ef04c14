import { describe, expect, it } from "vitest";
import {
  coolingDegreeDaysMeteo,
  degreeDaySeries,
  degreeDaysCostic,
  degreeDaysMeteo,
  siteDegreeDays,
} from "./degree-days.ts";

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

describe("cooling degree-days base 22 °C", () => {
  it("Météo: mean − 22, never negative", () => {
    // A Fort-de-France day: 24 to 31 °C.
    expect(coolingDegreeDaysMeteo(24, 31)).toBe(5.5);
    expect(coolingDegreeDaysMeteo(15, 25)).toBe(0);
    expect(coolingDegreeDaysMeteo(20, 26, 20)).toBe(3);
  });

  it("are what a tropical site counts; a temperate one counts heating DJU", () => {
    const tropical = siteDegreeDays("tropical");
    expect(tropical).toMatchObject({ kind: "cooling", baseC: 22 });
    expect(tropical.ofMean(27.5)).toBe(5.5);
    expect(tropical.ofMean(21)).toBe(0);
    const temperate = siteDegreeDays("temperate");
    expect(temperate).toMatchObject({ kind: "heating", baseC: 18 });
    expect(temperate.ofMean(5)).toBe(13);
    expect(temperate.ofMean(27.5)).toBe(0);
  });
});
