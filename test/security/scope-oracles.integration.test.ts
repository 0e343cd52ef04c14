// What one scope can learn of another's: nothing. A proposal id held in another scope is
// refused as any conflict is; a building's devices list shows only proposals whose buildings
// are all the caller's (as /proposals does); a consent says who recorded it.
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { proposalSchema } from "../../model/proposal.ts";
import { type CallerName, createTestApp, type TestApp } from "../support/app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ rateLimit: { max: 1_000_000, windowMs: 60_000 } });
});
afterAll(async () => t.close());

const example = parse(
  readFileSync(new URL("../../examples/proposals/thermostatic-valves.yaml", import.meta.url), "utf8"),
);
const proposal = (id: string, buildings: string[], title = "Robinets") =>
  proposalSchema.parse({
    ...example,
    id,
    title,
    buildings,
    households: 3,
    pilot: {
      design: "before_after",
      // apt-102 exists in bA only; apt-101 in both (a pilot over both must not name it).
      meters: [{ space: buildings.includes("bA") ? "apt-102" : "apt-101", installDate: "2025-01-01" }],
    },
  });

async function as(caller: CallerName, method: "GET" | "POST", url: string, payload?: unknown) {
  return t.app.inject({
    method,
    url,
    payload: payload as never,
    headers: { authorization: `Bearer ${await t.token(caller)}` },
  });
}

describe("scope oracles", () => {
  it("refuses an id held in another scope exactly as any conflict, saying nothing of whose", async () => {
    expect((await as("admin", "POST", "/proposals", proposal("shared-id", ["bB"]))).statusCode).toBe(201);
    expect((await as("managerA", "POST", "/proposals", proposal("own-id", ["bA"]))).statusCode).toBe(201);
    const foreign = await as("managerA", "POST", "/proposals", proposal("shared-id", ["bA"]));
    const own = await as("managerA", "POST", "/proposals", proposal("own-id", ["bA"], "Autre titre"));
    for (const res of [foreign, own]) expect(res.statusCode).toBe(400);
    const detail = (res: typeof own, id: string) => res.json().detail.replace(id, "ID");
    expect(detail(foreign, "shared-id")).toBe(detail(own, "own-id"));
    expect(foreign.body).not.toMatch(/bB|already saved/);
  });

  it("lists on a building's devices only the proposals /proposals shows the caller", async () => {
    const saved = await as("admin", "POST", "/proposals", proposal("both-buildings", ["bA", "bB"]));
    expect(saved.statusCode, saved.body).toBe(201);
    const devices = (await as("managerA", "GET", "/buildings/bA/devices"))
      .json()
      .devices.map((d: { proposal: string }) => d.proposal);
    const listed = (await as("managerA", "GET", "/proposals"))
      .json()
      .proposals.map((p: { proposal: { id: string } }) => p.proposal.id);
    expect(devices).not.toContain("both-buildings");
    expect(listed).not.toContain("both-buildings");
    expect(new Set(devices)).toEqual(new Set(listed));
  });

  it("says who recorded a consent: the occupant, or a manager on their behalf", async () => {
    const byManager = await as("managerA", "POST", "/buildings/bA/dwellings/apt-102/consents", {
      purpose: "fine_history",
      granted: true,
    });
    expect(byManager.statusCode).toBe(201);
    expect(byManager.json().recordedBy).toEqual({ role: "manager", subject: "manager-a" });
    const seen = await as("tenantA102", "GET", "/buildings/bA/dwellings/apt-102/consents");
    expect(seen.json().consents[0].recordedBy).toEqual({ role: "manager", subject: "manager-a" });
  });
});
