// The decision rule of CHARGE-GUARD.md. The benefit interval is two-sided at the policy's
// confidence c, so each bound taken alone is a one-sided (1+c)/2 bound: at 90%, a device is
// approved only when its benefit beats its cost with 95% one-sided confidence, and rejected
// only when its benefit falls short of its cost with 95% one-sided confidence.
import type { Cents } from "../model/money.ts";
import type { Decision, DecisionRule } from "../model/verdict.ts";

export interface DecisionInput {
  /** The device claims no measurable saving at all. */
  claimsNothing: boolean;
  /** € cents per household per year the measured saving is worth; null when not measurable yet. */
  benefit: { estimate: number; lower: number; upper: number } | null;
  /** € cents per household per year passed to tenants (charges + own bill + contribution). */
  tenantCost: Cents;
  /** A tenant contribution to shared savings ("3e ligne"), when the proposal has one. */
  contribution?: {
    centsPerYear: Cents;
    years: number;
    qualifyingWorks: boolean;
    capShare: number;
    maxYears: number;
  } | null;
}

export function decide(i: DecisionInput): { decision: Decision; rule: DecisionRule } {
  if (i.tenantCost <= 0) return { decision: "approve", rule: "no_cost_to_tenants" };
  if (i.claimsNothing) return { decision: "reject", rule: "gadget_claims_nothing" };
  const c = i.contribution;
  if (c && !c.qualifyingWorks) return { decision: "reject", rule: "contribution_not_allowed" };
  if (c && c.years > c.maxYears) return { decision: "reject", rule: "contribution_over_cap" };
  if (!i.benefit) return { decision: "insufficient_evidence", rule: "data_insufficient" };
  // The law caps the contribution at a share of the ESTIMATED saving: the estimate, not a bound.
  if (c && c.centsPerYear > c.capShare * i.benefit.estimate)
    return { decision: "reject", rule: "contribution_over_cap" };
  if (i.benefit.lower > i.tenantCost) return { decision: "approve", rule: "benefit_lower_bound_above_cost" };
  if (i.benefit.upper < i.tenantCost) return { decision: "reject", rule: "benefit_upper_bound_below_cost" };
  return { decision: "insufficient_evidence", rule: "interval_includes_cost" };
}
