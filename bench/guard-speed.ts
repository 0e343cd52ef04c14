// How fast the guard evaluates a real-sized pilot from the SQLite store: one building of 200
// dwellings, one year at 15-minute steps (heat and electricity meters, outdoor thermometer),
// radiator valves in a third of the flats from 1 October. Writing the data is timed apart
// from reading the evidence and from the rules. Prints figures; never fails a build.
//   npx tsx bench/guard-speed.ts [dwellings=200] [stepMinutes=15]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { gatherEvidence } from "../guard/evidence.ts";
import { createGuardService } from "../guard/service.ts";
import { DEFAULT_POLICY } from "../model/policy.ts";
import { proposalSchema } from "../model/proposal.ts";
import { SiteRegistry } from "../model/registry.ts";
import { localMidnight } from "../model/time-zone.ts";
import { evaluateProposal } from "../rules/evaluate.ts";
import type { Evidence } from "../rules/evidence.ts";
import { SiteSimulation } from "../simulators/site-simulation.ts";
import { createSqliteDecisionStore } from "../storage/sqlite/decision-store.ts";
import { createSqliteTelemetryStore } from "../storage/sqlite/telemetry-store.ts";
import {
  pilotGroups,
  pilotScenario,
  pilotSite,
  valvesProposal,
  writeSteps,
} from "../test/support/pilot-site.ts";
import { syntheticEvidence } from "../test/support/synthetic-evidence.ts";

const dwellings = Number(process.argv[2] ?? 200);
const stepMinutes = Number(process.argv[3] ?? 15);
const SEED = 3;
const INSTALL = "2025-10-01";
const WINDOW = { from: "2025-01-01", to: "2026-01-01" };
const NOW = new Date("2026-01-02T08:00:00Z");
const RUNS = 3;

const site = pilotSite(SEED, dwellings);
const groups = pilotGroups(site);
const registry = new SiteRegistry(site);
const proposal = valvesProposal(groups, INSTALL, dwellings);
const folder = mkdtempSync(join(tmpdir(), "guard-speed-"));
const path = join(folder, "telemetry.db");
const telemetry = createSqliteTelemetryStore({ path });
const decisions = createSqliteDecisionStore({ path: join(folder, "decisions.db") });

const ms = (start: number) => performance.now() - start;
const fmt = (x: number) => x.toLocaleString("en-GB", { maximumFractionDigits: 0 });
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function timed<T>(runs: number, f: () => Promise<T> | T): Promise<{ result: T; times: number[] }> {
  const times: number[] = [];
  let result: T | undefined;
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    result = await f();
    times.push(ms(start));
  }
  return { result: result as T, times };
}

/**
 * The before/after path's worst case: electricity meters, whose baselines search heating,
 * cooling and both together, over a year before and a year after, from hand-made evidence.
 */
function timedBeforeAfter(meters: number): { evidence: Evidence; times: number[] } {
  const spaces = Array.from({ length: meters }, (_, i) => ({
    space: `m${i}`,
    scale: 8 + (i % 7),
    installDate: "2025-03-01",
  }));
  const evidence = syntheticEvidence({
    seed: 5,
    from: "2024-01-01",
    days: 790,
    quantity: "electricity",
    effect: 0.05,
    dailyNoise: 0.15,
    habitShift: 0,
    flatPerDay: 1,
    spaces,
  });
  const p = proposalSchema.parse({
    ...proposal,
    id: "bench-before-after",
    device: { ...proposal.device, claims: [{ quantity: "electricity", meter: "dwelling" }] },
    households: meters,
    pilot: {
      design: "before_after",
      meters: spaces.map((x) => ({ space: x.space, installDate: x.installDate })),
    },
  });
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const start = performance.now();
    evaluateProposal(p, evidence, DEFAULT_POLICY, site.tariffs, NOW);
    times.push(ms(start));
  }
  return { evidence, times };
}

try {
  await telemetry.connect();
  await decisions.connect();
  const sim = new SiteSimulation({ site, seed: SEED, scenario: pilotScenario(groups, INSTALL) });
  // The point before the window starts the first day's consumption: begin an hour early.
  const range = {
    from: localMidnight(2025, 1, 1, "Europe/Paris") - 3_600_000,
    to: localMidnight(2026, 1, 1, "Europe/Paris"),
    stepMs: stepMinutes * 60_000,
  };
  const writeStart = performance.now();
  const written = await writeSteps(telemetry, sim, range);
  const writeMs = ms(writeStart);
  const bytes = statSync(path).size + (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0);

  const gather = await timed(RUNS, () => gatherEvidence(telemetry, registry, proposal, WINDOW));
  const evidence = gather.result;
  const rules = await timed(RUNS, () =>
    evaluateProposal(proposal, evidence, DEFAULT_POLICY, site.tariffs, NOW),
  );
  const verdict = rules.result;
  const guard = createGuardService({
    telemetry,
    registry,
    decisions,
    logger: pino({ level: "silent" }),
    clock: () => NOW,
  });
  await decisions.saveProposal(proposal);
  const service = await timed(1, () => guard.evaluate(proposal.id, { window: WINDOW }));

  const beforeAfter = timedBeforeAfter(dwellings);
  const s = verdict.claims[0]?.savingPerDwellingPerYear;
  const lines = [
    `guard speed: ${dwellings} dwellings (${groups.valves.length} treated, ${groups.control.length} control), ${WINDOW.from} to ${WINDOW.to}, ${stepMinutes}-minute steps`,
    `  write      ${fmt(written)} readings in ${(writeMs / 1000).toFixed(1)} s (simulation included): ${fmt(written / (writeMs / 1000))} readings/s; file ${(bytes / 2 ** 20).toFixed(0)} MiB`,
    `  evidence   gatherEvidence: ${evidence.days.length} days × ${evidence.series.length} series; ${gather.times.map((t) => `${t.toFixed(0)} ms`).join(", ")} (median ${median(gather.times).toFixed(0)} ms)`,
    `  rules      evaluateProposal: ${rules.times.map((t) => `${t.toFixed(1)} ms`).join(", ")} (median ${median(rules.times).toFixed(1)} ms)`,
    `  service    evaluate (read proposal, evidence, rules, append verdict): ${service.times[0]!.toFixed(0)} ms`,
    `  before/after rules, ${dwellings} electricity meters × ${beforeAfter.evidence.days.length} days (HDD, CDD and HDD+CDD grids): ${beforeAfter.times.map((t) => `${t.toFixed(0)} ms`).join(", ")} (median ${median(beforeAfter.times).toFixed(0)} ms)`,
    `  verdict    ${verdict.decision} (${verdict.rule}); saving ${s ? `${fmt(s.estimate)} kWh [${fmt(s.lower)}, ${fmt(s.upper)}]` : "none"} per dwelling-year; benefit €${(verdict.benefitCentsPerYear.estimate / 100).toFixed(0)} vs cost €${(verdict.costs.tenantCentsPerYear / 100).toFixed(0)}`,
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
} finally {
  await telemetry.close();
  await decisions.close();
  rmSync(folder, { recursive: true, force: true });
}
