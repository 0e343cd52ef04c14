// A housing board sees aggregates of at least MIN_AGGREGATE households: a proposal measured on
// one dwelling's meter is evaluated for managers, but the board gets the decision and the costs,
// never the saving that would be that household's use (JSON and page alike).
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildApp } from "../../api/app.ts";
import { createTokenVerifier, issueToken } from "../../api/auth/tokens.ts";
import {
  PILOT_BUILDING,
  pilotGroups,
  pilotScenario,
  pilotSite,
  valvesProposal,
  writeThreeADay,
} from "../../guard/test/pilot-site.ts";
import { proposalSchema } from "../../model/proposal.ts";
import { SiteRegistry } from "../../model/registry.ts";
import { SiteSimulation } from "../../simulators/site-simulation.ts";
import { createSqliteDeadLetterStore } from "../../storage/sqlite/dead-letter-store.ts";
import { createSqliteDecisionStore } from "../../storage/sqlite/decision-store.ts";
import { createSqliteTelemetryStore } from "../../storage/sqlite/telemetry-store.ts";

const SEED = 7;
const INSTALL = "2025-10-01";
const site = pilotSite(SEED, 30);
const groups = pilotGroups(site);
const valves = valvesProposal(groups, INSTALL, 30);
const oneMeter = proposalSchema.parse({
  ...valves,
  id: "valves-one-flat",
  title: "Robinets sur un logement",
  households: 1,
  // A year before and a year after the installation, inside the simulated data.
  pilot: { design: "before_after", meters: [{ space: groups.valves[0]!, installDate: "2025-03-01" }] },
});

const folder = mkdtempSync(join(tmpdir(), "board-privacy-"));
let app: FastifyInstance;
const secret = randomBytes(32);
const auth = { admin: "", board: "" };

beforeAll(async () => {
  const telemetry = createSqliteTelemetryStore({ path: join(folder, "telemetry.db") });
  const deadLetters = createSqliteDeadLetterStore({ path: join(folder, "dead-letters.db") });
  const decisions = createSqliteDecisionStore({ path: join(folder, "decisions.db") });
  await Promise.all([telemetry.connect(), deadLetters.connect(), decisions.connect()]);
  const sim = new SiteSimulation({ site, seed: SEED, scenario: pilotScenario(groups, INSTALL) });
  await writeThreeADay(telemetry, sim, { from: "2024-02-01", to: "2026-04-01" });
  app = await buildApp(
    { registry: new SiteRegistry(site), store: telemetry, deadLetters, decisions, readiness: [] },
    { logger: pino({ level: "silent" }), verifyToken: createTokenVerifier({ secret }) },
  );
  auth.admin = `Bearer ${await issueToken(secret, { role: "admin", sub: "admin" }, 3600)}`;
  auth.board = `Bearer ${await issueToken(secret, { role: "board", sub: "board", buildings: [PILOT_BUILDING] }, 3600)}`;
}, 90_000);
afterAll(async () => {
  await app?.close();
  rmSync(folder, { recursive: true, force: true });
});

describe("board privacy", () => {
  it("gives the board the decision and the costs of a one-dwelling pilot, not its measured saving", async () => {
    for (const p of [oneMeter, valves]) {
      const saved = await app.inject({
        method: "POST",
        url: "/proposals",
        payload: p,
        headers: { authorization: auth.admin },
      });
      expect(saved.statusCode, saved.body).toBeLessThan(300);
      const evaluated = await app.inject({
        method: "POST",
        url: `/proposals/${p.id}/evaluations`,
        payload: { to: "2026-04-01" },
        headers: { authorization: auth.admin },
      });
      expect(evaluated.statusCode, evaluated.body).toBeLessThan(300);
    }
    const verdicts = async (id: string, who: "admin" | "board") =>
      (await app.inject({ url: `/proposals/${id}/verdicts`, headers: { authorization: auth[who] } })).json()
        .verdicts;
    const [forManager] = await verdicts(oneMeter.id, "admin");
    expect(forManager.verdict.claims[0].savingPerDwellingPerYear).not.toBeNull();
    const [forBoard] = await verdicts(oneMeter.id, "board");
    expect(forBoard.verdict.withheld).toBe(true);
    expect(forBoard.verdict.decision).toBe(forManager.verdict.decision);
    expect(forBoard.verdict.costs).toEqual(forManager.verdict.costs);
    const text = JSON.stringify(forBoard);
    expect(text).not.toContain("savingPerDwellingPerYear");
    expect(text).not.toContain("sharedAmongHouseholds");
    expect(text).not.toContain("benefitCentsPerYear");
    // A pilot of 10 and 10 is an aggregate: the board sees it whole.
    const [aggregate] = await verdicts(valves.id, "board");
    expect(aggregate.verdict.withheld).toBeUndefined();
    expect(aggregate.verdict.claims[0].savingPerDwellingPerYear).not.toBeNull();
    // The board's page says why the figures are withheld and shows none of them.
    const page = await app.inject({
      url: `/board/proposals/${oneMeter.id}?lang=en`,
      headers: { authorization: auth.board },
    });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("fewer than 10");
    expect(page.body).not.toContain(forManager.verdict.explanation.en.slice(0, 40));
  });
});
