// A housing board sees aggregates of at least MIN_AGGREGATE households: a proposal measured on
// one dwelling's meter is evaluated for managers, but the board gets the decision and the costs,
// never the saving that would be that household's use (JSON and page alike).
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { proposalSchema } from "../../model/proposal.ts";
import { openPilotApp, type PilotApp } from "../support/pilot-app.ts";
import { PILOT_BUILDING, pilotGroups, pilotSite, valvesProposal } from "../support/pilot-site.ts";

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

// Ten meters before and after: an aggregate, but each meter's baseline is still a household's.
const tenMeters = proposalSchema.parse({
  ...oneMeter,
  id: "valves-ten-flats",
  title: "Robinets sur dix logements",
  households: 10,
  pilot: {
    design: "before_after",
    meters: groups.valves.slice(0, 10).map((space) => ({ space, installDate: "2025-03-01" })),
  },
});

let pilot: PilotApp;
let app: FastifyInstance;
const auth = { admin: "", board: "" };

beforeAll(async () => {
  pilot = await openPilotApp({
    site,
    groups,
    seed: SEED,
    install: INSTALL,
    from: "2024-02-01",
    to: "2026-04-01",
  });
  app = pilot.app;
  auth.admin = await pilot.bearer({ role: "admin", sub: "admin" });
  auth.board = await pilot.bearer({ role: "board", sub: "board", buildings: [PILOT_BUILDING] });
}, 90_000);
afterAll(async () => pilot?.close());

describe("board privacy", () => {
  it("gives the board the decision and the costs of a one-dwelling pilot, not its measured saving", async () => {
    for (const p of [oneMeter, valves, tenMeters]) {
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
    // Ten meters: the board sees the claim's figures and the temperature feature, not each
    // meter's balance points; the manager sees all ten.
    const [ten] = await verdicts(tenMeters.id, "board");
    expect(ten.verdict.claims[0].temperatureFeature).toBeDefined();
    expect(ten.verdict.claims[0]).not.toHaveProperty("baselines");
    expect(JSON.stringify(ten.verdict.claims)).not.toMatch(/"baselines"|BalancePointC|maxCvRmse/);
    const [tenForManager] = await verdicts(tenMeters.id, "admin");
    expect(tenForManager.verdict.claims[0].baselines).toHaveLength(10);
  });
});
