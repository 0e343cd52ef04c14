// The guard's entry point: a proposal, its evidence, the policy and the tariffs in; a frozen
// verdict out. Pure: the caller reads the data and stores the verdict.

import { hashOf } from "../domain/canonical.ts";
import { explain } from "../domain/wording/explanation.ts";
import { type Cents, costCents, parseMicros } from "../model/money.ts";
import type { Policy } from "../model/policy.ts";
import type { Proposal } from "../model/proposal.ts";
import type { Tariff } from "../model/site.ts";
import { DEFAULT_TIME_ZONE, localIsoDate } from "../model/time-zone.ts";
import type { ClaimResult, Verdict } from "../model/verdict.ts";
import { HOURS_PER_YEAR, yearlyCosts } from "./cost-model.ts";
import { estimateBeforeAfter } from "./estimators/before-after.ts";
import { estimateControlledPilot } from "./estimators/controlled-pilot.ts";
import type { ClaimEstimate } from "./estimators/estimate.ts";
import type { Evidence } from "./evidence.ts";
import { dwellingsPerArm, metersNeeded } from "./sample-size.ts";
import { tariffAt } from "./tariffs.ts";
import { decide } from "./verdict.ts";
import { GUARD_VERSION } from "./version.ts";

type Interval = { estimate: number; lower: number; upper: number };

function estimateClaims(proposal: Proposal, evidence: Evidence, policy: Policy): ClaimEstimate[] {
  const pilot = proposal.pilot;
  return proposal.device.claims.map((claim) =>
    pilot.design === "controlled"
      ? estimateControlledPilot(claim, pilot, evidence, policy)
      : estimateBeforeAfter(claim, pilot, evidence, policy, proposal.households),
  );
}

/** Sum of the claims' euro benefits; half-widths add in quadrature (independent measurements). */
function combine(parts: Interval[]): Interval {
  const estimate = parts.reduce((s, p) => s + p.estimate, 0);
  const half = Math.sqrt(parts.reduce((s, p) => s + ((p.upper - p.lower) / 2) ** 2, 0));
  return {
    estimate: Math.round(estimate),
    lower: Math.round(estimate - half),
    upper: Math.round(estimate + half),
  };
}

type ToSettle = NonNullable<Verdict["toSettle"]>;

const NOTHING_TO_ADD: ToSettle = {
  moreDwellingsPerArm: null,
  moreMonths: null,
  moreMeters: null,
  controlGroup: false,
};

function settleUndecided(
  e: ClaimEstimate,
  priceMicros: number,
  benefit: Interval,
  cost: Cents,
  policy: Policy,
): ToSettle {
  const gap = Math.abs(benefit.estimate - cost);
  if (!e.settle || gap === 0) return NOTHING_TO_ADD;
  switch (e.settle.kind) {
    case "dwellings": {
      const sigmaCents = (e.settle.sigmaPerYear * priceMicros) / 10_000;
      const n = dwellingsPerArm(sigmaCents, gap, policy.confidence, policy.power);
      return {
        ...NOTHING_TO_ADD,
        moreDwellingsPerArm: Number.isFinite(n) ? Math.max(1, n - e.settle.dwellingsPerArm) : null,
      };
    }
    case "meters": {
      const needed = metersNeeded(e.settle.meters, (benefit.upper - benefit.lower) / 2, gap);
      return {
        ...NOTHING_TO_ADD,
        moreMeters: Number.isFinite(needed) ? Math.max(1, needed - e.settle.meters) : null,
      };
    }
    case "control_group":
      return { ...NOTHING_TO_ADD, controlGroup: true };
  }
}

/**
 * A device drawing on the very meter that measures an electricity claim is already inside the
 * measurement: its draw lowers the measured saving. Its cost line still counts as a cost, so
 * the draw is added back to the saving rather than counted twice.
 */
function addBackOwnDraw(e: ClaimEstimate, proposal: Proposal): ClaimEstimate {
  const s = e.result.savingPerDwellingPerYear;
  if (!s || e.result.quantity !== "electricity") return e;
  const kWh = proposal.costLines
    .filter((l) => l.kind === "own_energy" && l.meter === e.result.meter)
    .reduce(
      (sum, l) => sum + (l.kind === "own_energy" ? (l.wattsPerDwelling * HOURS_PER_YEAR) / 1000 : 0),
      0,
    );
  if (kWh === 0) return e;
  return {
    ...e,
    result: {
      ...e.result,
      savingPerDwellingPerYear: { estimate: s.estimate + kWh, lower: s.lower + kWh, upper: s.upper + kWh },
      fit: { ...e.result.fit, ownDrawAddedBackKWh: kWh },
    },
  };
}

function finiteFit(fit: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(fit).filter(([, v]) => Number.isFinite(v)));
}

function deepFreeze<T>(o: T): T {
  if (o !== null && typeof o === "object" && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o)) deepFreeze(v);
  }
  return o;
}

