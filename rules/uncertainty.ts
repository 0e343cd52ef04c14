// Savings uncertainty of a baseline model, ASHRAE Guideline 14-2014 annex B, with:
// - one autocorrelation correction, applied once: n′ = n(1 − ρ)/(1 + ρ) enters only the
//   (n/n′)(1 + 2/n′) factor; the RMSE and t keep n − c degrees of freedom, c the explanatory
//   variables (CalTRACK's P − c; eemeter 3.2's rmse_adj and t);
// - the length-dependent small-sample correction of Sun & Baltazar (2013, ASHRAE Transactions
//   119(1)) in place of annex B's constant 1.26, with the coefficients for daily data that
//   eemeter uses: K(M) = −0.00024·M² + 0.03535·M + 1.00286, M = reporting days / 30;
// - the portfolio rule for several meters.
import { tTwoSided } from "./stats.ts";

export interface FsuInput {
  /** Baseline points used in the fit. */
  n: number;
  /** Explanatory variables, the intercept not counted. */
  c: number;
  /** Lag-1 autocorrelation of the baseline residuals (of consecutive days). */
  rho: number;
  /** Baseline residual sum of squares. */
  sse: number;
  /** Mean baseline use per day. */
  meanBaseline: number;
  /** Reporting points. */
  m: number;
  /** Savings over the reporting period (adjusted baseline − actual). */
  savings: number;
  confidence: number;
}

export interface FsuResult {
  /** ρ as the correction uses it: a negative ρ counts as 0 (it would narrow the interval). */
  rhoUsed: number;
  nPrime: number;
  /** √(SSE/(n − c)). */
  rmse: number;
  /** RMSE / mean baseline use. */
  cv: number;
  /** Two-sided t at the confidence, n − c degrees of freedom. */
  t: number;
  /** K(M), the small-sample correction. */
  correction: number;
  /** Absolute uncertainty of the savings over the reporting period, same unit as savings. */
  savingsUncertainty: number;
  /** ΔS / S; infinite when nothing was saved. */
  fsu: number;
}

/**
 * The residual autocorrelation the correction uses. ASHRAE's correction is for positive
 * autocorrelation; a negative ρ would make n′ larger than n and the interval narrower than
 * independent days would give, so it counts as 0 (eemeter does not clamp).
 */
export function correctedAutocorrelation(rho: number): number {
  return Math.max(0, Math.min(rho, 0.999));
}

/** n′ = n(1 − ρ)/(1 + ρ): the effective number of independent points. */
export function effectivePoints(n: number, rho: number): number {
  const r = correctedAutocorrelation(rho);
  return (n * (1 - r)) / (1 + r);
}

/** Sun & Baltazar's correction for daily data, M = reporting days / 30 (1.397 for a year). */
export function smallSampleCorrection(reportingDays: number): number {
  const months = reportingDays / 30;
  return -0.00024 * months ** 2 + 0.03535 * months + 1.00286;
}

/**
 * ΔS = t · K · CV · E · √((n/n′)(1 + 2/n′)/m) with E = m · ȳ_baseline, that is
 * t · K · RMSE · √(m (n/n′)(1 + 2/n′)): annex B's FSU times the savings, computed directly so a
 * zero saving still has an uncertainty. E is the baseline's mean daily use over the m reporting
 * days, not the adjusted baseline: under the model the daily residuals have the same spread
 * whatever the reporting year's weather. (eemeter takes the baseline's total, n · ȳ: the same
 * for a full year against a full year.)
 */
export function fractionalSavingsUncertainty(i: FsuInput): FsuResult {
  const rhoUsed = correctedAutocorrelation(i.rho);
  const nPrime = effectivePoints(i.n, i.rho);
  const dof = Math.max(1, i.n - i.c);
  const rmse = Math.sqrt(i.sse / dof);
  const cv = rmse / i.meanBaseline;
  const t = tTwoSided(i.confidence, dof);
  const correction = smallSampleCorrection(i.m);
  const savingsUncertainty = t * correction * rmse * Math.sqrt(i.m * (i.n / nPrime) * (1 + 2 / nPrime));
  const fsu = i.savings === 0 ? Number.POSITIVE_INFINITY : savingsUncertainty / Math.abs(i.savings);
  return { rhoUsed, nPrime, rmse, cv, t, correction, savingsUncertainty, fsu };
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
