import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { siteSchema } from "../model/site.ts";
import { parseSite } from "../model/site-file.ts";
import { loadScenarioFile } from "./scenario.ts";
import { generateSite, SENSOR_IDS } from "./site-generator.ts";

describe("generateSite", () => {
  const site = generateSite({ seed: 5, buildings: 3, dwellingsPerBuilding: 12 });

  it("passes the site schema and is the same for the same seed", () => {
    expect(siteSchema.parse(site)).toEqual(site);
    expect(generateSite({ seed: 5, buildings: 3, dwellingsPerBuilding: 12 })).toEqual(site);
    expect(generateSite({ seed: 6, buildings: 3, dwellingsPerBuilding: 12 })).not.toEqual(site);
  });

  it("builds plausible French flats with the standard sensors", () => {
    for (const b of site.buildings) {
      expect(b.name).toMatch(/^Résidence /);
      expect(b.address).toMatch(/\d{5} /);
      expect(b.dwellings).toHaveLength(12);
      expect(b.common.sensors.map((s) => s.id)).toEqual(Object.keys(SENSOR_IDS.common));
      for (const d of b.dwellings) {
        expect(d.areaM2).toBeGreaterThanOrEqual(25);
        expect(d.areaM2).toBeLessThanOrEqual(110);
        expect(d.rooms).toBeGreaterThanOrEqual(1);
        expect(d.sensors.map((s) => [s.id, s.quantity])).toEqual(Object.entries(SENSOR_IDS.dwelling));
      }
    }
    expect(site.tariffs.map((t) => [t.quantity, t.pricePerUnit, t.from])).toEqual([
      ["heating_energy", "0.1028", "2025-12-01"],
      ["electricity", "0.2016", "2025-02-01"],
      ["hot_water", "4.34", "2022-01-01"],
      ["cold_water", "4.34", "2022-01-01"],
    ]);
  });

  it("stays within the schema for large buildings", () => {
    const big = generateSite({ seed: 1, buildings: 20, dwellingsPerBuilding: 2_000 });
    expect(big.buildings).toHaveLength(20);
    expect(new Set(big.buildings.map((b) => b.name)).size).toBe(20);
  });
});

describe("examples", () => {
  it("site.yaml parses with parseSite", () => {
    const site = parseSite(readFileSync("examples/site.yaml", "utf8"), "examples/site.yaml");
    expect(site.buildings).toHaveLength(2);
    expect(site.buildings.map((b) => b.dwellings.length)).toEqual([6, 6]);
    expect(site.buildings[1]!.dwellings[3]!.sensors.map((s) => s.id)).toEqual(
      Object.keys(SENSOR_IDS.dwelling),
    );
  });

  it("scenario.yaml parses", () => {
    const scenario = loadScenarioFile("examples/scenario.yaml");
    expect(scenario.devices.map((d) => d.id)).toEqual([
      "thermostat",
      "detection-presence",
      "assistant-vocal",
    ]);
  });
});
