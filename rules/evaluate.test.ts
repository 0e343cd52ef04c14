import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { hashOf } from "../domain/canonical.ts";
import { DEFAULT_POLICY } from "../model/policy.ts";
import { type Proposal, proposalSchema } from "../model/proposal.ts";
import type { Tariff } from "../model/site.ts";
import { verdictSchema } from "../model/verdict.ts";
import { syntheticEvidence } from "../test/support/synthetic-evidence.ts";
import { GuardError } from "./errors.ts";
import { evaluateProposal } from "./evaluate.ts";
import { GUARD_VERSION } from "./version.ts";
import { reevaluate } from "./watch.ts";

const TARIFFS: Tariff[] = [
  { quantity: "heating_energy", from: "2024-01-01", pricePerUnit: "0.1028" },
  { quantity: "electricity", from: "2024-01-01", pricePerUnit: "0.2016" },
  { quantity: "cold_water", from: "2024-01-01", pricePerUnit: "4.34" },
];
const NOW = new Date("2026-06-01T12:00:00Z");
const example = (name: string): Proposal =>
  proposalSchema.parse(
    parse(readFileSync(join(import.meta.dirname, "..", "examples", "proposals", name), "utf8")),
  );

/** A controlled heating pilot: n treated installed on 2025-10-01, n controls, from Oct 2024 to May 2026. */
function heatingPilot(effect: number, n: number, seed: number, maintenance = "12") {
  const treated = Array.from({ length: n }, (_, i) => ({ dwelling: `t${i}`, installDate: "2025-10-01" }));
  const control = Array.from({ length: n }, (_, i) => `c${i}`);
  const base = example("thermostatic-valves.yaml");
  const proposal: Proposal = proposalSchema.parse({
    ...base,
    pilot: { design: "controlled", treated, control },
    costLines: base.costLines.map((l) =>
      l.kind === "maintenance" ? { ...l, eurosPerDwellingPerYear: maintenance } : l,
    ),
  });
  const evidence = syntheticEvidence({
    seed,
    from: "2024-10-01",
    days: 608,
    quantity: "heating_energy",
    effect,
    dailyNoise: 0.08,
    habitShift: 0.04,
    controlSplit: "2025-10-01",
    spaces: [
      ...treated.map((t, i) => ({ space: t.dwelling, scale: 120 + 7 * i, installDate: t.installDate })),
      ...control.map((c, i) => ({ space: c, scale: 120 + 7 * i, installDate: null })),
    ],
  });
  return { proposal, evidence };
}

