// Yearly cost per dwelling of a proposal, by payer: one-off costs spread over the device's
// lifetime as an annuity, subscriptions and maintenance as they are, and the device's own
// electricity at the tariff of whoever's meter it is on. What lands on tenants (charges, their
// own bill, a contribution to shared savings) is what the guard weighs.
import { type Cents, costCents } from "../model/money.ts";
import type { Policy } from "../model/policy.ts";
import type { CostLine, Proposal } from "../model/proposal.ts";
import type { Tariff } from "../model/site.ts";
import type { CostBreakdown } from "../model/verdict.ts";
import { tariffAt } from "./tariffs.ts";

export const HOURS_PER_YEAR = 8760;

/** Share of a one-off amount paid each year over `years` at real rate r: r / (1 − (1+r)^−years). */
export function annuityFactor(rate: number, years: number): number {
  return rate === 0 ? 1 / years : rate / (1 - (1 + rate) ** -years);
}

export interface YearlyCosts {
  lines: CostBreakdown[];
  tenantChargesCentsPerYear: Cents;
  tenantBillCentsPerYear: Cents;
  tenantContributionCentsPerYear: Cents;
  landlordCentsPerYear: Cents;
  tenantCentsPerYear: Cents;
}

function lineCents(
  line: CostLine,
  proposal: Proposal,
  policy: Policy,
  tariffs: readonly Tariff[],
  date: string,
): Cents {
  switch (line.kind) {
    case "capex":
    case "installation":
      return costCents(
        annuityFactor(policy.discountRate, proposal.device.lifetimeYears),
        line.eurosPerDwelling,
      );
    case "subscription":
    case "maintenance":
    case "savings_contribution":
      return costCents(1, line.eurosPerDwellingPerYear);
    case "own_energy":
      return costCents(
        (line.wattsPerDwelling * HOURS_PER_YEAR) / 1000,
        tariffAt(tariffs, "electricity", date).pricePerUnit,
      );
  }
}

export function yearlyCosts(
  proposal: Proposal,
  policy: Policy,
  tariffs: readonly Tariff[],
  date: string,
): YearlyCosts {
  const lines = proposal.costLines.map((line) => ({
    label: line.label,
    kind: line.kind,
    payer: line.payer,
    heading:
      line.kind === "savings_contribution"
        ? null
        : (line.heading ?? (line.kind === "own_energy" && line.meter === "common" ? "IV" : null)),
    centsPerDwellingPerYear: lineCents(line, proposal, policy, tariffs, date),
  }));
  const by = (payer: CostLine["payer"]) =>
    lines.filter((l) => l.payer === payer).reduce((s, l) => s + l.centsPerDwellingPerYear, 0);
  const tenantChargesCentsPerYear = by("tenant_charges");
  const tenantBillCentsPerYear = by("tenant_bill");
  const tenantContributionCentsPerYear = by("tenant_contribution");
  return {
    lines,
    tenantChargesCentsPerYear,
    tenantBillCentsPerYear,
    tenantContributionCentsPerYear,
    landlordCentsPerYear: by("landlord"),
    tenantCentsPerYear: tenantChargesCentsPerYear + tenantBillCentsPerYear + tenantContributionCentsPerYear,
  };
}
