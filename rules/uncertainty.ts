// ASHRAE Guideline 14 (annex B) savings uncertainty for a baseline model, with the lag-1
// autocorrelation correction, and the portfolio rule for several meters.
import { tTwoSided } from "./stats.ts";

export interface FsuInput {
  /** Baseline points used in the fit. */
  n: number;
  /** Model coefficients. */
  p: number;
  /** Lag-1 autocorrelation of the baseline residuals. */
  rho: number;
  /** Baseline residual sum of squares. */
  sse: number;
  /** Mean baseline use. */
  meanBaseline: number;
  /** Reporting points. */
  m: number;
  /** Adjusted baseline over the reporting period (sum of predictions). */
  adjustedBaseline: number;
  /** Savings over the reporting period (adjusted baseline − actual). */
  savings: number;
  confidence: number;
}

export interface FsuResult {
  nPrime: number;
  /** RMSE with n′ − p degrees of freedom. */
  rmse: number;
  cv: number;
  t: number;
  /** Absolute uncertainty of the savings over the reporting period, same unit as savings. */
  savingsUncertainty: number;
  /** ΔS / S; infinite when nothing was saved. */
  fsu: number;
}

/** n′ = n(1 − ρ)/(1 + ρ): the effective number of independent points. */
export function effectivePoints(n: number, rho: number): number {
  const r = Math.max(0, Math.min(rho, 0.999));
  return (n * (1 - r)) / (1 + r);
}

/**
 * FSU = 1.26 · t · CV · √((n/n′)(1 + 2/n′)(1/m)) / F, F = savings / adjusted baseline.
 * The absolute form ΔS = FSU·S is computed directly so a zero saving still has an uncertainty.
 */
export function fractionalSavingsUncertainty(i: FsuInput): FsuResult {
  // A negative ρ would inflate n′ above n; ASHRAE's correction is for positive autocorrelation.
  const nPrime = effectivePoints(i.n, i.rho);
  const dof = Math.max(1, nPrime - i.p);
  const rmse = Math.sqrt(i.sse / dof);
  const cv = rmse / i.meanBaseline;
  const t = tTwoSided(i.confidence, dof);
  const savingsUncertainty =
    1.26 * t * cv * Math.abs(i.adjustedBaseline) * Math.sqrt((i.n / nPrime) * (1 + 2 / nPrime) * (1 / i.m));
  const fsu = i.savings === 0 ? Number.POSITIVE_INFINITY : savingsUncertainty / Math.abs(i.savings);
  return { nPrime, rmse, cv, t, savingsUncertainty, fsu };
}

/** Portfolio of meters: ΔS = √(Σ ΔSᵢ²), FSU = ΔS / Σ Sᵢ. */
export function portfolioUncertainty(parts: readonly { savings: number; uncertainty: number }[]): {
  savings: number;
  uncertainty: number;
  fsu: number;
} {
  const savings = parts.reduce((s, p) => s + p.savings, 0);
  const uncertainty = Math.sqrt(parts.reduce((s, p) => s + p.uncertainty ** 2, 0));
  return {
    savings,
    uncertainty,
    fsu: savings === 0 ? Number.POSITIVE_INFINITY : uncertainty / Math.abs(savings),
  };
}
