// A simulated pilot for the guard's tests and bench: one building whose dwellings carry only
// the sensors the guard reads (heat and electricity meters, the outdoor thermometer), a
// scenario with devices of KNOWN effect, proposals that match it, and writers that put the
// simulated readings straight into a TelemetryStore.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { type Proposal, type ProposalInput, proposalSchema } from "../../model/proposal.ts";
import type { Reading } from "../../model/reading.ts";
import { type Site, siteSchema } from "../../model/site.ts";
import { localMidnight } from "../../model/time-zone.ts";
import { generateReadingBatches } from "../../simulators/readings.ts";
import { type Scenario, scenarioSchema } from "../../simulators/scenario.ts";
import { DEFAULT_TARIFFS, generateSite } from "../../simulators/site-generator.ts";
import type { SiteSimulation } from "../../simulators/site-simulation.ts";
import type { TelemetryStore } from "../../storage/telemetry-store.ts";

export const PILOT_BUILDING = "b01";
const KEPT_SENSORS = new Set(["heat", "elec", "outdoor"]);

/** One building of `dwellings` flats with heat and electricity meters and an outdoor sensor. */
export function pilotSite(seed: number, dwellings: number): Site {
  const site = generateSite({ seed, buildings: 1, dwellingsPerBuilding: dwellings, boilerMeter: false });
  const building = site.buildings[0]!;
  return siteSchema.parse({
    ...site,
    tariffs: DEFAULT_TARIFFS,
    buildings: [
      {
        ...building,
        dwellings: building.dwellings.map((d) => ({
          ...d,
          sensors: d.sensors.filter((s) => KEPT_SENSORS.has(s.id)),
        })),
        common: { sensors: building.common.sensors.filter((s) => KEPT_SENSORS.has(s.id)) },
      },
    ],
  });
}

export interface PilotGroups {
  /** Radiator valves: 20% less heating. */
  valves: string[];
  /** A "smart" hub claiming a heating saving: no effect, 5 W on the tenant's meter. */
  gadget: string[];
  control: string[];
}

/** Splits the dwellings in thirds: valves, gadget, control (interleaved, so floors mix). */
export function pilotGroups(site: Site): PilotGroups {
  const ids = site.buildings[0]!.dwellings.map((d) => d.id);
  return {
    valves: ids.filter((_, i) => i % 3 === 0),
    gadget: ids.filter((_, i) => i % 3 === 1),
    control: ids.filter((_, i) => i % 3 === 2),
  };
}

export function pilotScenario(groups: PilotGroups, installedOn: string): Scenario {
  return scenarioSchema.parse({
    devices: [
      {
        id: "valves",
        building: PILOT_BUILDING,
        spaces: groups.valves,
        installedOn,
        effect: { quantity: "heating_energy", fraction: -0.2 },
      },
      { id: "hub", building: PILOT_BUILDING, spaces: groups.gadget, installedOn, standbyW: 5 },
    ],
  });
}

const examples = join(import.meta.dirname, "..", "..", "examples", "proposals");

/** The thermostatic-valves example, moved onto the simulated building and its pilot. */
export function valvesProposal(groups: PilotGroups, installDate: string, households: number): Proposal {
  const example = parse(readFileSync(join(examples, "thermostatic-valves.yaml"), "utf8")) as ProposalInput;
  return proposalSchema.parse({
    ...example,
    buildings: [PILOT_BUILDING],
    households,
    pilot: {
      design: "controlled",
      treated: groups.valves.map((dwelling) => ({ dwelling, installDate })),
      control: groups.control,
    },
  });
}

/** A connected hub claiming 10% less heating, paid by tenants: €60 a year plus its 5 W. */
export function gadgetProposal(groups: PilotGroups, installDate: string, households: number): Proposal {
  return proposalSchema.parse({
    id: "smart-hub-b01",
    title: "Box domotique connectée",
    device: {
      id: "smart-hub",
      name: { fr: "Box domotique", en: "Smart-home hub" },
      category: "heating_regulation",
      claims: [{ quantity: "heating_energy", meter: "dwelling", vendorClaim: 0.1 }],
      lifetimeYears: 5,
    },
    buildings: [PILOT_BUILDING],
    households,
    pilot: {
      design: "controlled",
      treated: groups.gadget.map((dwelling) => ({ dwelling, installDate })),
      control: groups.control,
    },
    costLines: [
      { kind: "capex", label: "Box", eurosPerDwelling: "120", payer: "landlord" },
      {
        kind: "subscription",
        label: "Abonnement au service",
        eurosPerDwellingPerYear: "60",
        payer: "tenant_charges",
        heading: "II",
      },
      { kind: "own_energy", label: "Veille", wattsPerDwelling: 5, meter: "dwelling", payer: "tenant_bill" },
    ],
  });
}

const HOUR = 3_600_000;

function* isoDays(from: string, to: string): Generator<{ y: number; m: number; d: number }> {
  const [y, m, d] = from.split("-").map(Number) as [number, number, number];
  for (let i = 0; ; i++) {
    const date = new Date(Date.UTC(y, m - 1, d + i));
    if (date.toISOString().slice(0, 10) >= to) return;
    yield { y: date.getUTCFullYear(), m: date.getUTCMonth() + 1, d: date.getUTCDate() };
  }
}

/**
 * Three readings a day, enough for the guard and fast: the thermometer at 06:00 and 15:00
 * local (where the simulator puts Tmin and Tmax), the meters at 06:00, 15:00 and 23:30, so a
 * day's consumption runs from 23:30 the evening before. Local days [from, to) of the site.
 */
export async function writeThreeADay(
  store: TelemetryStore,
  sim: SiteSimulation,
  window: { from: string; to: string },
): Promise<number> {
  let written = 0;
  let batch: Reading[] = [];
  for (const { y, m, d } of isoDays(window.from, window.to)) {
    const midnight = localMidnight(y, m, d, sim.zone);
    for (const hours of [6, 15, 23.5]) {
      for (const r of sim.readingsAt(midnight + hours * HOUR)) {
        if (r.quantity !== "outdoor_temperature" || hours !== 23.5) batch.push(r);
      }
    }
    if (batch.length >= 20_000) {
      written += (await store.write(batch)).written;
      batch = [];
    }
  }
  written += (await store.write(batch)).written;
  return written;
}

/** Every reading on a step grid (15 minutes by default), written in batches. */
export async function writeSteps(
  store: TelemetryStore,
  sim: SiteSimulation,
  range: { from: number; to: number; stepMs?: number },
  batchSize = 50_000,
): Promise<number> {
  let written = 0;
  let batch: Reading[] = [];
  for (const readings of generateReadingBatches({
    site: sim.site,
    seed: sim.seed,
    simulation: sim,
    ...range,
  })) {
    for (const r of readings) batch.push(r);
    if (batch.length >= batchSize) {
      written += (await store.write(batch)).written;
      batch = [];
    }
  }
  written += (await store.write(batch)).written;
  return written;
}
