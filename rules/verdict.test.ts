import { describe, expect, it } from "vitest";
import { decide } from "./verdict.ts";

const b = (estimate: number, lower: number, upper: number) => ({ estimate, lower, upper });

describe("the decision rule", () => {
  it.each([
    [
      { claimsNothing: false, benefit: b(5000, 3000, 7000), tenantCost: 2000 },
      "approve",
      "benefit_lower_bound_above_cost",
    ],
    [
      { claimsNothing: false, benefit: b(1000, 0, 1900), tenantCost: 2000 },
      "reject",
      "benefit_upper_bound_below_cost",
    ],
    [
      { claimsNothing: false, benefit: b(2000, 1000, 3000), tenantCost: 2000 },
      "insufficient_evidence",
      "interval_includes_cost",
    ],
    [{ claimsNothing: false, benefit: null, tenantCost: 2000 }, "insufficient_evidence", "data_insufficient"],
    [{ claimsNothing: true, benefit: null, tenantCost: 1 }, "reject", "gadget_claims_nothing"],
    [{ claimsNothing: true, benefit: null, tenantCost: 0 }, "approve", "no_cost_to_tenants"],
    // A bound equal to the cost proves nothing either way.
    [
      { claimsNothing: false, benefit: b(3000, 2000, 4000), tenantCost: 2000 },
      "insufficient_evidence",
      "interval_includes_cost",
    ],
  ] as const)("%o → %s (%s)", (input, decision, rule) => {
    expect(decide(input)).toEqual({ decision, rule });
  });

  const contribution = { centsPerYear: 3000, years: 15, qualifyingWorks: true, capShare: 0.5, maxYears: 15 };
  it.each([
    // A connected device alone never qualifies for a contribution, whatever it saves.
    [
      { ...contribution, qualifyingWorks: false },
      b(10_000, 9000, 11_000),
      "reject",
      "contribution_not_allowed",
    ],
    [{ ...contribution, years: 20 }, b(10_000, 9000, 11_000), "reject", "contribution_over_cap"],
    // 30 € against 50% of a 50 € estimated saving.
    [contribution, b(5000, 4000, 6000), "reject", "contribution_over_cap"],
    [contribution, b(7000, 6500, 7500), "approve", "benefit_lower_bound_above_cost"],
  ] as const)("contribution %o with benefit %o → %s (%s)", (c, benefit, decision, rule) => {
    expect(decide({ claimsNothing: false, benefit, tenantCost: 3000, contribution: c })).toEqual({
      decision,
      rule,
    });
  });
});