describe("evaluateProposal: pilot with controls", () => {
  it("tells a pilot too small from the start from homes left out for incomplete readings", () => {
    const small = heatingPilot(0.15, 3, 2);
    const v = evaluateProposal(small.proposal, small.evidence, DEFAULT_POLICY, TARIFFS, NOW);
    expect(v.claims[0]!.problems).toEqual(["pilot_too_small"]);
    expect(v.explanation.fr).toContain("L'essai compte trop peu de logements");
    expect(v.explanation.fr).not.toContain("relevés complets");
    // Six and six named, but three treated homes miss every other day before the installation:
    // those are left out.
    const gaps = heatingPilot(0.15, 6, 2);
    const cut = gaps.evidence.days.indexOf("2025-10-01");
    const evidence = {
      ...gaps.evidence,
      series: gaps.evidence.series.map((x) =>
        ["t0", "t1", "t2"].includes(x.space)
          ? { ...x, daily: x.daily.map((d, i) => (i < cut && i % 2 === 0 ? null : d)) }
          : x,
      ),
    };
    const w = evaluateProposal(gaps.proposal, evidence, DEFAULT_POLICY, TARIFFS, NOW);
    expect(w.claims[0]!.fit).toMatchObject({ nTreated: 3, nControl: 6 });
    expect(w.claims[0]!.problems).toContain("too_few_dwellings");
    expect(w.explanation.fr).toContain("Trop peu de logements ont des relevés complets.");
  });

  it("approves valves whose measured saving beats their cost, with a complete, frozen record", () => {
    const { proposal, evidence } = heatingPilot(0.15, 20, 1);
    const v = evaluateProposal(proposal, evidence, DEFAULT_POLICY, TARIFFS, NOW);
    expect(v.decision).toBe("approve");
    expect(v.rule).toBe("benefit_lower_bound_above_cost");
    expect(v.method).toBe("difference_in_differences");
    expect(v.guardVersion).toBe(GUARD_VERSION);
    expect(v.costs.tenantCentsPerYear).toBe(1200);
    // ~120–250 W/K over a 2 400 DJU normal year, 15% saved: roughly 1 000–2 000 kWh, €100–200.
    const s = v.claims[0]!.savingPerDwellingPerYear!;
    expect(s.lower).toBeLessThan(s.estimate);
    expect(s.estimate).toBeGreaterThan(900);
    expect(s.estimate).toBeLessThan(2200);
    expect(v.benefitCentsPerYear.lower).toBeGreaterThan(1200);
    expect(v.window).toEqual({
      baseline: { from: "2024-10-01", to: "2025-09-30" },
      reporting: { from: "2025-10-01", to: "2026-05-31" },
    });
    expect(v.explanation.fr).toContain("Le garde-fou l'accepte");
    expect(v.explanation.en).toContain("20 homes with the device");
    expect(Object.isFrozen(v) && Object.isFrozen(v.claims[0])).toBe(true);
    expect(() => verdictSchema.parse(v)).not.toThrow();
    expect(v.inputHash).toBe(
      hashOf({ proposal, evidence, policy: DEFAULT_POLICY, tariffs: TARIFFS, guardVersion: GUARD_VERSION }),
    );
  });

  it("rejects when even the best case saves less than tenants pay", () => {
    const { proposal, evidence } = heatingPilot(0, 20, 2, "60");
    const v = evaluateProposal(proposal, evidence, DEFAULT_POLICY, TARIFFS, NOW);
    expect(v.decision).toBe("reject");
    expect(v.rule).toBe("benefit_upper_bound_below_cost");
    expect(v.explanation.en).toContain("The guard rejects it");
  });

  it("stays undecided on a small pilot and says how many more homes would settle it", () => {
    const { proposal, evidence } = heatingPilot(0.04, 5, 3, "40");
    const v = evaluateProposal(proposal, evidence, DEFAULT_POLICY, TARIFFS, NOW);
    expect(v.decision).toBe("insufficient_evidence");
    expect(v.toSettle?.moreDwellingsPerArm).toBeGreaterThan(0);
    expect(v.explanation.fr).toMatch(/logements de plus dans chaque groupe/);
  });

  it("waits for the heating season rather than read a summer as a saving", () => {
    const { proposal, evidence } = heatingPilot(0.15, 20, 4);
    const cut = evidence.days.indexOf("2025-10-20");
    const short = {
      days: evidence.days.slice(0, cut),
      outdoor: evidence.outdoor.slice(0, cut),
      series: evidence.series.map((s) => ({ ...s, daily: s.daily.slice(0, cut) })),
    };
    const v = evaluateProposal(proposal, short, DEFAULT_POLICY, TARIFFS, NOW);
    expect(v.decision).toBe("insufficient_evidence");
    expect(v.rule).toBe("data_insufficient");
    expect(v.toSettle?.moreMonths).toBeGreaterThan(0);
  });

  it("needs a tariff for what is claimed", () => {
    const { proposal, evidence } = heatingPilot(0.15, 5, 5);
    expect(() => evaluateProposal(proposal, evidence, DEFAULT_POLICY, TARIFFS.slice(1), NOW)).toThrow(
      GuardError,
    );
  });
});

describe("evaluateProposal: tenant contribution to shared savings", () => {
  it("rejects a contribution for a connected device that is not part of qualifying works", () => {
    const { proposal, evidence } = heatingPilot(0.15, 20, 10);
    const withContribution = proposalSchema.parse({
      ...proposal,
      costLines: [
        ...proposal.costLines,
        { kind: "savings_contribution", label: "3e ligne", eurosPerDwellingPerYear: "10", years: 10 },
      ],
    });
    const v = evaluateProposal(withContribution, evidence, DEFAULT_POLICY, TARIFFS, NOW);
    expect(v.costs.tenantContributionCentsPerYear).toBe(1000);
    expect(v.costs.tenantCentsPerYear).toBe(2200);
    expect(v.decision).toBe("reject");
    expect(v.rule).toBe("contribution_not_allowed");
    expect(v.explanation.fr).toContain("pas pour un appareil connecté seul");
  });
});

