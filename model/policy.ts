// The guard's policy: how sure it must be, what data it needs, and the legal cap on a tenant
// contribution to shared savings. A site may tighten it; the defaults follow CHARGE-GUARD.md.
import { z } from "zod";

export const policySchema = z
  .object({
    /** Two-sided confidence of the benefit interval; each bound is one-sided (1+c)/2. */
    confidence: z.number().min(0.5).max(0.999).default(0.9),
    /** Power used when saying how many dwellings would settle an undecided case. */
    power: z.number().min(0.5).max(0.99).default(0.8),
    /** Loi MOLLE art. 119: a contribution is at most this share of the estimated saving… */
    contributionCapShare: z.number().min(0).max(1).default(0.5),
    /** …for at most this many years. */
    contributionMaxYears: z.number().int().min(1).max(15).default(15),
    /** Real discount rate for spreading one-off costs over the lifetime (annuity). */
    discountRate: z.number().min(0).max(0.2).default(0.04),
    /** Degree-days (base 18 °C, Météo method) of a normal heating year at the site. */
    normalYearDju: z.number().min(0).max(6000).default(2400),
    minimum: z
      .object({
        /** CalTRACK: a before/after baseline needs a full year of days… */
        baselineDays: z.number().int().min(30).max(730).default(365),
        /** …with at most this share missing. */
        maxMissingShare: z.number().min(0).max(0.5).default(0.1),
        /** A pilot needs this many dwellings in each arm. */
        dwellingsPerArm: z.number().int().min(2).default(5),
        /** Days before and after installation each pilot dwelling must have. */
        pilotPeriodDays: z.number().int().min(7).default(60),
        /** Heating claims need this many degree-days in each period to separate weather from effect. */
        periodDju: z.number().min(0).default(300),
        /** CalTRACK site-level model quality gate. */
        maxCvRmse: z.number().positive().default(1),
      })
      .strict()
      .default({
        baselineDays: 365,
        maxMissingShare: 0.1,
        dwellingsPerArm: 5,
        pilotPeriodDays: 60,
        periodDju: 300,
        maxCvRmse: 1,
      }),
  })
  .strict();

export type Policy = z.infer<typeof policySchema>;
export type PolicyInput = z.input<typeof policySchema>;

export const DEFAULT_POLICY: Policy = policySchema.parse({});
