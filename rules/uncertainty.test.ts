import { describe, expect, it } from "vitest";
import { effectivePoints, fractionalSavingsUncertainty, portfolioUncertainty } from "./uncertainty.ts";

describe("ASHRAE 14 fractional savings uncertainty", () => {
  it("matches a small case worked by hand", () => {
    // n = 12, ρ = 0.2 → n′ = 12·0.8/1.2 = 8; SSE = 6 → RMSE = √(6/(8−2)) = 1; CV = 1/10;
    // t(0.95, 6) = 1.943180; m = 4, adjusted baseline 40, savings 8 → F = 0.2.
    // FSU = 1.26 · 1.943180 · 0.1 · √(1.5 · 1.25 · 0.25) / 0.2 = 0.838155
    const r = fractionalSavingsUncertainty({
      n: 12,
      p: 2,
      rho: 0.2,
      sse: 6,
      meanBaseline: 10,
      m: 4,
      adjustedBaseline: 40,
      savings: 8,
      confidence: 0.9,
    });
    expect(r.nPrime).toBeCloseTo(8, 12);
    expect(r.rmse).toBeCloseTo(1, 12);
    expect(r.cv).toBeCloseTo(0.1, 12);
    expect(r.t).toBeCloseTo(1.94318, 5);
    expect(r.fsu).toBeCloseTo(0.838155, 5);
    expect(r.savingsUncertainty).toBeCloseTo(0.838155 * 8, 4);
  });

  it("ignores negative autocorrelation rather than reward it", () => {
    expect(effectivePoints(100, -0.3)).toBe(100);
  });

  it("combines a portfolio in quadrature", () => {
    const p = portfolioUncertainty([
      { savings: 10, uncertainty: 3 },
      { savings: 20, uncertainty: 4 },
    ]);
    expect(p.uncertainty).toBe(5);
    expect(p.fsu).toBeCloseTo(5 / 30, 12);
  });
});