/** The example lighting proposal, pinned to 40 households and a 1 March 2025 install so the
 * hand-worked figures below do not move when the example is tuned for the demo site. */
function lightingProposal(): Proposal {
  const base = example("presence-lighting.yaml");
  return proposalSchema.parse({
    ...base,
    households: 40,
    pilot: { design: "before_after", meters: [{ space: "common", installDate: "2025-03-01" }] },
  });
}

describe("evaluateProposal: gadgets and before/after", () => {
  it("rejects a voice assistant: nothing measurable, a standby draw on the tenant's bill", () => {
    const v = evaluateProposal(
      example("voice-assistant.yaml"),
      { days: [], outdoor: [], series: [] },
      DEFAULT_POLICY,
      TARIFFS,
      NOW,
    );
    expect(v.decision).toBe("reject");
    expect(v.rule).toBe("gadget_claims_nothing");
    expect(v.costs.tenantBillCentsPerYear).toBe(530);
    expect(v.explanation.fr).toContain("5,30 € par an");
    expect(v.explanation.en).toContain("gain nothing they can check");
  });

  it("prices at the tariff of the site's local day", () => {
    // 21:00 UTC on 31 December is already 1 January in Réunion (UTC+4), not yet in Paris.
    const now = new Date("2025-12-31T21:00:00Z");
    const tariffs: Tariff[] = [
      ...TARIFFS,
      { quantity: "electricity", from: "2026-01-01", pricePerUnit: "0.40" },
    ];
    const nothing = { days: [], outdoor: [], series: [] };
    const paris = evaluateProposal(example("voice-assistant.yaml"), nothing, DEFAULT_POLICY, tariffs, now);
    const reunion = evaluateProposal(
      example("voice-assistant.yaml"),
      nothing,
      DEFAULT_POLICY,
      tariffs,
      now,
      "Indian/Reunion",
    );
    expect(paris.costs.tenantBillCentsPerYear).toBe(530);
    // 3 W × 8 760 h = 26.28 kWh at €0.40
    expect(reunion.costs.tenantBillCentsPerYear).toBe(1051);
  });

  it("never annualises a partial reporting year", () => {
    const proposal = lightingProposal();
    const evidence = syntheticEvidence({
      seed: 6,
      from: "2024-01-01",
      days: 425 + 200,
      quantity: "electricity",
      effect: 0.4,
      dailyNoise: 0.05,
      habitShift: 0,
      flatPerDay: 1,
      spaces: [{ space: "common", scale: 60, installDate: "2025-03-01" }],
    });
    const v = evaluateProposal(proposal, evidence, DEFAULT_POLICY, TARIFFS, NOW);
    expect(v.decision).toBe("insufficient_evidence");
    expect(v.claims[0]!.problems).toContain("reporting_year_incomplete");
    expect(v.toSettle?.moreMonths).toBe(6);
  });

  it("approves common-area lighting once a full year after shows the saving, shared among households", () => {
    const proposal = lightingProposal();
    const evidence = syntheticEvidence({
      seed: 7,
      from: "2024-01-01",
      days: 425 + 400,
      quantity: "electricity",
      effect: 0.4,
      dailyNoise: 0.05,
      habitShift: 0,
      flatPerDay: 1,
      spaces: [{ space: "common", scale: 60, installDate: "2025-03-01" }],
    });
    const v = evaluateProposal(proposal, evidence, DEFAULT_POLICY, TARIFFS, NOW);
    expect(v.method).toBe("caltrack_daily");
    // 60 kWh/day × 40% × 365 / 40 households ≈ 219 kWh ≈ €44 each, plus the detectors' declared
    // 0.5 W added back (these hand-made data do not draw it): 4.38 kWh.
    expect(v.claims[0]!.fit.ownDrawAddedBackKWh).toBeCloseTo(4.38, 6);
    expect(v.claims[0]!.savingPerDwellingPerYear!.estimate).toBeCloseTo(219 + 4.38, -1);
    expect(v.claims[0]!.fit.cvRmse).toBeLessThan(0.1);
    expect(v.decision).toBe("approve");
    expect(v.window.reporting?.to).toBe(evidence.days.at(-1));
  });
});

