// Before/after cases with a known truth: 1 to 30 dwelling meters of one building, a year of
// baseline before each installation, at least a year after; heating loads (Lyon or Marseille),
// cooling loads (Marseille or Fort-de-France) and flat loads (electricity, cold water); daily
// noise with a lag-1 autocorrelation from 0 to 0.7 (simulators/before-after-meters.ts).
import { DEFAULT_POLICY, type Policy } from "../model/policy.ts";
import { proposalSchema } from "../model/proposal.ts";
import { evaluateProposal } from "../rules/evaluate.ts";
import type { Evidence } from "../rules/evidence.ts";
import {
  type BeforeAfterData,
  type BeforeAfterScenario,
  type MeterLoad,
  simulateBeforeAfter,
} from "../simulators/before-after-meters.ts";
import { dayNumberOfIso, isoOfDay } from "../simulators/calendar.ts";
import { lcg } from "../simulators/random.ts";
import type { ClimateName } from "../simulators/weather.ts";
import type { CaseResult } from "./outcome.ts";
import {
  type DevicePrice,
  drawPrice,
  maintenanceCents,
  priceCents,
  type StudyQuantity,
  studyProposal,
  TARIFFS,
} from "./pricing.ts";

export interface BeforeAfterCase {
  scenario: BeforeAfterScenario & { quantity: StudyQuantity };
  load: CaseResult["load"];
  price: DevicePrice;
}

type Kind = { quantity: StudyQuantity; load: CaseResult["load"]; climates: ClimateName[] };
// 40 % heating, 20 % cooling, 20 % flat electricity, 20 % cold water.
const KINDS: Kind[] = [
  { quantity: "heating_energy", load: "heating", climates: ["lyon", "lyon", "lyon", "marseille"] },
  { quantity: "heating_energy", load: "heating", climates: ["lyon", "lyon", "lyon", "marseille"] },
  { quantity: "electricity", load: "cooling", climates: ["marseille", "fort_de_france"] },
  { quantity: "electricity", load: "flat", climates: ["lyon"] },
  { quantity: "cold_water", load: "flat", climates: ["lyon"] },
];

function drawLoad(rand: () => number, kind: Kind): MeterLoad {
  const u = (a: number, b: number) => a + (b - a) * rand();
  switch (kind.load) {
    case "heating":
      // A flat losing 50 to 250 W/K, gas for cooking and hot water on the same meter.
      return {
        basePerDay: u(2, 10),
        heatingSlope: u(1.2, 6),
        heatingBalanceC: u(10, 20),
        coolingSlope: 0,
        coolingBalanceC: 24,
      };
    case "cooling":
      return {
        basePerDay: u(3, 10),
        heatingSlope: 0,
        heatingBalanceC: 15,
        coolingSlope: u(0.3, 2),
        coolingBalanceC: u(18, 26),
      };
    case "flat":
      return {
        basePerDay: kind.quantity === "cold_water" ? u(0.1, 0.4) : u(4, 12),
        heatingSlope: 0,
        heatingBalanceC: 15,
        coolingSlope: 0,
        coolingBalanceC: 24,
      };
  }
}

/** Cases from `seed`; a quarter are zero-effect gadgets, the rest a true effect from −25 % to +5 %. */
export function beforeAfterCases(count: number, seed = 1): BeforeAfterCase[] {
  const rand = lcg(seed * 104_729 + 3);
  const origin = dayNumberOfIso("2022-01-01");
  return Array.from({ length: count }, (_, i) => {
    const gadget = i % 4 === 3;
    const kind = KINDS[Math.floor(rand() * KINDS.length)]!;
    const climate = kind.climates[Math.floor(rand() * kind.climates.length)]!;
    const trueEffect = gadget ? 0 : -0.25 + 0.3 * rand();
    const price = drawPrice(rand, gadget);
    const rho = 0.7 * rand();
    const cv = 0.05 + 0.3 * rand();
    const meterCount = 1 + Math.floor(30 * rand());
    const start = origin + Math.floor(365 * rand());
    // Installations spread over up to two months; the series ends up to six months after
    // the last one's first full year.
    const stagger = Math.floor(61 * rand());
    const meters = Array.from({ length: meterCount }, (_, k) => ({
      space: `m${String(k + 1).padStart(2, "0")}`,
      installDate: isoOfDay(start + 365 + Math.floor((stagger + 1) * rand())),
      load: drawLoad(rand, kind),
      noiseCv: cv * (0.8 + 0.4 * rand()),
    }));
    const lastInstall = Math.max(...meters.map((m) => dayNumberOfIso(m.installDate)));
    return {
      load: kind.load,
      price,
      scenario: {
        seed: seed * 100_000 + i,
        climate,
        start: isoOfDay(start),
        days: lastInstall - start + 365 + Math.floor(181 * rand()),
        quantity: kind.quantity,
        rho,
        meters,
        trueEffect,
        deviceStandbyW: price.standbyW,
      },
    };
  });
}

function evidenceOf(data: BeforeAfterData, quantity: StudyQuantity): Evidence {
  return {
    days: data.days,
    outdoor: data.outdoor,
    series: data.meters.map((m) => ({ space: m.space, quantity, daily: m.daily })),
  };
}

export function runBeforeAfterCase(c: BeforeAfterCase, policy: Policy = DEFAULT_POLICY): CaseResult {
  const data = simulateBeforeAfter(c.scenario);
  const q = c.scenario.quantity;
  const trueSaving = data.truth.savingPerMeterPerYear;
  const trueBenefitCents = trueSaving * priceCents(q);
  const proposal = proposalSchema.parse(
    studyProposal(
      `study-ba-${c.scenario.seed}`,
      q,
      c.price,
      maintenanceCents(c.price, trueBenefitCents),
      data.meters.length,
      {
        design: "before_after",
        meters: data.meters.map((m) => ({ space: m.space, installDate: m.installDate })),
      },
    ),
  );
  const now = new Date(`${data.days.at(-1)}T23:00:00Z`);
  const v = evaluateProposal(proposal, evidenceOf(data, q), policy, TARIFFS, now);
  const saving = v.claims[0]?.savingPerDwellingPerYear ?? null;
  return {
    design: "before_after",
    quantity: q,
    load: c.load,
    gadget: c.price.gadget,
    rho: c.scenario.rho,
    decision: v.decision,
    tenantCostCents: v.costs.tenantCentsPerYear,
    trueNetCents: trueBenefitCents - v.costs.tenantCentsPerYear,
    trueSaving,
    estimatedSaving: saving?.estimate ?? null,
    lower: saving?.lower ?? null,
    upper: saving?.upper ?? null,
    sampleSaving: null,
  };
}
