// The study's figures from its cases: decisions against the true net benefit, and the error and
// coverage of the estimated saving against the true saving.
import type { CaseResult } from "./outcome.ts";
import { priceCents } from "./pricing.ts";

export interface Summary {
  cases: number;
  /** True net benefit < 0. */
  harmful: number;
  harmfulApproved: number;
  /** True net benefit ≥ 20 % of the tenant cost. */
  clearlyBeneficial: number;
  clearlyBeneficialApproved: number;
  gadgets: number;
  gadgetsApproved: number;
  undecided: number;
  /** Cases with an estimate (the rest lacked data). */
  measured: number;
  /** Σ(estimate − truth) / Σ|truth| and Σ|estimate − truth| / Σ|truth|, over measured real devices. */
  relativeBias: number;
  relativeAbsError: number;
  /** Mean |estimate − truth| in € per household per year, over measured cases. */
  meanAbsErrorEuros: number;
  /** Measured cases whose true saving is inside the interval, below it, above it. */
  covered: number;
  truthBelow: number;
  truthAbove: number;
  /** Controlled pilots: the interval against the treated dwellings' own saving instead. */
  sampleCovered: number;
  sampleMeasured: number;
}

const inside = (r: CaseResult, truth: number) => r.lower! <= truth && truth <= r.upper!;

export function summarise(results: readonly CaseResult[]): Summary {
  const harmful = results.filter((r) => r.trueNetCents < 0);
  const clearly = results.filter((r) => r.tenantCostCents > 0 && r.trueNetCents >= 0.2 * r.tenantCostCents);
  const measured = results.filter((r) => r.estimatedSaving !== null);
  // Errors relative to the total true saving, so that near-zero effects do not blow ratios up.
  const real = measured.filter((r) => !r.gadget);
  const truthTotal = real.reduce((a, r) => a + Math.abs(r.trueSaving), 0);
  const error = (r: CaseResult) => r.estimatedSaving! - r.trueSaving;
  const withSample = measured.filter((r) => r.sampleSaving !== null);
  return {
    cases: results.length,
    harmful: harmful.length,
    harmfulApproved: harmful.filter((r) => r.decision === "approve").length,
    clearlyBeneficial: clearly.length,
    clearlyBeneficialApproved: clearly.filter((r) => r.decision === "approve").length,
    gadgets: results.filter((r) => r.gadget).length,
    gadgetsApproved: results.filter((r) => r.gadget && r.decision === "approve").length,
    undecided: results.filter((r) => r.decision === "insufficient_evidence").length,
    measured: measured.length,
    relativeBias: real.reduce((a, r) => a + error(r), 0) / truthTotal,
    relativeAbsError: real.reduce((a, r) => a + Math.abs(error(r)), 0) / truthTotal,
    meanAbsErrorEuros:
      measured.reduce((a, r) => a + (Math.abs(error(r)) * priceCents(r.quantity)) / 100, 0) / measured.length,
    covered: measured.filter((r) => inside(r, r.trueSaving)).length,
    truthBelow: measured.filter((r) => r.trueSaving < r.lower!).length,
    truthAbove: measured.filter((r) => r.trueSaving > r.upper!).length,
    sampleCovered: withSample.filter((r) => inside(r, r.sampleSaving!)).length,
    sampleMeasured: withSample.length,
  };
}

/** Lag-1 autocorrelation bands of the before/after noise. */
export const RHO_BANDS = [
  { label: "ρ 0–0.2", from: 0, to: 0.2 },
  { label: "ρ 0.2–0.45", from: 0.2, to: 0.45 },
  { label: "ρ 0.45–0.7", from: 0.45, to: 0.7 + 1e-9 },
] as const;
