import { describe, expect, it } from "vitest";
import { lag1Autocorrelation, mean, variance } from "../rules/stats.ts";
import { ar1Series } from "./ar1.ts";

describe("AR(1) noise", () => {
  it("has the lag-1 autocorrelation it was asked for, and unit variance whatever ρ", () => {
    for (const rho of [0, 0.2, 0.45, 0.7]) {
      const z = [...ar1Series(11, 40_000, rho)];
      expect(Math.abs(lag1Autocorrelation(z) - rho)).toBeLessThan(0.02);
      expect(Math.abs(mean(z))).toBeLessThan(0.05);
      expect(variance(z)).toBeGreaterThan(0.95);
      expect(variance(z)).toBeLessThan(1.05);
    }
  });

  it("decays geometrically: lag 2 is ρ²", () => {
    const z = ar1Series(5, 60_000, 0.6);
    let num = 0;
    let den = 0;
    for (let t = 0; t < z.length; t++) {
      den += z[t]! ** 2;
      if (t >= 2) num += z[t]! * z[t - 2]!;
    }
    expect(num / den).toBeCloseTo(0.36, 1);
  });

  it("is the same series for the same key, another for another key", () => {
    expect(ar1Series(3, 50, 0.5)).toEqual(ar1Series(3, 50, 0.5));
    expect(ar1Series(3, 50, 0.5)[10]).not.toBe(ar1Series(4, 50, 0.5)[10]);
  });

  it("refuses a non-stationary ρ", () => {
    expect(() => ar1Series(1, 10, 1)).toThrow(/\|ρ\| < 1/);
  });
});
