// The proposal and verdict routes through app.inject, on real SQLite stores holding a simulated
// pilot: every route, its problems (404, 400) as application/problem+json, and the OpenAPI.
import type { FastifyInstance, InjectOptions } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { localDate } from "../../model/time-zone.ts";
import { openPilotApp, type PilotApp } from "../../test/support/pilot-app.ts";
import { gadgetProposal, pilotGroups, pilotSite, valvesProposal } from "../../test/support/pilot-site.ts";

const SEED = 7;
const INSTALL = "2025-10-01";
const site = pilotSite(SEED, 30);
const groups = pilotGroups(site);
const valves = valvesProposal(groups, INSTALL, 30);
const gadget = gadgetProposal(groups, INSTALL, 30);

let pilot: PilotApp;
let app: FastifyInstance;
let authorization = "";
/** Requests as an administrator; the access matrix (api/access.integration.test.ts) covers the other roles. */
const inject = (options: InjectOptions) =>
  app.inject({ ...options, headers: { authorization, ...options.headers } });

beforeAll(async () => {
  pilot = await openPilotApp({
    site,
    groups,
    seed: SEED,
    install: INSTALL,
    from: "2024-09-28",
    to: "2026-04-01",
  });
  app = pilot.app;
  authorization = await pilot.bearer({ role: "admin", sub: "test-admin" });
}, 60_000);

afterAll(async () => pilot?.close());

