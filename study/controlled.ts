// Controlled pilots with a known truth: simulators/pilot.ts generates one building, a share of
// it treated after a year, a year after that; the policy's normal year is a 30-year normal of
// the same weather moved to have 15 % fewer to 15 % more degree-days than the simulated years,
// and the truth is what the device saves a dwelling of the pilot's population in that normal
// year, from the simulator's own parameters (simulators/pilot-truth.ts).
import { DEFAULT_POLICY, type Policy } from "../model/policy.ts";
import { proposalSchema } from "../model/proposal.ts";
import { evaluateProposal } from "../rules/evaluate.ts";
import type { Evidence } from "../rules/evidence.ts";
import { dayNumberOfIso } from "../simulators/calendar.ts";
import { normalWithDju } from "../simulators/normal-year.ts";
import { type PilotData, type PilotScenario, simulatePilot } from "../simulators/pilot.ts";
import { pilotNormalYearTruth } from "../simulators/pilot-truth.ts";
import { lcg } from "../simulators/random.ts";
import { degreeDaysMeteo, Weather } from "../simulators/weather.ts";
import type { CaseResult } from "./outcome.ts";
import {
  type DevicePrice,
  drawPrice,
  maintenanceCents,
  priceCents,
  studyProposal,
  TARIFFS,
} from "./pricing.ts";

export interface ControlledCase {
  scenario: PilotScenario & { quantity: "heating_energy" | "cold_water" | "electricity" };
  price: DevicePrice;
  /** Normal-year degree-days over the simulated years' mean, minus one (−0.15 to 0.15). */
  normalOffset: number;
}

/** Cases from `seed`: 60 % heating, 20 % cold water, 20 % electricity; 25 % zero-effect
 * gadgets, the rest a true effect from −25 % to +5 %. */
export function controlledCases(count: number, seed = 1): ControlledCase[] {
  const rand = lcg(seed * 7919 + 17);
  const quantities = [
    "heating_energy",
    "heating_energy",
    "heating_energy",
    "cold_water",
    "electricity",
  ] as const;
  return Array.from({ length: count }, (_, i) => {
    const gadget = i % 4 === 3;
    const quantity = quantities[Math.floor(rand() * quantities.length)]!;
    const trueEffect = gadget ? 0 : -0.25 + 0.3 * rand();
    const price = drawPrice(rand, gadget);
    return {
      price,
      normalOffset: -0.15 + 0.3 * rand(),
      scenario: {
        seed: seed * 100_000 + i,
        dwellings: 30 + Math.floor(rand() * 91),
        treatedShare: 0.5,
        start: "2024-10-01",
        baselineDays: 365,
        reportingDays: 365,
        quantity,
        trueEffect,
        deviceStandbyW: price.standbyW,
      },
    };
  });
}

function evidenceOf(data: PilotData, weather: Weather, quantity: PilotScenario["quantity"]): Evidence {
  return {
    days: data.days,
    outdoor: data.outdoor.map((o) => ({
      date: o.date,
      tmin: o.tmin,
      tmax: o.tmax,
      tmean: weather.hourlyMean(dayNumberOfIso(o.date)),
    })),
    series: data.dwellings.flatMap((d) => [
      { space: d.id, quantity, daily: d.daily },
      ...(quantity === "electricity"
        ? []
        : [{ space: d.id, quantity: "electricity" as const, daily: d.electricityDaily }]),
    ]),
  };
}

export function runControlledCase(c: ControlledCase, basePolicy: Policy = DEFAULT_POLICY): CaseResult {
  const s = c.scenario;
  const data = simulatePilot(s);
  const simulatedDju =
    data.outdoor.reduce((sum, o) => sum + degreeDaysMeteo(o), 0) / (data.days.length / 365);
  const normal = normalWithDju({ seed: s.seed ^ 0x4e0e }, simulatedDju * (1 + c.normalOffset));
  const truth = pilotNormalYearTruth(s, normal);
  const q = s.quantity;
  const trueBenefitCents = truth.populationSavingPerYear * priceCents(q);
  const proposal = proposalSchema.parse(
    studyProposal(
      `study-${s.seed}`,
      q,
      c.price,
      maintenanceCents(c.price, trueBenefitCents),
      data.dwellings.length,
      {
        design: "controlled",
        treated: data.dwellings
          .filter((d) => d.treated)
          .map((d) => ({ dwelling: d.id, installDate: d.installDate })),
        control: data.dwellings.filter((d) => !d.treated).map((d) => d.id),
      },
    ),
  );
  const policy: Policy = { ...basePolicy, normalYearDju: truth.normalYearDju };
  const now = new Date(`${data.days.at(-1)}T23:00:00Z`);
  const v = evaluateProposal(proposal, evidenceOf(data, new Weather(s.seed), q), policy, TARIFFS, now);
  const saving = v.claims[0]?.savingPerDwellingPerYear ?? null;
  return {
    design: "controlled",
    quantity: q,
    load: q === "heating_energy" ? "heating" : "flat",
    gadget: c.price.gadget,
    rho: null,
    decision: v.decision,
    tenantCostCents: v.costs.tenantCentsPerYear,
    trueNetCents: trueBenefitCents - v.costs.tenantCentsPerYear,
    trueSaving: truth.populationSavingPerYear,
    estimatedSaving: saving?.estimate ?? null,
    lower: saving?.lower ?? null,
    upper: saving?.upper ?? null,
    sampleSaving: truth.treatedSavingPerYear,
  };
}
