// How often the charge guard decides right, against simulated pilots whose truth is known.
// Each case draws a device (heating, cold water or electricity; some are zero-effect gadgets
// with a standby draw), simulates a controlled pilot (one year before, one after), prices the
// device so that its true net benefit to tenants ranges from clearly negative to clearly
// positive, and asks the guard. Prints the shares approved, rejected and undecided, and the
// error of the estimated savings against the truth.
//   npx tsx bench/guard-accuracy.ts [cases=240]
import { pathToFileURL } from "node:url";
import { parseMicros } from "../model/money.ts";
import { DEFAULT_POLICY, type Policy } from "../model/policy.ts";
import { type Proposal, proposalSchema } from "../model/proposal.ts";
import type { Tariff } from "../model/site.ts";
import type { Decision } from "../model/verdict.ts";
import { degreeDaysMeteo } from "../rules/degree-days.ts";
import { evaluateProposal } from "../rules/evaluate.ts";
import type { Evidence } from "../rules/evidence.ts";
import { lcg } from "../rules/test-support.ts";
import { type PilotData, type PilotScenario, simulatePilot } from "../simulators/pilot.ts";

export const TARIFFS: Tariff[] = [
  { quantity: "heating_energy", from: "2020-01-01", pricePerUnit: "0.1028" },
  { quantity: "electricity", from: "2020-01-01", pricePerUnit: "0.2016" },
  { quantity: "cold_water", from: "2020-01-01", pricePerUnit: "4.34" },
];

export interface StudyCase {
  scenario: PilotScenario;
  /** Tenant cost as a multiple of the true yearly benefit (gadgets: euros above the standby). */
  costFactor: number;
  gadget: boolean;
}

export interface CaseResult {
  quantity: string;
  gadget: boolean;
  decision: Decision;
  trueNetCents: number;
  tenantCostCents: number;
  trueSaving: number;
  estimatedSaving: number | null;
  lower: number | null;
  upper: number | null;
}

/** Cases with seeds from `seed`: 25% gadgets, the rest a real effect from −25% to +5%. */
export function studyCases(count: number, seed = 1): StudyCase[] {
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
    return {
      gadget,
      costFactor: gadget ? 30 * rand() : 0.3 + 1.5 * rand(),
      scenario: {
        seed: seed * 100_000 + i,
        dwellings: 30 + Math.floor(rand() * 91),
        treatedShare: 0.5,
        start: "2024-10-01",
        baselineDays: 365,
        reportingDays: 365,
        quantity,
        trueEffect,
        deviceStandbyW: gadget ? 2 + 8 * rand() : 3 * rand(),
      },
    };
  });
}

function proposalFor(c: StudyCase, data: PilotData, maintenanceCents: number): Proposal {
  const q = c.scenario.quantity;
  return proposalSchema.parse({
    id: `study-${c.scenario.seed}`,
    title: "simulated pilot",
    device: {
      id: "device",
      name: { fr: "Appareil", en: "Device" },
      category: "other",
      claims: [{ quantity: q, meter: "dwelling" }],
      lifetimeYears: 10,
    },
    buildings: ["pilot"],
    households: data.dwellings.length,
    pilot: {
      design: "controlled",
      treated: data.dwellings
        .filter((d) => d.treated)
        .map((d) => ({ dwelling: d.id, installDate: d.installDate })),
      control: data.dwellings.filter((d) => !d.treated).map((d) => d.id),
    },
    costLines: [
      { kind: "capex", label: "achat", eurosPerDwelling: "150", payer: "landlord" },
      {
        kind: "maintenance",
        label: "service",
        eurosPerDwellingPerYear: (maintenanceCents / 100).toFixed(2),
        payer: "tenant_charges",
        heading: q === "heating_energy" ? "II" : q === "cold_water" ? "II" : "VII",
      },
      {
        kind: "own_energy",
        label: "veille",
        wattsPerDwelling: c.scenario.deviceStandbyW,
        meter: "dwelling",
        payer: "tenant_bill",
      },
    ],
  });
}

function evidenceOf(data: PilotData, quantity: PilotScenario["quantity"]): Evidence {
  return {
    days: data.days,
    outdoor: data.outdoor.map((o) => ({ date: o.date, tmin: o.tmin, tmax: o.tmax })),
    series: data.dwellings.flatMap((d) => [
      { space: d.id, quantity, daily: d.daily },
      ...(quantity === "electricity"
        ? []
        : [{ space: d.id, quantity: "electricity" as const, daily: d.electricityDaily }]),
    ]),
  };
}

const priceCents = (q: string) => parseMicros(TARIFFS.find((t) => t.quantity === q)!.pricePerUnit) / 10_000;

export function runCase(c: StudyCase, basePolicy: Policy = DEFAULT_POLICY): CaseResult {
  const data = simulatePilot(c.scenario);
  const q = c.scenario.quantity;
  const trueBenefitCents = data.truth.savingPerTreatedDwellingPerYear * priceCents(q);
  const standbyCents = data.truth.standbyKWhPerYear * priceCents("electricity");
  // Prices chosen from the truth so that net benefits spread evenly across zero.
  const target = c.gadget ? standbyCents + c.costFactor * 100 : Math.max(0, trueBenefitCents) * c.costFactor;
  const maintenanceCents = Math.max(0, Math.round(target - standbyCents));
  const proposal = proposalFor(c, data, maintenanceCents);
  // "Per year" in the truth means the simulated year after installation: normalise to its DJU.
  const install = data.days.indexOf(data.dwellings[0]!.installDate);
  const yearDju = data.outdoor
    .slice(install, install + 365)
    .reduce((s, o) => s + degreeDaysMeteo(o.tmin, o.tmax), 0);
  const policy: Policy = { ...basePolicy, normalYearDju: yearDju };
  const now = new Date(`${data.days.at(-1)}T23:00:00Z`);
  const v = evaluateProposal(proposal, evidenceOf(data, q), policy, TARIFFS, now);
  const s = v.claims[0]?.savingPerDwellingPerYear ?? null;
  return {
    quantity: q,
    gadget: c.gadget,
    decision: v.decision,
    tenantCostCents: v.costs.tenantCentsPerYear,
    trueNetCents: trueBenefitCents - v.costs.tenantCentsPerYear,
    trueSaving: data.truth.savingPerTreatedDwellingPerYear,
    estimatedSaving: s?.estimate ?? null,
    lower: s?.lower ?? null,
    upper: s?.upper ?? null,
  };
}