describe("evaluateProposal: before/after on dwelling meters", () => {
  /** Valves measured before and after on `n` dwelling meters (no controls), maintenance as given. */
  function metered(n: number, maintenance: string, withHourlyMean: boolean) {
    const base = example("thermostatic-valves.yaml");
    const meters = Array.from({ length: n }, (_, i) => ({ space: `m${i}`, installDate: "2025-03-01" }));
    const proposal = proposalSchema.parse({
      ...base,
      households: n,
      pilot: { design: "before_after", meters },
      costLines: base.costLines.map((l) =>
        l.kind === "maintenance" ? { ...l, eurosPerDwellingPerYear: maintenance } : l,
      ),
    });
    const evidence = syntheticEvidence({
      seed: 21,
      from: "2024-01-01",
      days: 425 + 366,
      quantity: "heating_energy",
      effect: 0.1,
      dailyNoise: 0.25,
      habitShift: 0,
      spaces: meters.map((m, i) => ({ space: m.space, scale: 110 + 9 * i, installDate: m.installDate })),
    });
    const outdoor = withHourlyMean
      ? evidence.outdoor.map((o) => ({ ...o, tmean: (o.tmin + o.tmax) / 2 - 0.5 }))
      : evidence.outdoor;
    return { proposal, evidence: { ...evidence, outdoor } };
  }

  it("asks for more equipped homes, never for months the estimator cannot use", () => {
    const first = metered(3, "1", true);
    const probe = evaluateProposal(first.proposal, first.evidence, DEFAULT_POLICY, TARIFFS, NOW);
    const benefit = probe.benefitCentsPerYear;
    expect(benefit.upper).toBeGreaterThan(benefit.lower);
    // Priced at the measured benefit: the cost sits inside the interval.
    const cost = (benefit.estimate + benefit.upper) / 2 / 100;
    const { proposal, evidence } = metered(3, cost.toFixed(2), true);
    const v = evaluateProposal(proposal, evidence, DEFAULT_POLICY, TARIFFS, NOW);
    expect(v.decision).toBe("insufficient_evidence");
    expect(v.rule).toBe("interval_includes_cost");
    expect(v.toSettle?.moreMonths).toBeNull();
    expect(v.toSettle?.moreMeters).toBeGreaterThan(0);
    // Half-width falls as 1/√meters: (3 + more) meters bring it under the gap.
    const half = (v.benefitCentsPerYear.upper - v.benefitCentsPerYear.lower) / 2;
    const gap = Math.abs(v.benefitCentsPerYear.estimate - v.costs.tenantCentsPerYear);
    const needed = 3 + v.toSettle!.moreMeters!;
    expect(half * Math.sqrt(3 / needed)).toBeLessThanOrEqual(gap * 1.01);
    expect(half * Math.sqrt(3 / (needed - 1))).toBeGreaterThan(gap * 0.99);
    expect(v.explanation.fr).toContain("logements équipés de plus");
    expect(v.explanation.fr).not.toContain("mois de relevés");
  });

  it("allows 37 missing days in the baseline year, not 38 (CalTRACK 2.0 §2.2.1.2)", () => {
    const { proposal, evidence } = metered(3, "1", true);
    const start = evidence.days.indexOf("2025-03-01") - 365;
    const without = (missingDays: number) => ({
      ...evidence,
      series: evidence.series.map((x) =>
        x.space === "m0"
          ? { ...x, daily: x.daily.map((d, i) => (i >= start && i < start + missingDays ? null : d)) }
          : x,
      ),
    });
    const v37 = evaluateProposal(proposal, without(37), DEFAULT_POLICY, TARIFFS, NOW);
    expect(v37.claims[0]!.savingPerDwellingPerYear).not.toBeNull();
    const v38 = evaluateProposal(proposal, without(38), DEFAULT_POLICY, TARIFFS, NOW);
    expect(v38.claims[0]!.problems).toContain("baseline_too_many_missing_days");
  });

  it("falls back to the midpoint when the hourly mean would leave a year short", () => {
    const { proposal, evidence } = metered(3, "1", true);
    // Hourly data only from the installation on (a daily import before, a sensor after).
    const install = evidence.days.indexOf("2025-03-01");
    const late = {
      ...evidence,
      outdoor: evidence.outdoor.map((o, i) =>
        i < install ? { date: o.date, tmin: o.tmin, tmax: o.tmax } : o,
      ),
    };
    const v = evaluateProposal(proposal, late, DEFAULT_POLICY, TARIFFS, NOW);
    expect(v.claims[0]!.temperatureFeature).toBe("tmin_tmax_midpoint");
    expect(v.claims[0]!.savingPerDwellingPerYear).not.toBeNull();
    // No hourly mean for 60 days of the baseline, the readings complete.
    const stormy = {
      ...evidence,
      outdoor: evidence.outdoor.map((o, i) =>
        i >= install - 100 && i < install - 40 ? { ...o, tmean: null } : o,
      ),
    };
    // The midpoint is still there on those days: the whole claim uses it rather than fail.
    expect(
      evaluateProposal(proposal, stormy, DEFAULT_POLICY, TARIFFS, NOW).claims[0]!.temperatureFeature,
    ).toBe("tmin_tmax_midpoint");
  });

  it("never asks for months when a meter's missing baseline days will not come back", () => {
    const { proposal, evidence } = metered(3, "1", true);
    const start = evidence.days.indexOf("2025-03-01") - 365;
    const cutShort = evidence.days.length - 100;
    const broken = {
      days: evidence.days.slice(0, cutShort),
      outdoor: evidence.outdoor.slice(0, cutShort),
      series: evidence.series.map((x) => ({
        ...x,
        daily: x.daily
          .slice(0, cutShort)
          .map((d, i) => (x.space === "m0" && i >= start && i < start + 60 ? null : d)),
      })),
    };
    const v = evaluateProposal(proposal, broken, DEFAULT_POLICY, TARIFFS, NOW);
    expect(v.claims[0]!.problems).toEqual(
      expect.arrayContaining(["baseline_too_many_missing_days", "reporting_year_incomplete"]),
    );
    expect(v.toSettle?.moreMonths).toBeNull();
  });

  it("says a meter that counted nothing has no reference, not that its use varies too much", () => {
    const { proposal, evidence } = metered(1, "1", true);
    const zero = { ...evidence, series: evidence.series.map((x) => ({ ...x, daily: x.daily.map(() => 0) })) };
    const v = evaluateProposal(proposal, zero, DEFAULT_POLICY, TARIFFS, NOW);
    expect(v.claims[0]!.problems).toEqual(["baseline_no_use"]);
    expect(v.explanation.fr).toContain("Le compteur n'a rien compté avant la pose");
  });

  it("says which temperature the baselines used and every meter's balance point", () => {
    const hourly = metered(3, "1", true);
    const v = evaluateProposal(hourly.proposal, hourly.evidence, DEFAULT_POLICY, TARIFFS, NOW);
    expect(v.claims[0]!.temperatureFeature).toBe("hourly_mean");
    expect(v.claims[0]!.baselines).toHaveLength(3);
    for (const b of v.claims[0]!.baselines!) {
      expect(b.model).toBe("hdd");
      expect(b.hddBalancePointC).not.toBeNull();
    }
    const daily = metered(3, "1", false);
    expect(
      evaluateProposal(daily.proposal, daily.evidence, DEFAULT_POLICY, TARIFFS, NOW).claims[0]!
        .temperatureFeature,
    ).toBe("tmin_tmax_midpoint");
  });
});

describe("keeping watch", () => {
  it("flags an approved device whose benefit fell below its cost on newer data", () => {
    const { proposal, evidence } = heatingPilot(0.15, 20, 8);
    const approved = evaluateProposal(proposal, evidence, DEFAULT_POLICY, TARIFFS, NOW);
    expect(approved.decision).toBe("approve");
    expect(reevaluate(approved, evidence, TARIFFS, NOW).flag).toBeNull();
    // Newer data: tenants unplugged the valves, the effect is gone.
    const later = heatingPilot(0, 20, 9).evidence;
    const { verdict, flag } = reevaluate(approved, later, TARIFFS, new Date("2026-07-01T00:00:00Z"));
    expect(verdict.decision).not.toBe("approve");
    expect(flag?.code).toBe("benefit_below_cost");
    expect(flag?.severity).toBe(verdict.decision === "reject" ? "confirmed" : "suspected");
    expect(verdict.benefitCentsPerYear.estimate).toBeLessThan(verdict.costs.tenantCentsPerYear);
  });
});
