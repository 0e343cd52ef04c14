// End to end on real SQLite: a simulated building with devices of KNOWN effect, a year and a
// half of readings written into the telemetry store, proposals saved in the decision store,
// and the verdicts checked against the truth; then the watch over the approved one.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SiteRegistry } from "../model/registry.ts";
import { dayNumberOfIso } from "../simulators/calendar.ts";
import { SiteSimulation } from "../simulators/site-simulation.ts";
import type { DecisionStore } from "../storage/decision-store.ts";
import { createSqliteDecisionStore } from "../storage/sqlite/decision-store.ts";
import { createSqliteTelemetryStore } from "../storage/sqlite/telemetry-store.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import {
  gadgetProposal,
  PILOT_BUILDING,
  pilotGroups,
  pilotScenario,
  pilotSite,
  valvesProposal,
  writeThreeADay,
} from "../test/support/pilot-site.ts";
import { createGuardService, defaultWindow, type GuardDeps } from "./service.ts";
import { startWatch, watchPass } from "./watch.ts";

const SEED = 7;
const INSTALL = "2025-10-01";
const NOW = new Date("2026-04-01T08:00:00Z");
const site = pilotSite(SEED, 30);
const groups = pilotGroups(site);
const registry = new SiteRegistry(site);
const sim = new SiteSimulation({ site, seed: SEED, scenario: pilotScenario(groups, INSTALL) });
const valves = valvesProposal(groups, INSTALL, 30);
const gadget = gadgetProposal(groups, INSTALL, 30);

const folder = mkdtempSync(join(tmpdir(), "guard-e2e-"));
let telemetry: TelemetryStore;
let decisions: DecisionStore;
let deps: GuardDeps;

beforeAll(async () => {
  telemetry = createSqliteTelemetryStore({ path: join(folder, "telemetry.db") });
  decisions = createSqliteDecisionStore({ path: join(folder, "decisions.db") });
  await telemetry.connect();
  await decisions.connect();
  await writeThreeADay(telemetry, sim, { from: "2024-09-28", to: "2026-04-01" });
  deps = { telemetry, registry, decisions, logger: pino({ level: "silent" }), clock: () => NOW };
}, 60_000);

afterAll(async () => {
  await telemetry.close();
  await decisions.close();
  rmSync(folder, { recursive: true, force: true });
});

/** True yearly heating of a dwelling over the year before installation (no device yet). */
function baselineYear(space: string): number {
  const first = dayNumberOfIso("2024-10-01");
  let total = 0;
  for (let day = first; day < first + 365; day++)
    total += sim.dailyTotal(PILOT_BUILDING, space, "heating_energy", day);
  return total;
}

