import { describe, expect, it } from "vitest";
import { lag1Autocorrelation, mean, median, tQuantile, tTwoSided, variance, zQuantile } from "./stats.ts";

describe("stats", () => {
  it("median of an odd and an even count", () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
  });

  it("mean and sample variance", () => {
    expect(mean([2, 4, 6])).toBe(4);
    expect(variance([-10, -12, -8, -14, -6])).toBe(10);
  });

  it("lag-1 autocorrelation of consecutive days, worked by hand (pandas' Series.autocorr)", () => {
    // pairs (1,3) (3,2) (2,5) (5,4): Σdadb = 0.5, Σda² = 8.75, Σdb² = 5 → 0.5/√43.75
    expect(lag1Autocorrelation([1, 3, 2, 5, 4])).toBeCloseTo(0.5 / Math.sqrt(43.75), 12);
    // a gap breaks the pairs around it: (1,3) (5,4) (4,2) → 1/√(8⅔ · 2)
    expect(lag1Autocorrelation([1, 3, null, 5, 4, 2])).toBeCloseTo(1 / Math.sqrt((26 / 3) * 2), 12);
    expect(lag1Autocorrelation([1, -1, 1, -1, 1, -1])).toBeCloseTo(-1, 12);
    expect(lag1Autocorrelation([1, 2, null, 3])).toBe(0);
  });

  it("quantiles match the tables", () => {
    expect(zQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(tQuantile(0.95, 10)).toBeCloseTo(1.812461, 5);
    expect(tTwoSided(0.9, 6)).toBeCloseTo(1.94318, 5);
    expect(tTwoSided(0.68, 1000)).toBeCloseTo(0.9945, 3);
  });
});
