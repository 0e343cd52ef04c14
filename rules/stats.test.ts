import { describe, expect, it } from "vitest";
import { lag1Autocorrelation, mean, tQuantile, tTwoSided, variance, zQuantile } from "./stats.ts";

describe("stats", () => {
  it("mean and sample variance", () => {
    expect(mean([2, 4, 6])).toBe(4);
    expect(variance([-10, -12, -8, -14, -6])).toBe(10);
  });

  it("lag-1 autocorrelation worked by hand: [1,2,3,4] → 1.25 / 5", () => {
    expect(lag1Autocorrelation([1, 2, 3, 4])).toBeCloseTo(0.25, 12);
    expect(lag1Autocorrelation([1, -1, 1, -1, 1, -1])).toBeLessThan(-0.8);
  });

  it("quantiles match the tables", () => {
    expect(zQuantile(0.95)).toBeCloseTo(1.644854, 5);
    expect(tQuantile(0.95, 10)).toBeCloseTo(1.812461, 5);
    expect(tTwoSided(0.9, 6)).toBeCloseTo(1.94318, 5);
    expect(tTwoSided(0.68, 1000)).toBeCloseTo(0.9945, 3);
  });
});
