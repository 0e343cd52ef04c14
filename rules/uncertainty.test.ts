import { describe, expect, it } from "vitest";
import { tTwoSided } from "./stats.ts";
import {
  correctedAutocorrelation,
  effectivePoints,
  fractionalSavingsUncertainty,
  portfolioUncertainty,
  smallSampleCorrection,
} from "./uncertainty.ts";

describe("savings uncertainty (ASHRAE 14 annex B, Sun & Baltazar correction)", () => {
  it("K(M) = −0.00024·M² + 0.03535·M + 1.00286 with M = days/30, worked by hand", () => {
    // 360 days: M = 12 → −0.03456 + 0.4242 + 1.00286 = 1.3925
    expect(smallSampleCorrection(360)).toBeCloseTo(1.3925, 10);
    // a year: M = 12.1667 → 1.397425, 11 % above annex B's constant 1.26
    expect(smallSampleCorrection(365)).toBeCloseTo(1.397425, 6);
    expect(smallSampleCorrection(30)).toBeCloseTo(1.03797, 6);
  });

  it("applies the autocorrelation correction once: n′ in the (n/n′)(1 + 2/n′) factor only", () => {
    // n = 365, c = 1 (HDD-only), SSE = 364·4 → RMSE = 2 whatever ρ (n − c degrees of freedom);
    // ρ = 0.5 → n′ = 121.667; t(0.95, 364) = 1.64904; m = 365 → K = 1.397425;
    // ΔS = 1.64905 · 1.397425 · 2 · √(365 · 3 · (1 + 2/121.667)) = 1.64905 · 1.397425 · 2 · 33.36165 = 153.76
    const r = fractionalSavingsUncertainty({
      n: 365,
      c: 1,
      rho: 0.5,
      sse: 364 * 4,
      meanBaseline: 20,
      m: 365,
      savings: 500,
      confidence: 0.9,
    });
    expect(r.nPrime).toBeCloseTo(121.6667, 4);
    expect(r.rmse).toBe(2);
    expect(r.cv).toBe(0.1);
    expect(r.t).toBeCloseTo(1.64904, 4);
    expect(r.correction).toBeCloseTo(1.397425, 6);
    expect(r.savingsUncertainty).toBeCloseTo(153.76, 1);
    expect(r.fsu).toBeCloseTo(153.76 / 500, 3);
  });

  it("equals eemeter 3.2's metered-savings FSU band for a year against a year (ρ ≥ 0)", () => {
    // eemeter (derivatives.py): t at n − c, rmse_adj = √(SSE/(n − c)), nprime = n(1 − ρ)/(1 + ρ),
    // band = t · K(M) · (rmse_adj/ȳ) · √((n/n′)(1 + 2/n′)(1/m)) · (ȳ · n), M = m/30.
    const eemeterBand = (n: number, c: number, rho: number, sse: number, mean: number, m: number) => {
      const t = tTwoSided(0.9, n - c);
      const nPrime = (n * (1 - rho)) / (1 + rho);
      const M = m / 30;
      const k = -0.00024 * M ** 2 + 0.03535 * M + 1.00286;
      return (
        t *
        k *
        (Math.sqrt(sse / (n - c)) / mean) *
        Math.sqrt((n / nPrime) * (1 + 2 / nPrime) * (1 / m)) *
        mean *
        n
      );
    };
    for (const [c, rho, sse, mean] of [
      [0, 0, 800, 5],
      [1, 0.31, 5_000, 12],
      [2, 0.67, 12_000, 30],
    ] as const) {
      const ours = fractionalSavingsUncertainty({
        n: 365,
        c,
        rho,
        sse,
        meanBaseline: mean,
        m: 365,
        savings: 1,
        confidence: 0.9,
      });
      expect(ours.savingsUncertainty).toBeCloseTo(eemeterBand(365, c, rho, sse, mean, 365), 9);
    }
    // Fewer reporting days: eemeter scales by the baseline's n·ȳ, the guard by m·ȳ.
    const short = fractionalSavingsUncertainty({
      n: 365,
      c: 1,
      rho: 0.3,
      sse: 5_000,
      meanBaseline: 12,
      m: 340,
      savings: 1,
      confidence: 0.9,
    });
    expect(short.savingsUncertainty / eemeterBand(365, 1, 0.3, 5_000, 12, 340)).toBeCloseTo(340 / 365, 12);
  });

  it("counts a negative autocorrelation as none, so it never narrows the interval", () => {
    expect(correctedAutocorrelation(-0.3)).toBe(0);
    expect(effectivePoints(100, -0.3)).toBe(100);
    const base = { n: 365, c: 0, sse: 364, meanBaseline: 10, m: 365, savings: 10, confidence: 0.9 };
    const negative = fractionalSavingsUncertainty({ ...base, rho: -0.4 });
    const none = fractionalSavingsUncertainty({ ...base, rho: 0 });
    expect(negative.rhoUsed).toBe(0);
    expect(negative.savingsUncertainty).toBe(none.savingsUncertainty);
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