function expectProblem(
  res: { statusCode: number; headers: Record<string, unknown>; json(): unknown },
  status: number,
) {
  expect(res.statusCode).toBe(status);
  expect(res.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = res.json() as { status: number; detail: string };
  expect(body.status).toBe(status);
  return body;
}

describe("proposal routes", () => {
  it("POST /proposals saves a proposal (201), the same again is 200, another content under its id 400", async () => {
    const first = await inject({ method: "POST", url: "/proposals", payload: valves });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      proposal: { id: valves.id },
      buildings: ["b01"],
      latestVerdict: null,
    });
    const again = await inject({ method: "POST", url: "/proposals", payload: valves });
    expect(again.statusCode).toBe(200);
    const changed = await inject({
      method: "POST",
      url: "/proposals",
      payload: { ...valves, households: 31 },
    });
    expect(expectProblem(changed, 400)).toMatchObject({ reason: "proposal_conflict" });
  });

  it("POST /proposals refuses extra fields, rule breaches, unknown dwellings and bad JSON", async () => {
    expectProblem(await inject({ method: "POST", url: "/proposals", payload: { ...gadget, extra: 1 } }), 400);
    const onCharges = structuredClone(gadget);
    onCharges.costLines[0] = { ...onCharges.costLines[0]!, payer: "tenant_charges", heading: "II" } as never;
    const breach = expectProblem(
      await inject({ method: "POST", url: "/proposals", payload: onCharges }),
      400,
    );
    expect(breach.detail).toMatch(/improvements/);
    const elsewhere = {
      ...gadget,
      id: "elsewhere",
      pilot: { ...gadget.pilot, control: ["no-such-flat"] },
    };
    const unknown = expectProblem(
      await inject({ method: "POST", url: "/proposals", payload: elsewhere }),
      400,
    );
    expect(unknown).toMatchObject({ reason: "unknown_space" });
    const bad = await inject({
      method: "POST",
      url: "/proposals",
      headers: { "content-type": "application/json" },
      payload: "{not json",
    });
    expectProblem(bad, 400);
    expect((await inject({ url: "/proposals/elsewhere" })).statusCode).toBe(404);
  });

  it("GET /proposals lists them, by building", async () => {
    await inject({ method: "POST", url: "/proposals", payload: gadget });
    const all = await inject({ url: "/proposals" });
    expect(all.statusCode).toBe(200);
    expect(all.json().proposals.map((p: { proposal: { id: string } }) => p.proposal.id)).toEqual([
      valves.id,
      gadget.id,
    ]);
    expect((await inject({ url: "/proposals?building=b01" })).json().proposals).toHaveLength(2);
    expect((await inject({ url: "/proposals?building=b99" })).json().proposals).toEqual([]);
  });

  it("GET /proposals/{id} gives one, 404 for an unknown id", async () => {
    const res = await inject({ url: `/proposals/${valves.id}` });
    expect(res.statusCode).toBe(200);
    expect(res.json().proposal).toEqual(valves);
    expectProblem(await inject({ url: "/proposals/nope" }), 404);
  });

  it("POST /proposals/{id}/evaluations runs the guard now (201) and returns the recorded verdict on the same inputs (200)", async () => {
    const res = await inject({
      method: "POST",
      url: `/proposals/${valves.id}/evaluations`,
      payload: { to: "2026-04-01" },
    });
    expect(res.statusCode).toBe(201);
    const body = res.json();
    expect(body).toMatchObject({
      proposalId: valves.id,
      buildings: ["b01"],
      source: "evaluation",
      window: { from: "2024-10-01", to: "2026-04-01" },
      verdict: { decision: "approve", rule: "benefit_lower_bound_above_cost" },
    });
    expect(body.verdict.explanation.fr).toMatch(/accepte/);
    const again = await inject({
      method: "POST",
      url: `/proposals/${valves.id}/evaluations`,
      payload: { to: "2026-04-01" },
    });
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(body.id);
    const rejected = await inject({
      method: "POST",
      url: `/proposals/${gadget.id}/evaluations`,
      payload: { to: "2026-04-01" },
    });
    expect(rejected.statusCode).toBe(201);
    expect(rejected.json().verdict.decision).toBe("reject");
    // No body: the default window runs to today, long after the simulated data stop.
    const noBody = await inject({ method: "POST", url: `/proposals/${gadget.id}/evaluations` });
    expect(noBody.statusCode).toBe(201);
    // Today in Paris, the site's calendar (between 23:00 and midnight UTC it is already tomorrow).
    const { year, month, day } = localDate(Date.now(), "Europe/Paris");
    const today = `${year}-${String(month).padStart(2, "0")}-${String(day).padStart(2, "0")}`;
    expect(noBody.json().window.to).toBe(today);
    expect((await inject({ url: `/proposals/${valves.id}` })).json().latestVerdict).toMatchObject({
      id: body.id,
      decision: "approve",
    });
  });

  it("POST /proposals/{id}/evaluations: 404 unknown proposal, 400 for extra fields or a bad window", async () => {
    expectProblem(await inject({ method: "POST", url: "/proposals/nope/evaluations", payload: {} }), 404);
    const url = `/proposals/${valves.id}/evaluations`;
    expectProblem(await inject({ method: "POST", url, payload: { to: "2026-04-01", by: "me" } }), 400);
    expectProblem(await inject({ method: "POST", url, payload: { to: "2026-31-01" } }), 400);
    const reversed = expectProblem(
      await inject({ method: "POST", url, payload: { from: "2026-04-01", to: "2026-01-01" } }),
      400,
    );
    expect(reversed).toMatchObject({ reason: "invalid_window" });
  });

  it("GET /proposals/{id}/verdicts and GET /verdicts/{id}", async () => {
    const list = await inject({ url: `/proposals/${valves.id}/verdicts` });
    expect(list.statusCode).toBe(200);
    const verdicts = list.json().verdicts;
    expect(verdicts).toHaveLength(1);
    const one = await inject({ url: `/verdicts/${verdicts[0].id}` });
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(verdicts[0]);
    expect(one.json().verdict.inputs.evidenceHash).toMatch(/^[0-9a-f]{64}$/);
    expectProblem(await inject({ url: "/proposals/nope/verdicts" }), 404);
    expectProblem(await inject({ url: "/verdicts/999999" }), 404);
    expectProblem(await inject({ url: "/verdicts/abc" }), 400);
  });

  it("documents the routes in the OpenAPI", async () => {
    const doc = (await inject({ url: "/docs/json" })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        "/proposals",
        "/proposals/{id}",
        "/proposals/{id}/evaluations",
        "/proposals/{id}/verdicts",
        "/verdicts/{id}",
      ]),
    );
  });
});
