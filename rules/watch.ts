// Keeping watch over approved devices: re-evaluate on newer data with the proposal the first
// verdict recorded, and flag a device whose measured benefit has fallen below its cost. The
// schedule and the command live elsewhere; this is the rule.
import type { Policy } from "../model/policy.ts";
import type { Tariff } from "../model/site.ts";
import { DEFAULT_TIME_ZONE } from "../model/time-zone.ts";
import type { Verdict } from "../model/verdict.ts";
import { evaluateProposal } from "./evaluate.ts";
import type { Evidence } from "./evidence.ts";

export interface WatchFlag {
  /** benefit_below_cost: the new estimate is under the cost; evidence_lost: it can no longer be measured. */
  code: "benefit_below_cost" | "evidence_lost";
  /** confirmed: even the upper bound is under the cost; suspected: only the estimate is. */
  severity: "confirmed" | "suspected";
  proposalId: string;
  benefitCentsPerYear: number;
  tenantCentsPerYear: number;
  message: { fr: string; en: string };
}

export interface WatchResult {
  verdict: Verdict;
  flag: WatchFlag | null;
}

/** Only approved verdicts are watched; `policy` defaults to the one the approval used. */
export function reevaluate(
  approved: Verdict,
  evidence: Evidence,
  tariffs: readonly Tariff[],
  now: Date,
  policy: Policy = approved.inputs.policy,
  timeZone = DEFAULT_TIME_ZONE,
): WatchResult {
  const verdict = evaluateProposal(approved.inputs.proposal, evidence, policy, tariffs, now, timeZone);
  return { verdict, flag: approved.decision === "approve" ? flagFor(verdict) : null };
}

export function flagFor(v: Verdict): WatchFlag | null {
  const cost = v.costs.tenantCentsPerYear;
  if (v.rule === "no_cost_to_tenants") return null;
  const base = {
    proposalId: v.proposalId,
    benefitCentsPerYear: v.benefitCentsPerYear.estimate,
    tenantCentsPerYear: cost,
  };
  if (v.rule === "data_insufficient") {
    return {
      ...base,
      code: "evidence_lost",
      severity: "suspected",
      message: {
        fr: "Les nouveaux relevés ne suffisent plus à mesurer l'économie de cet appareil accepté.",
        en: "New readings no longer suffice to measure the saving of this approved device.",
      },
    };
  }
  if (v.benefitCentsPerYear.estimate >= cost) return null;
  const confirmed = v.decision === "reject";
  return {
    ...base,
    code: "benefit_below_cost",
    severity: confirmed ? "confirmed" : "suspected",
    message: confirmed
      ? {
          fr: "Avec les nouveaux relevés, l'économie mesurée est nettement inférieure au coût pour les locataires.",
          en: "With new readings, the measured saving is clearly below the cost to tenants.",
        }
      : {
          fr: "Avec les nouveaux relevés, l'économie mesurée semble passer sous le coût pour les locataires.",
          en: "With new readings, the measured saving appears to fall below the cost to tenants.",
        },
  };
}
