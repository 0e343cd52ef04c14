// A verdict of the charge guard: written once, never changed. It carries everything a board
// needs to check it: the inputs and their hash, the data window, the method and its fit, the
// savings with their interval, the euros per household per year on each side, the rule that
// decided, and a plain-language explanation in French and English.
import { z } from "zod";
import { policySchema } from "./policy.ts";
import { payerSchema, proposalSchema } from "./proposal.ts";
import { tariffSchema } from "./site.ts";

export const decisionSchema = z.enum(["approve", "reject", "insufficient_evidence"]);

export const ruleSchema = z.enum([
  /** Lower bound of the benefit above the yearly cost to tenants. */
  "benefit_lower_bound_above_cost",
  /** Upper bound of the benefit below the yearly cost to tenants. */
  "benefit_upper_bound_below_cost",
  /** Nothing measurable is claimed and tenants would pay something. */
  "gadget_claims_nothing",
  /** Tenants would pay nothing at all: nothing to guard. */
  "no_cost_to_tenants",
  /** The interval straddles the cost. */
  "interval_includes_cost",
  /** A tenant contribution outside qualifying works (a connected device alone does not qualify). */
  "contribution_not_allowed",
  /** A tenant contribution above the cap share of the estimated saving, or for too many years. */
  "contribution_over_cap",
  /** The data do not meet the policy's minimum. */
  "data_insufficient",
]);

const intervalSchema = z.object({ estimate: z.number(), lower: z.number(), upper: z.number() }).strict();

export const baselineSummarySchema = z
  .object({
    space: z.string(),
    model: z.enum(["intercept", "hdd", "cdd", "hdd_cdd"]),
    /** °C; null when the model has no heating term. */
    hddBalancePointC: z.number().nullable(),
    /** °C; null when the model has no cooling term. */
    cddBalancePointC: z.number().nullable(),
    adjustedRSquared: z.number(),
    cvRmse: z.number(),
    /** Lag-1 autocorrelation of the residuals, as measured (the uncertainty counts a negative one as 0). */
    residualAutocorrelation: z.number(),
    /** This meter's ± per year, same unit as the saving; the claim's combines them in quadrature. */
    savingsUncertaintyPerYear: z.number(),
  })
  .strict();

export const claimResultSchema = z
  .object({
    quantity: z.string(),
    meter: z.enum(["dwelling", "common"]),
    unit: z.string(),
    method: z.enum(["difference_in_differences", "caltrack_daily", "none"]),
    /** Physical saving per treated dwelling per year (positive = less used). */
    savingPerDwellingPerYear: intervalSchema.nullable(),
    /** Price per unit the tenant pays for this quantity, as the tariff states it. */
    pricePerUnit: z.string().nullable(),
    fit: z.record(z.string(), z.number()),
    /** Before/after: the daily temperature the baselines were fitted on (rules/temperature-feature.ts). */
    temperatureFeature: z.enum(["hourly_mean", "tmin_tmax_midpoint"]).optional(),
    /** Before/after: each meter's chosen baseline model (CalTRACK 2.0 §3.4.3). */
    baselines: z.array(baselineSummarySchema).optional(),
    problems: z.array(z.string()),
  })
  .strict();

export const costBreakdownSchema = z
  .object({
    label: z.string(),
    kind: z.string(),
    payer: payerSchema,
    heading: z.string().nullable(),
    centsPerDwellingPerYear: z.number().int(),
  })
  .strict();

export const verdictSchema = z
  .object({
    guardVersion: z.string(),
    decidedAt: z.iso.datetime(),
    proposalId: z.string(),
    inputHash: z.string().regex(/^[0-9a-f]{64}$/),
    inputs: z
      .object({
        proposal: proposalSchema,
        policy: policySchema,
        tariffs: z.array(tariffSchema),
        /** sha256 of the evidence's canonical JSON; the series themselves stay in the store. */
        evidenceHash: z.string().regex(/^[0-9a-f]{64}$/),
      })
      .strict(),
    window: z
      .object({
        baseline: z.object({ from: z.iso.date(), to: z.iso.date() }).strict().nullable(),
        reporting: z.object({ from: z.iso.date(), to: z.iso.date() }).strict().nullable(),
      })
      .strict(),
    method: z.enum(["difference_in_differences", "caltrack_daily", "none"]),
    confidence: z.number(),
    claims: z.array(claimResultSchema),
    /** € cents per household per year: what the measured saving is worth to a tenant. */
    benefitCentsPerYear: intervalSchema,
    costs: z
      .object({
        lines: z.array(costBreakdownSchema),
        tenantChargesCentsPerYear: z.number().int(),
        tenantBillCentsPerYear: z.number().int(),
        tenantContributionCentsPerYear: z.number().int(),
        landlordCentsPerYear: z.number().int(),
        /** What the guard weighs: tenant charges + tenant's own bill + any contribution. */
        tenantCentsPerYear: z.number().int(),
      })
      .strict(),
    decision: decisionSchema,
    rule: ruleSchema,
    /** For an undecided case: what would settle it. */
    toSettle: z
      .object({
        moreDwellingsPerArm: z.number().int().nullable(),
        moreMonths: z.number().int().nullable(),
        /** Before/after on dwelling meters: how many more equipped meters would settle it. */
        moreMeters: z.number().int().nullable().default(null),
        /** Before/after on one common meter: only a comparison with similar buildings without
         * the device could settle it. */
        controlGroup: z.boolean().default(false),
      })
      .strict()
      .nullable(),
    explanation: z.object({ fr: z.string(), en: z.string() }).strict(),
  })
  .strict();

export type Decision = z.infer<typeof decisionSchema>;
export type DecisionRule = z.infer<typeof ruleSchema>;
export type ClaimResult = z.infer<typeof claimResultSchema>;

/**
 * A verdict as stored by any guard version, brought to the current shape: verdicts are never
 * rewritten, so fields added later get the value that says "not given" (guard 1.0.0 knew no
 * moreMeters or controlGroup).
 */
export function currentShape(stored: Verdict): Verdict {
  const t = stored.toSettle;
  if (!t) return stored;
  return {
    ...stored,
    toSettle: { ...t, moreMeters: t.moreMeters ?? null, controlGroup: t.controlGroup ?? false },
  };
}
export type BaselineSummary = z.infer<typeof baselineSummarySchema>;
export type CostBreakdown = z.infer<typeof costBreakdownSchema>;
export type Verdict = z.infer<typeof verdictSchema>;
