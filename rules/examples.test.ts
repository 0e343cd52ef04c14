// Every example proposal shipped in examples/proposals must validate, and name only buildings
// and dwellings of the site it is meant for (examples/site-pilot.yaml, the README's demo).
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { proposalSchema } from "../model/proposal.ts";
import { loadSiteFile } from "../model/site-file.ts";
import { loadScenarioFile } from "../simulators/scenario.ts";

const dir = join(import.meta.dirname, "..", "examples", "proposals");
const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));

describe("example proposals", () => {
  it("ships the four examples", () => {
    expect(files.sort()).toEqual([
      "presence-lighting.yaml",
      "thermostatic-valves.yaml",
      "voice-assistant.yaml",
      "water-meters.yaml",
    ]);
  });

  it.each(files)("%s validates", (file) => {
    const result = proposalSchema.safeParse(parse(readFileSync(join(dir, file), "utf8")));
    expect(result.error?.issues ?? []).toEqual([]);
  });

  const site = loadSiteFile(join(dir, "..", "site-pilot.yaml"));

  it.each(files)("%s names only buildings and dwellings of site-pilot.yaml", (file) => {
    const proposal = proposalSchema.parse(parse(readFileSync(join(dir, file), "utf8")));
    const buildings = site.buildings.filter((b) => proposal.buildings.includes(b.id));
    expect(buildings.map((b) => b.id)).toEqual(proposal.buildings);
    const spaces = new Set(["common", ...buildings.flatMap((b) => b.dwellings.map((d) => d.id))]);
    const pilot = proposal.pilot;
    const named =
      pilot.design === "controlled"
        ? [...pilot.treated.map((t) => t.dwelling), ...pilot.control]
        : pilot.meters.map((m) => m.space);
    expect(named.filter((space) => !spaces.has(space))).toEqual([]);
    expect(proposal.households).toBe(buildings.reduce((n, b) => n + b.dwellings.length, 0));
  });

  it("the pilot scenario installs devices only in that site's spaces", () => {
    const scenario = loadScenarioFile(join(dir, "..", "scenario-pilot.yaml"));
    for (const device of scenario.devices) {
      const building = site.buildings.find((b) => b.id === device.building);
      expect(building, device.id).toBeDefined();
      if (!Array.isArray(device.spaces)) continue;
      const ids = new Set(["common", ...building!.dwellings.map((d) => d.id)]);
      expect(
        device.spaces.filter((s) => !ids.has(s)),
        device.id,
      ).toEqual([]);
    }
  });
});

describe("proposal rules at the edge", () => {
  const base = parse(readFileSync(join(dir, "thermostatic-valves.yaml"), "utf8"));

  it("refuses tenant charges without a heading of the décret", () => {
    const p = structuredClone(base);
    delete p.costLines[2].heading;
    const r = proposalSchema.safeParse(p);
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]?.message).toMatch(/heading of décret 87-713/);
  });

  it("refuses purchase or installation put on tenant charges", () => {
    const p = structuredClone(base);
    p.costLines[0] = { ...p.costLines[0], payer: "tenant_charges", heading: "II" };
    const r = proposalSchema.safeParse(p);
    expect(r.error?.issues[0]?.message).toMatch(/improvements/);
  });

  it("refuses a device on the dwelling's meter paid other than on the tenant's bill", () => {
    const p = structuredClone(base);
    p.costLines.push({
      kind: "own_energy",
      label: "veille",
      wattsPerDwelling: 1,
      meter: "dwelling",
      payer: "landlord",
    });
    expect(proposalSchema.safeParse(p).error?.issues[0]?.message).toMatch(/tenant_bill/);
  });
});