/** `timeZone`: the site's; the tariffs and costs in force are those of its local day. */
export function evaluateProposal(
  proposal: Proposal,
  evidence: Evidence,
  policy: Policy,
  tariffs: readonly Tariff[],
  now: Date,
  timeZone = DEFAULT_TIME_ZONE,
): Verdict {
  const date = localIsoDate(now.getTime(), timeZone);
  const costs = yearlyCosts(proposal, policy, tariffs, date);
  const claims = proposal.device.claims;
  const estimates = estimateClaims(proposal, evidence, policy).map((e) => addBackOwnDraw(e, proposal));
  const prices = claims.map((c) => tariffAt(tariffs, c.quantity, date).pricePerUnit);

  const claimResults: ClaimResult[] = estimates.map((e, i) => ({
    ...e.result,
    fit: finiteFit(e.result.fit),
    pricePerUnit: prices[i]!,
  }));
  const valued = estimates.map((e, i) => {
    const s = e.result.savingPerDwellingPerYear;
    if (!s) return null;
    const p = prices[i]!;
    return { estimate: costCents(s.estimate, p), lower: costCents(s.lower, p), upper: costCents(s.upper, p) };
  });
  const measured = claims.length > 0 && valued.every((v) => v !== null);
  const benefit = measured ? combine(valued as Interval[]) : null;
  const tenantCost = costs.tenantCentsPerYear;
  const contributions = proposal.costLines.filter((l) => l.kind === "savings_contribution");
  const contribution = contributions.length
    ? {
        centsPerYear: costs.tenantContributionCentsPerYear,
        years: Math.max(...contributions.map((l) => l.years)),
        qualifyingWorks: proposal.qualifyingWorks,
        capShare: policy.contributionCapShare,
        maxYears: policy.contributionMaxYears,
      }
    : null;
  const { decision, rule } = decide({
    claimsNothing: claims.length === 0,
    benefit,
    tenantCost,
    contribution,
  });

  let toSettle: Verdict["toSettle"] = null;
  if (decision === "insufficient_evidence") {
    if (benefit) {
      // The claim with the widest interval is the one more data would narrow most.
      let widest = 0;
      valued.forEach((v, i) => {
        if (v && v.upper - v.lower > valued[widest]!.upper - valued[widest]!.lower) widest = i;
      });
      toSettle = settleUndecided(
        estimates[widest]!,
        parseMicros(prices[widest]!),
        benefit,
        tenantCost,
        policy,
      );
    } else {
      const max = (xs: (number | null)[]) =>
        xs.reduce<number | null>((a, b) => (b === null ? a : Math.max(a ?? 0, b)), null);
      toSettle = {
        ...NOTHING_TO_ADD,
        moreDwellingsPerArm: max(estimates.map((e) => e.moreDwellingsPerArm)),
        moreMonths: max(estimates.map((e) => e.moreMonths)),
      };
    }
  }

  const first = estimates.find((e) => e.window.baseline || e.window.reporting);
  const method = proposal.device.claims.length === 0 ? "none" : claimResults[0]!.method;
  const fit0 = claimResults[0]?.fit ?? {};
  const verdict: Verdict = {
    guardVersion: GUARD_VERSION,
    decidedAt: now.toISOString(),
    proposalId: proposal.id,
    // The guard's version is an input too: a new method must not be answered with an old verdict.
    inputHash: hashOf({ proposal, evidence, policy, tariffs, guardVersion: GUARD_VERSION }),
    inputs: { proposal, policy, tariffs: [...tariffs], evidenceHash: hashOf(evidence) },
    window: { baseline: first?.window.baseline ?? null, reporting: first?.window.reporting ?? null },
    method,
    confidence: policy.confidence,
    claims: claimResults,
    benefitCentsPerYear: benefit ?? { estimate: 0, lower: 0, upper: 0 },
    costs,
    decision,
    rule,
    toSettle,
    explanation: explain({
      deviceName: proposal.device.name,
      decision,
      rule,
      confidence: policy.confidence,
      method,
      quantities: claims.map((c) => c.quantity),
      vendorClaim: claims.find((c) => c.vendorClaim !== undefined)?.vendorClaim ?? null,
      benefit,
      tenantCost,
      tenantCharges: costs.tenantChargesCentsPerYear,
      tenantBill: costs.tenantBillCentsPerYear,
      tenantContribution: costs.tenantContributionCentsPerYear,
      contributionCapShare: policy.contributionCapShare,
      contributionMaxYears: policy.contributionMaxYears,
      landlordCost: costs.landlordCentsPerYear,
      treatedHomes: fit0.nTreated ?? null,
      controlHomes: fit0.nControl ?? null,
      problems: [...new Set(claimResults.flatMap((c) => c.problems))],
      toSettle,
    }),
  };
  return deepFreeze(structuredClone(verdict));
}
