import { describe, expect, it } from "vitest";
import { dailyConsumption } from "./dwelling-model.ts";
import { ClimateNormal } from "./normal-year.ts";
import { type PilotScenario, pilotSite } from "./pilot.ts";
import { pilotNormalYearTruth } from "./pilot-truth.ts";
import { buildingDwellingParams } from "./site-simulation.ts";

const scenario: PilotScenario = {
  seed: 21,
  dwellings: 400,
  treatedShare: 0.5,
  start: "2024-10-01",
  baselineDays: 365,
  reportingDays: 365,
  quantity: "heating_energy",
  trueEffect: -0.1,
  deviceStandbyW: 2,
};
const normal = new ClimateNormal({ seed: 8, years: 10 });

describe("a pilot's truth in a normal year", () => {
  it("is the normal-year use of the population the pilot's dwellings are drawn from", () => {
    const truth = pilotNormalYearTruth(scenario, normal);
    // A 400-dwelling building is a large sample of that population: its mean lies within
    // three standard errors of the population's.
    const building = pilotSite(scenario).buildings[0]!;
    const params = buildingDwellingParams(scenario.seed, building);
    const uses = building.dwellings.map((d) =>
      normal.yearlyMean((day, w) => dailyConsumption(params.get(d.id)!, "heating_energy", day, w), 7),
    );
    const mean = uses.reduce((a, b) => a + b, 0) / uses.length;
    const se = Math.sqrt(uses.reduce((a, u) => a + (u - mean) ** 2, 0) / (uses.length - 1) / uses.length);
    expect(Math.abs(truth.populationUsePerYear - mean)).toBeLessThan(3 * se);
    expect(truth.populationSavingPerYear).toBeCloseTo(0.1 * truth.populationUsePerYear, 9);
    expect(truth.normalYearDju).toBe(normal.dju);
    expect(truth.standbyKWhPerYear).toBeCloseTo(17.52, 9);
  });

  it("differs from the treated dwellings' own saving by their sampling only", () => {
    const small = { ...scenario, dwellings: 40 };
    const truth = pilotNormalYearTruth(small, normal);
    const gap = truth.treatedSavingPerYear / truth.populationSavingPerYear - 1;
    expect(Math.abs(gap)).toBeGreaterThan(0.001);
    // 20 dwellings whose use varies by about 40 %: a 9 % standard error, so 30 % is far out.
    expect(Math.abs(gap)).toBeLessThan(0.3);
    expect(pilotNormalYearTruth({ ...small, trueEffect: 0 }, normal).populationSavingPerYear).toBeCloseTo(
      0,
      12,
    );
  });

  it("follows the normal's weather: a colder normal means more heating", () => {
    const cold = new ClimateNormal({
      seed: 8,
      years: 10,
      climate: { ...normal.climate, meanC: normal.climate.meanC - 1.5 },
    });
    const small = { ...scenario, dwellings: 40 };
    const ratio =
      pilotNormalYearTruth(small, cold).populationUsePerYear /
      pilotNormalYearTruth(small, normal).populationUsePerYear;
    expect(ratio).toBeGreaterThan(1.15);
    expect(ratio).toBeLessThan(1.4);
  });
});