export interface Summary {
  cases: number;
  harmful: number;
  harmfulApproved: number;
  clearlyBeneficial: number;
  clearlyBeneficialApproved: number;
  gadgets: number;
  gadgetsApproved: number;
  undecided: number;
  /** Σ(estimate − truth) / Σ|truth| over measured cases (bias), and Σ|estimate − truth| / Σ|truth|. */
  relativeBias: number;
  relativeAbsError: number;
  /** Mean absolute error in € per household per year. */
  meanAbsErrorEuros: number;
  /** Share of cases whose true saving lies inside the interval. */
  coverage: number;
}

export function summarise(results: CaseResult[]): Summary {
  const harmful = results.filter((r) => r.trueNetCents < 0);
  const clearly = results.filter((r) => r.trueNetCents >= 0.2 * r.tenantCostCents && r.tenantCostCents > 0);
  const measured = results.filter((r) => r.estimatedSaving !== null);
  // Errors relative to the total true saving, so near-zero effects do not blow the ratio up.
  const real = measured.filter((r) => !r.gadget);
  const truthTotal = real.reduce((a, r) => a + Math.abs(r.trueSaving), 0);
  const errSum = real.reduce((a, r) => a + (r.estimatedSaving! - r.trueSaving), 0);
  const absErrSum = real.reduce((a, r) => a + Math.abs(r.estimatedSaving! - r.trueSaving), 0);
  const absEuros = measured.map(
    (r) => (Math.abs(r.estimatedSaving! - r.trueSaving) * priceCents(r.quantity)) / 100,
  );
  const mean = (xs: number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : Number.NaN);
  return {
    cases: results.length,
    harmful: harmful.length,
    harmfulApproved: harmful.filter((r) => r.decision === "approve").length,
    clearlyBeneficial: clearly.length,
    clearlyBeneficialApproved: clearly.filter((r) => r.decision === "approve").length,
    gadgets: results.filter((r) => r.gadget).length,
    gadgetsApproved: results.filter((r) => r.gadget && r.decision === "approve").length,
    undecided: results.filter((r) => r.decision === "insufficient_evidence").length,
    relativeBias: errSum / truthTotal,
    relativeAbsError: absErrSum / truthTotal,
    meanAbsErrorEuros: mean(absEuros),
    coverage: mean(measured.map((r) => (r.lower! <= r.trueSaving && r.trueSaving <= r.upper! ? 1 : 0))),
  };
}

function pct(a: number, b: number): string {
  return b === 0 ? "n/a" : `${((100 * a) / b).toFixed(1)}% (${a}/${b})`;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 240);
  const t0 = performance.now();
  const results = studyCases(count).map((c) => runCase(c));
  const s = summarise(results);
  const byQuantity = new Map<string, CaseResult[]>();
  for (const r of results) byQuantity.set(r.quantity, [...(byQuantity.get(r.quantity) ?? []), r]);
  const lines = [
    `guard accuracy: ${s.cases} simulated controlled pilots (30-120 dwellings, half treated, 1 year before/after), confidence ${DEFAULT_POLICY.confidence}`,
    `| figure | value |`,
    `|---|---|`,
    `| harmful devices (true net < 0) approved | ${pct(s.harmfulApproved, s.harmful)} |`,
    `| clearly beneficial (net >= 20% of cost) approved | ${pct(s.clearlyBeneficialApproved, s.clearlyBeneficial)} |`,
    `| zero-effect gadgets with standby approved | ${pct(s.gadgetsApproved, s.gadgets)} |`,
    `| undecided (insufficient evidence) | ${pct(s.undecided, s.cases)} |`,
    `| bias of the estimated saving, Σ(est − true) / Σ|true| | ${(100 * s.relativeBias).toFixed(1)}% |`,
    `| absolute error of the saving, Σ|est − true| / Σ|true| | ${(100 * s.relativeAbsError).toFixed(1)}% |`,
    `| mean absolute error, € per household per year | ${s.meanAbsErrorEuros.toFixed(2)} |`,
    `| true saving inside the ${DEFAULT_POLICY.confidence * 100}% interval | ${(100 * s.coverage).toFixed(1)}% |`,
  ];
  for (const [q, rs] of byQuantity) {
    const sq = summarise(rs);
    lines.push(
      `| ${q}: harmful approved / clearly beneficial approved / undecided / coverage | ${pct(sq.harmfulApproved, sq.harmful)} / ${pct(sq.clearlyBeneficialApproved, sq.clearlyBeneficial)} / ${pct(sq.undecided, sq.cases)} / ${(100 * sq.coverage).toFixed(0)}% |`,
    );
  }
  lines.push(`(${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  console.log(lines.join("\n"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
