// The connected devices in a tenant's dwelling, as the decision store knows them (the pilots
// that name the dwelling), with what each costs the tenant a year and what it was measured to
// save, from the latest verdict.
import { z } from "zod";
import { pilotSpaces } from "../../guard/evidence.ts";
import { deviceCategorySchema } from "../../model/device.ts";
import type { Proposal } from "../../model/proposal.ts";
import { payerSchema } from "../../model/proposal.ts";
import type { SiteRegistry } from "../../model/registry.ts";
import { decisionSchema, type Verdict } from "../../model/verdict.ts";
import type { DecisionStore } from "../../storage/decision-store.ts";

const intervalSchema = z.object({ estimate: z.number(), lower: z.number(), upper: z.number() });

export const tenantDeviceSchema = z.object({
  proposalId: z.string(),
  name: z.object({ fr: z.string(), en: z.string() }),
  category: deviceCategorySchema,
  installDate: z.iso.date().nullable(),
  status: z.enum([...decisionSchema.options, "not_evaluated"]),
  decidedAt: z.iso.datetime().nullable(),
  costToYouCentsPerYear: z
    .number()
    .int()
    .nullable()
    .meta({ description: "Charges, own bill and any contribution, per household per year" }),
  costLines: z.array(z.object({ label: z.string(), payer: payerSchema, centsPerYear: z.number().int() })),
  savingCentsPerYear: intervalSchema
    .nullable()
    .meta({ description: "Measured saving worth to a household per year; null when nothing was measured" }),
  confidence: z.number().nullable(),
  explanation: z.object({ fr: z.string(), en: z.string() }).nullable(),
});

export const tenantDevicesSchema = z.object({
  building: z.string(),
  dwelling: z.string(),
  devices: z.array(tenantDeviceSchema),
});

export type TenantDevice = z.infer<typeof tenantDeviceSchema>;
export type TenantDevices = z.infer<typeof tenantDevicesSchema>;

/** Whether the proposal's pilot puts the device in this dwelling, and since when. */
function installedIn(
  proposal: Proposal,
  registry: SiteRegistry,
  building: string,
  dwelling: string,
): { installDate: string } | null {
  let holders: string[] | undefined;
  try {
    holders = pilotSpaces(proposal, registry).get(dwelling);
  } catch {
    return null; // a proposal naming spaces the site lacks cannot place the device anywhere
  }
  if (!holders?.includes(building)) return null;
  const pilot = proposal.pilot;
  const entry =
    pilot.design === "controlled"
      ? pilot.treated.find((t) => t.dwelling === dwelling)
      : pilot.meters.find((m) => m.space === dwelling);
  return entry ? { installDate: entry.installDate } : null;
}

function measured(v: Verdict): boolean {
  return v.claims.length > 0 && v.claims.every((c) => c.savingPerDwellingPerYear !== null);
}

function deviceOf(proposal: Proposal, installDate: string, verdict: Verdict | undefined): TenantDevice {
  const base = {
    proposalId: proposal.id,
    name: proposal.device.name,
    category: proposal.device.category,
    installDate,
  };
  if (!verdict) {
    return {
      ...base,
      status: "not_evaluated",
      decidedAt: null,
      costToYouCentsPerYear: null,
      costLines: [],
      savingCentsPerYear: null,
      confidence: null,
      explanation: null,
    };
  }
  return {
    ...base,
    status: verdict.decision,
    decidedAt: verdict.decidedAt,
    costToYouCentsPerYear: verdict.costs.tenantCentsPerYear,
    costLines: verdict.costs.lines
      .filter((l) => l.payer !== "landlord" && l.centsPerDwellingPerYear > 0)
      .map((l) => ({ label: l.label, payer: l.payer, centsPerYear: l.centsPerDwellingPerYear })),
    savingCentsPerYear: measured(verdict) ? { ...verdict.benefitCentsPerYear } : null,
    confidence: verdict.confidence,
    explanation: { ...verdict.explanation },
  };
}

/** Devices in the dwelling; none when there is no decision store. */
export async function tenantDevices(
  decisions: DecisionStore | undefined,
  registry: SiteRegistry,
  where: { building: string; dwelling: string },
): Promise<TenantDevices> {
  const devices: TenantDevice[] = [];
  if (decisions) {
    for (const stored of await decisions.listProposals({ building: where.building })) {
      const placed = installedIn(stored.proposal, registry, where.building, where.dwelling);
      if (!placed) continue;
      const latest = await decisions.latestVerdict(stored.proposal.id);
      devices.push(deviceOf(stored.proposal, placed.installDate, latest?.verdict));
    }
  }
  return { building: where.building, dwelling: where.dwelling, devices };
}
