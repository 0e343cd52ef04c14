// What a pilot's device saves a dwelling in a normal year, from the simulator's own
// parameters: no regression, no simulated year. Two readings of "a dwelling":
// - the population: a dwelling drawn as the pilot's dwellings are drawn (a flat of the
//   generator's types and areas, on one of the building's floors, with its own habits), which
//   is what a controlled pilot's interval is about: its dwellings are a sample of those the
//   device would be installed in;
// - the sample: the pilot's own treated dwellings.
// The population mean is a Monte Carlo average over many drawn dwellings, each on days spread
// evenly over the normal's years (systematic sampling from a random start, so unbiased).
import { dailyConsumption, dwellingParams } from "./dwelling-model.ts";
import { type ClimateNormal, NORMAL_YEAR_DAYS } from "./normal-year.ts";
import { type PilotScenario, pilotScenario, pilotSite } from "./pilot.ts";
import { createRng, hashOf } from "./random.ts";
import { drawFlat } from "./site-generator.ts";
import { buildingDwellingParams } from "./site-simulation.ts";

export interface NormalYearTruth {
  normalYearDju: number;
  /** Mean normal-year use of a dwelling of the population without the device. */
  populationUsePerYear: number;
  /** −effect × populationUsePerYear: the saving per dwelling per year a roll-out would bring. */
  populationSavingPerYear: number;
  /** The same for the pilot's treated dwellings themselves (every fifth day of the normal). */
  treatedSavingPerYear: number;
  standbyKWhPerYear: number;
}

export interface PopulationSampling {
  dwellings: number;
  daysPerDwelling: number;
}

export function pilotNormalYearTruth(
  s: PilotScenario,
  normal: ClimateNormal,
  sampling: PopulationSampling = { dwellings: 4_000, daysPerDwelling: 24 },
): NormalYearTruth {
  const site = pilotSite(s);
  const building = site.buildings[0]!;
  const floors = Math.max(1, ...building.dwellings.map((d) => (d.floor ?? 0) + 1));
  const rng = createRng(hashOf(s.seed, 0x9091));
  const n = normal.days.length;
  const stride = n / sampling.daysPerDwelling;
  let total = 0;
  for (let k = 0; k < sampling.dwellings; k++) {
    const { areaM2 } = drawFlat(rng);
    // A position in the building, so ground and top floors weigh as they do in the pilot.
    const floor = building.dwellings[Math.floor(rng.next() * building.dwellings.length)]!.floor;
    const p = dwellingParams(s.seed, {
      buildingId: building.id,
      dwellingId: `population-${k}`,
      areaM2,
      floor,
      floors,
      constructionYear: building.constructionYear,
    });
    const start = rng.next() * stride;
    for (let j = 0; j < sampling.daysPerDwelling; j++) {
      const i = Math.floor(start + j * stride);
      total += dailyConsumption(p, s.quantity, normal.days[i]!, normal.weather[i]!);
    }
  }
  const populationUse = (NORMAL_YEAR_DAYS * total) / (sampling.dwellings * sampling.daysPerDwelling);
  const params = buildingDwellingParams(s.seed, building);
  const treated = pilotScenario(s, site).devices[0]!.spaces as string[];
  const treatedUse =
    treated.reduce(
      (sum, id) =>
        sum + normal.yearlyMean((day, w) => dailyConsumption(params.get(id)!, s.quantity, day, w), 5),
      0,
    ) / treated.length;
  return {
    normalYearDju: normal.dju,
    populationUsePerYear: populationUse,
    populationSavingPerYear: -s.trueEffect * populationUse,
    treatedSavingPerYear: -s.trueEffect * treatedUse,
    standbyKWhPerYear: (s.deviceStandbyW * 24 * 365) / 1000,
  };
}
