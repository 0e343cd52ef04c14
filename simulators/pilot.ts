// A pilot study with a control group, simulated at daily resolution for the guard's accuracy
// study: N dwellings of one generated building, a share of them given a device with a known
// effect after a baseline period. The same dwelling model and device rules as the 15-minute
// simulation, so pilotSite/pilotScenario replayed through SiteSimulation give the same days.
import { z } from "zod";
import { meteredQuantitySchema } from "../model/quantities.ts";
import type { Site } from "../model/site.ts";
import { dayNumberOfIso, isoOfDay } from "./calendar.ts";
import { DeviceEffects, drawShare, resolveInstallations } from "./devices.ts";
import { dailyConsumption } from "./dwelling-model.ts";
import { SimulatorError } from "./errors.ts";
import type { Scenario } from "./scenario.ts";
import { generateSite } from "./site-generator.ts";
import { buildingDwellingParams, dwellingDayTotal } from "./site-simulation.ts";
import { Weather } from "./weather.ts";

export const pilotScenarioSchema = z
  .object({
    seed: z.number().int(),
    dwellings: z.number().int().min(2).max(2_000),
    treatedShare: z.number().gt(0).lt(1),
    /** First day of the baseline period, ISO date (local). */
    start: z.iso.date(),
    baselineDays: z.number().int().min(1).max(3_650),
    reportingDays: z.number().int().min(1).max(3_650),
    quantity: meteredQuantitySchema,
    /** Fraction, -0.08 = -8%. */
    trueEffect: z.number().min(-0.9).max(1),
    deviceStandbyW: z.number().min(0).max(5_000),
  })
  .strict();

export type PilotScenario = z.infer<typeof pilotScenarioSchema>;

export interface PilotData {
  days: string[];
  outdoor: { date: string; tmin: number; tmax: number; tmean: number }[];
  dwellings: {
    id: string;
    treated: boolean;
    installDate: string;
    /** The quantity's consumption per day, same index as days. */
    daily: number[];
    electricityDaily: number[];
  }[];
  truth: {
    effect: number;
    /** -effect × a treated dwelling's mean use over the 365 days from installation without
     * the device, under the simulated weather; units of quantity (kWh, m3). */
    savingPerTreatedDwellingPerYear: number;
    standbyKWhPerYear: number;
  };
}

/** Id of the pilot's device in pilotScenario. */
export const PILOT_DEVICE_ID = "pilot-device";

/** The one building the pilot's dwellings live in, as a site. */
export function pilotSite(s: PilotScenario): Site {
  return generateSite({ seed: s.seed, buildings: 1, dwellingsPerBuilding: s.dwellings, siteId: "pilot" });
}

/** The pilot's device as a scenario: installed in the treated share at the end of the baseline. */
export function pilotScenario(s: PilotScenario, site: Site = pilotSite(s)): Scenario {
  const building = site.buildings[0]!;
  const ids = building.dwellings.map((d) => d.id);
  // Both arms keep at least one dwelling.
  const count = Math.min(ids.length - 1, Math.max(1, Math.round(s.treatedShare * ids.length)));
  const treated = drawShare(s.seed, PILOT_DEVICE_ID, ids, 1).slice(0, count);
  return {
    devices: [
      {
        id: PILOT_DEVICE_ID,
        building: building.id,
        spaces: treated,
        installedOn: isoOfDay(dayNumberOfIso(s.start) + s.baselineDays),
        effect: { quantity: s.quantity, fraction: s.trueEffect },
        standbyW: s.deviceStandbyW,
        poweredBy: "space",
      },
    ],
    meterReplacements: [],
    outages: [],
  };
}

export function simulatePilot(input: PilotScenario): PilotData {
  const parsed = pilotScenarioSchema.safeParse(input);
  if (!parsed.success) {
    throw new SimulatorError("OPTIONS_INVALID", `invalid pilot scenario:\n${z.prettifyError(parsed.error)}`);
  }
  const s = parsed.data;
  const site = pilotSite(s);
  const building = site.buildings[0]!;
  const scenario = pilotScenario(s, site);
  const devices = new DeviceEffects(resolveInstallations(site, scenario.devices, s.seed));
  const params = buildingDwellingParams(s.seed, building);
  const weather = new Weather(s.seed);
  const startDay = dayNumberOfIso(s.start);
  const installDay = startDay + s.baselineDays;
  const installDate = isoOfDay(installDay);
  const n = s.baselineDays + s.reportingDays;
  const days: string[] = [];
  const outdoor: PilotData["outdoor"] = [];
  for (let i = 0; i < n; i++) {
    const date = isoOfDay(startDay + i);
    days.push(date);
    outdoor.push({ date, ...weather.daily(startDay + i) });
  }
  let counterfactualSum = 0;
  let treatedCount = 0;
  const dwellings = building.dwellings.map((d) => {
    const p = params.get(d.id)!;
    const spaceDevices = devices.of(building.id, d.id);
    const treated = spaceDevices.treated(installDay);
    const daily: number[] = new Array(n);
    const electricityDaily: number[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const day = startDay + i;
      const w = weather.daily(day);
      daily[i] = dwellingDayTotal(p, spaceDevices, s.quantity, day, w);
      electricityDaily[i] =
        s.quantity === "electricity" ? daily[i]! : dwellingDayTotal(p, spaceDevices, "electricity", day, w);
    }
    if (treated) {
      treatedCount++;
      for (let k = installDay; k < installDay + 365; k++) {
        counterfactualSum += dailyConsumption(p, s.quantity, k, weather.daily(k));
      }
    }
    return { id: d.id, treated, installDate, daily, electricityDaily };
  });
  return {
    days,
    outdoor,
    dwellings,
    truth: {
      effect: s.trueEffect,
      savingPerTreatedDwellingPerYear:
        treatedCount > 0 ? (-s.trueEffect * counterfactualSum) / treatedCount : 0,
      standbyKWhPerYear: (s.deviceStandbyW * 24 * 365) / 1000,
    },
  };
}