describe("guard service on simulated telemetry", () => {
  it("reads a year before installation to today by default", () => {
    expect(defaultWindow(valves, NOW)).toEqual({ from: "2024-10-01", to: "2026-04-01" });
  });

  it("approves radiator valves that truly save 20% of heating, with a saving close to the truth", async () => {
    const guard = createGuardService(deps);
    const { verdict, record, created, evidence, window } = await guard.submit(valves);
    expect(created).toBe(true);
    expect(window).toEqual({ from: "2024-10-01", to: "2026-04-01" });
    expect(evidence.days).toHaveLength(547);
    expect(verdict.decision).toBe("approve");
    expect(verdict.rule).toBe("benefit_lower_bound_above_cost");
    const claim = verdict.claims[0]!;
    expect(claim.method).toBe("difference_in_differences");
    expect(claim.fit.nTreated).toBe(groups.valves.length);
    expect(claim.fit.nControl).toBe(groups.control.length);
    // The truth: 20% of a year's heating (the simulated year is close to the normal 2 400 DJU).
    const truth = (0.2 * groups.valves.reduce((s, d) => s + baselineYear(d), 0)) / groups.valves.length;
    const saving = claim.savingPerDwellingPerYear!;
    expect(saving.estimate).toBeGreaterThan(0.75 * truth);
    expect(saving.estimate).toBeLessThan(1.25 * truth);
    expect(saving.lower).toBeLessThan(saving.estimate);
    expect(verdict.costs.tenantCentsPerYear).toBe(1200);
    expect(verdict.benefitCentsPerYear.lower).toBeGreaterThan(1200);
    expect((await decisions.latestVerdict(valves.id))?.id).toBe(record.id);
  });

  it("rejects a hub that claims a heating saving, saves nothing and draws 5 W", async () => {
    const guard = createGuardService(deps);
    const { verdict } = await guard.submit(gadget);
    expect(verdict.decision).toBe("reject");
    expect(verdict.rule).toBe("benefit_upper_bound_below_cost");
    // €60 subscription + 5 W × 8 760 h = 43.8 kWh at €0.2016 = €8.83.
    expect(verdict.costs.tenantCentsPerYear).toBe(6000 + 883);
    expect(verdict.benefitCentsPerYear.upper).toBeLessThan(verdict.costs.tenantCentsPerYear);
    expect(Math.abs(verdict.claims[0]!.savingPerDwellingPerYear!.estimate)).toBeLessThan(
      0.05 * baselineYear(groups.gadget[0]!),
    );
  });

  it("saves nothing of a submission whose evaluation fails", async () => {
    const guard = createGuardService(deps);
    const elsewhere = { ...valves, id: "valves-elsewhere", buildings: ["nowhere"] };
    await expect(guard.submit(elsewhere)).rejects.toMatchObject({ code: "unknown_building" });
    expect(await decisions.getProposal("valves-elsewhere")).toBeUndefined();
  });

  it("evaluating the same inputs again returns the recorded verdict, not a second one", async () => {
    const guard = createGuardService(deps);
    const again = await guard.evaluate(valves.id);
    expect(again.created).toBe(false);
    expect((await decisions.listVerdicts(valves.id)).filter((r) => r.source === "evaluation")).toHaveLength(
      1,
    );
  });

  it("says insufficient evidence when the window stops before the heating season after installation", async () => {
    const guard = createGuardService(deps);
    const { verdict } = await guard.assess(valves, { window: { to: "2025-11-01" } });
    expect(verdict.decision).toBe("insufficient_evidence");
    expect(verdict.toSettle?.moreMonths).toBeGreaterThan(0);
  });

  it("watch re-evaluates only the approved proposal and flags it when its evidence is lost", async () => {
    const sameData = await watchPass(deps, NOW);
    expect(sameData.map((o) => o.proposalId)).toEqual([valves.id]);
    expect(sameData[0]).toMatchObject({ decision: "approve", flag: null, error: null });

    // A year later no reading has arrived since April: the after period is mostly missing.
    const later = await watchPass(deps, new Date("2027-06-01T08:00:00Z"));
    expect(later[0]!.decision).toBe("insufficient_evidence");
    expect(later[0]!.flag?.flag).toMatchObject({ code: "evidence_lost", severity: "suspected" });
    const flags = await decisions.listFlags({ building: PILOT_BUILDING });
    expect(flags.map((f) => f.id)).toEqual([later[0]!.flag!.id]);
    const watchVerdict = await decisions.getVerdict(later[0]!.verdictId!);
    expect(watchVerdict).toMatchObject({ source: "watch", window: { from: "2024-10-01", to: "2027-06-01" } });
  });

  it("startWatch runs a first pass at once, and stop() waits for it", async () => {
    const before = (await decisions.listVerdicts(valves.id)).length;
    const stop = startWatch(
      { ...deps, clock: () => new Date("2027-07-01T08:00:00Z") },
      { intervalMs: 3_600_000 },
    );
    await stop();
    const after = await decisions.listVerdicts(valves.id);
    expect(after).toHaveLength(before + 1);
    expect(after.at(-1)).toMatchObject({ source: "watch", window: { to: "2027-07-01" } });
    expect(await decisions.listFlags({ proposalId: valves.id })).toHaveLength(2);
  });
});
