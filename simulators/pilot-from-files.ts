// The "pilot from files" example (examples/pilot-from-files/): one residence of 48 flats with
// collective heating and a heat meter per flat, where connected thermostatic heads were fitted
// in 24 flats drawn by lot in January 2026. Everything the guard needs arrives as files: the
// site, a year of daily heat-meter indexes as the reading contractor delivers them, and
// Météo-France's daily file for the department. The simulator knows the device's TRUE effect.

import { gzipSync } from "node:zlib";
import { Document, isMap, isScalar, isSeq, visit } from "yaml";
import { COMMON_SPACE } from "../model/ids.ts";
import { type Proposal, type ProposalInput, proposalSchema } from "../model/proposal.ts";
import type { Reading } from "../model/reading.ts";
import { type Site, siteSchema } from "../model/site.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import { dayNumberOfIso, isoOfDay } from "./calendar.ts";
import { dailyConsumption } from "./dwelling-model.ts";
import {
  columnInstant,
  type MeteoStation,
  meteoDailyFileName,
  wideMeterTable,
  writeMeteoDaily,
  writeToBuffer,
  writeWideMeterCsv,
} from "./history-files.ts";
import { createRng, hashOf, hashString, uniformAt } from "./random.ts";
import { type Scenario, type ScenarioInput, scenarioSchema } from "./scenario.ts";
import { DEFAULT_TARIFFS, generateSite } from "./site-generator.ts";
import { buildingDwellingParams, SiteSimulation } from "./site-simulation.ts";
import { LYON, shiftedClimate, Weather } from "./weather.ts";

export const PILOT_FILES = {
  seed: 2026,
  building: "marronniers",
  dwellings: 48,
  perFloor: 6,
  /** The pilot year the guard reads: local days [from, to). */
  window: { from: "2025-07-01", to: "2026-07-01" },
  /** Fitting days, by floors: 0-2, 3-5, 6-7. */
  installDates: ["2026-01-12", "2026-01-13", "2026-01-14"],
  /** The TRUE effect of the heads on a flat's heating (−4 %), and their gateway's draw. */
  trueEffect: -0.04,
  standbyW: 2,
  vendorClaim: 0.15,
  station: { numPoste: "69029001", name: "LYON-BRON", lat: 45.721333, lon: 4.949167, alti: 197 },
  department: "69",
  weatherPeriod: "latest-2025-2026",
  /** The daily file covers what Météo-France's "latest" file does: from a January to last month. */
  weatherFrom: "2025-01-01",
  validatedUntil: "2026-06-01",
} as const;

export const PILOT_FILE_NAMES = {
  site: "site.yaml",
  scenario: "scenario.yaml",
  proposal: "proposal.yaml",
  meters: "releves-chauffage-2025-2026.csv",
  weather: `${meteoDailyFileName(PILOT_FILES.department, PILOT_FILES.weatherPeriod)}.gz`,
} as const;

const ADDRESS = "27 avenue Roger Salengro, 69100 Villeurbanne";

/** The residence: the generator's flats (seed 2026), a heat meter with its number in each. */
export function pilotFilesSite(): Site {
  const generated = generateSite({
    seed: PILOT_FILES.seed,
    buildings: 1,
    dwellingsPerBuilding: PILOT_FILES.dwellings,
    dwellingsPerFloor: PILOT_FILES.perFloor,
    boilerMeter: false,
  });
  const rng = createRng(PILOT_FILES.seed ^ 0x3e7e5);
  const serials = new Set<number>();
  const building = generated.buildings[0]!;
  return siteSchema.parse({
    id: "marronniers-pilot",
    name: "Résidence Les Marronniers (pilote sur fichiers)",
    timezone: "Europe/Paris",
    tariffs: (DEFAULT_TARIFFS ?? []).map((t) => ({ ...t, from: "2024-01-01" })),
    buildings: [
      {
        id: PILOT_FILES.building,
        name: "Résidence Les Marronniers",
        address: ADDRESS,
        constructionYear: 1972,
        heating: "collective",
        weather: { station: PILOT_FILES.station.numPoste },
        dwellings: building.dwellings.map((d) => {
          let serial: number;
          do serial = rng.int(10_000, 99_999);
          while (serials.has(serial));
          serials.add(serial);
          return {
            ...d,
            sensors: [{ id: "heat", quantity: "heating_energy", meter: `HC-2019-0${serial}` }],
          };
        }),
        common: { sensors: [{ id: "outdoor", quantity: "outdoor_temperature" }] },
      },
    ],
  });
}

export interface PilotGroups {
  treated: { dwelling: string; installDate: string }[];
  control: string[];
}

/** Half the flats drawn by lot (the seed), fitted floor by floor over three days. */
export function pilotFilesGroups(site: Site): PilotGroups {
  const dwellings = site.buildings[0]!.dwellings;
  const key = hashOf(PILOT_FILES.seed, 0x107);
  const drawn = new Set(
    [...dwellings]
      .sort((a, b) => uniformAt(key, hashString(a.id)) - uniformAt(key, hashString(b.id)))
      .slice(0, dwellings.length / 2)
      .map((d) => d.id),
  );
  const dateOf = (floor: number) => PILOT_FILES.installDates[floor < 3 ? 0 : floor < 6 ? 1 : 2];
  return {
    treated: dwellings
      .filter((d) => drawn.has(d.id))
      .map((d) => ({ dwelling: d.id, installDate: dateOf(d.floor ?? 0) })),
    control: dwellings.filter((d) => !drawn.has(d.id)).map((d) => d.id),
  };
}

export function pilotFilesScenario(groups: PilotGroups): Scenario {
  const input: ScenarioInput = {
    name: "Têtes thermostatiques connectées, résidence Les Marronniers",
    devices: PILOT_FILES.installDates.map((date, i) => ({
      id: `tetes-connectees-${i + 1}`,
      label: "Têtes thermostatiques connectées",
      building: PILOT_FILES.building,
      spaces: groups.treated.filter((t) => t.installDate === date).map((t) => t.dwelling),
      installedOn: date,
      effect: { quantity: "heating_energy", fraction: PILOT_FILES.trueEffect },
      standbyW: PILOT_FILES.standbyW,
    })),
  };
  return scenarioSchema.parse(input);
}

export function pilotFilesProposal(groups: PilotGroups): Proposal {
  const input: ProposalInput = {
    id: "tetes-connectees-marronniers",
    title: "Têtes thermostatiques connectées, résidence Les Marronniers",
    device: {
      id: "connected-thermostatic-head",
      name: { fr: "Têtes thermostatiques connectées", en: "Connected thermostatic radiator heads" },
      category: "heating_regulation",
      claims: [{ quantity: "heating_energy", meter: "dwelling", vendorClaim: PILOT_FILES.vendorClaim }],
      lifetimeYears: 10,
    },
    buildings: [PILOT_FILES.building],
    households: PILOT_FILES.dwellings,
    pilot: { design: "controlled", treated: groups.treated, control: groups.control },
    costLines: [
      {
        kind: "capex",
        label: "4 têtes à 65 € et une passerelle",
        eurosPerDwelling: "290",
        payer: "landlord",
      },
      { kind: "installation", label: "Pose et appairage", eurosPerDwelling: "60", payer: "landlord" },
      {
        kind: "subscription",
        label: "Abonnement à la plateforme de pilotage (4 € par mois)",
        eurosPerDwellingPerYear: "48",
        payer: "tenant_charges",
        heading: "II",
      },
      {
        kind: "own_energy",
        label: "Passerelle radio sur le compteur du logement",
        wattsPerDwelling: PILOT_FILES.standbyW,
        meter: "dwelling",
        payer: "tenant_bill",
      },
    ],
  };
  return proposalSchema.parse(input);
}

/** The building's station and two others of the department, whose rows an importer must skip. */
export function pilotFilesStations(sim: SiteSimulation): MeteoStation[] {
  const zone = sim.zone;
  return [
    { ...PILOT_FILES.station, weather: sim.weather },
    {
      numPoste: "69299001",
      name: "LYON-ST EXUPERY",
      lat: 45.7265,
      lon: 5.077833,
      alti: 235,
      weather: new Weather(PILOT_FILES.seed + 1, shiftedClimate(LYON, -0.6), zone),
    },
    {
      numPoste: "69255001",
      name: "VAUGNERAY",
      lat: 45.734167,
      lon: 4.651667,
      alti: 420,
      weather: new Weather(PILOT_FILES.seed + 2, shiftedClimate(LYON, -1.6), zone),
    },
  ];
}

export interface PilotFiles {
  site: Site;
  groups: PilotGroups;
  scenario: Scenario;
  proposal: Proposal;
  /** File name → its bytes, as committed under examples/pilot-from-files/ (README aside). */
  files: Map<string, Buffer>;
  /** The weather file before gzip (its gzip bytes depend on the zlib build). */
  weatherCsv: Buffer;
}

/** Keys whose values, or whose items, read best on one line each (as examples/site-pilot.yaml). */
const FLOW_VALUES = new Set(["sensors", "spaces", "control", "weather", "effect", "name", "common"]);
const FLOW_ITEMS = new Set(["dwellings", "treated", "tariffs", "costLines"]);

function yamlFile(comment: string, value: unknown): Buffer {
  const doc = new Document(value);
  visit(doc, {
    Pair(_, pair) {
      if (!isScalar(pair.key)) return;
      const key = String(pair.key.value);
      if (FLOW_VALUES.has(key) && (isMap(pair.value) || isSeq(pair.value))) pair.value.flow = true;
      if (FLOW_ITEMS.has(key) && isSeq(pair.value)) {
        for (const item of pair.value.items) if (isMap(item)) item.flow = true;
      }
    },
  });
  const lines = comment
    .trim()
    .split("\n")
    .map((l) => `# ${l}`.trimEnd());
  return Buffer.from(`${lines.join("\n")}\n${doc.toString({ lineWidth: 0 })}`, "utf8");
}

/** Every file of the example, deterministically from PILOT_FILES. */
export async function makePilotFiles(): Promise<PilotFiles> {
  const site = pilotFilesSite();
  const groups = pilotFilesGroups(site);
  const scenario = pilotFilesScenario(groups);
  const proposal = pilotFilesProposal(groups);
  const sim = new SiteSimulation({ site, scenario, seed: PILOT_FILES.seed });
  const files = new Map<string, Buffer>();

  files.set(
    PILOT_FILE_NAMES.site,
    yamlFile(
      `The residence of the "pilot from files" example: 48 flats, one heat meter each (its number in
meter:), the outdoor sensor fed by Météo-France station ${PILOT_FILES.station.numPoste} (${PILOT_FILES.station.name}).
Generated by scripts/make-pilot-from-files.ts (npm run example:pilot-from-files); do not edit.`,
      siteFileShape(site),
    ),
  );
  files.set(
    PILOT_FILE_NAMES.scenario,
    yamlFile(
      `What was simulated (the TRUE effect the verdict can be checked against): the heads cut a
flat's heating by ${-PILOT_FILES.trueEffect * 100} % from the day they are fitted; their gateway draws ${PILOT_FILES.standbyW} W.
Schema: simulators/scenario.ts. Generated by scripts/make-pilot-from-files.ts; do not edit.`,
      { name: scenario.name, devices: scenario.devices.map(({ poweredBy: _p, ...d }) => d) },
    ),
  );
  files.set(
    PILOT_FILE_NAMES.proposal,
    yamlFile(
      `Connected thermostatic heads (four per flat and a radio gateway), piloted with a control
group drawn by lot: 24 flats fitted on 12-14 January 2026, 24 controls. The vendor claims 15 %
less heating. The landlord pays the heads and their fitting; tenants would pay the platform's
subscription through charges (heading II: collective heating) and the gateway's draw on their
own electricity bill. Schema: model/proposal.ts. Generated by scripts/make-pilot-from-files.ts.`,
      proposalFileShape(proposal),
    ),
  );

  // The heat-meter reading contractor's delivery: one row per meter, one column per day, the
  // index at the end of the day, as Excel on Windows saves a French CSV.
  const first = isoOfDay(dayNumberOfIso(PILOT_FILES.window.from) - 1);
  const table = wideMeterTable(sim, {
    from: first,
    to: PILOT_FILES.window.to,
    quantities: ["heating_energy"],
    missingShare: 0.01,
    decimals: 1,
  });
  const labels = new Map(site.buildings[0]!.dwellings.map((d) => [d.id, d.label ?? d.id]));
  for (const row of table.rows) row.extra = { Emplacement: `Bât. unique, ${labels.get(row.space)}` };
  files.set(
    PILOT_FILE_NAMES.meters,
    await writeToBuffer((out) =>
      writeWideMeterCsv(out, table, {
        delimiter: ";",
        decimalComma: true,
        encoding: "windows-1252",
        eol: "\r\n",
        identify: "meter",
        header: "french",
        dates: "fr",
        decimals: 1,
        units: "catalogue",
      }),
    ),
  );

  const weatherCsv = await writeToBuffer((out) =>
    writeMeteoDaily(out, pilotFilesStations(sim), {
      from: PILOT_FILES.weatherFrom,
      to: PILOT_FILES.window.to,
      validatedUntil: PILOT_FILES.validatedUntil,
      doubtfulShare: 0.01,
      missingShare: 0.005,
      clean: [PILOT_FILES.station.numPoste],
      seed: PILOT_FILES.seed,
    }),
  );
  files.set(PILOT_FILE_NAMES.weather, gzipSync(weatherCsv, { level: 9 }));
  return { site, groups, scenario, proposal, files, weatherCsv };
}

/** The site as a file holds it: no defaults spelled out, units left to the catalogue. */
function siteFileShape(site: Site): unknown {
  return {
    id: site.id,
    name: site.name,
    timezone: site.timezone,
    tariffs: site.tariffs,
    buildings: site.buildings.map((b) => ({
      id: b.id,
      name: b.name,
      address: b.address,
      constructionYear: b.constructionYear,
      heating: b.heating,
      weather: b.weather,
      dwellings: b.dwellings.map((d) => ({
        ...d,
        sensors: d.sensors.map(({ unit: _u, ...s }) => s),
      })),
      common: { sensors: b.common.sensors.map(({ unit: _u, ...s }) => s) },
    })),
  };
}

function proposalFileShape(p: Proposal): unknown {
  const { qualifyingWorks: _q, ...rest } = p;
  return rest;
}

// ---------------------------------------------------------------------------------------------
// What an importer makes of the files: the readings, read back from the bytes themselves

/** Windows-1252 bytes as text (only Latin-1 characters are written in the example). */
function decodeLatin(bytes: Buffer): string {
  return bytes.toString("latin1");
}

/**
 * The readings `charge-guard import` is specified (imports/FORMATS.md) to make of the example's
 * meter and weather files, for this example only: each wide cell an index at 23:59:59 local on
 * its date; the building's station's TN at 06:00 and TX at 15:00 local on its outdoor sensor.
 * It checks the files carry the verdict; it is not the importer.
 */
export function readingsOfPilotFiles(site: Site, meterCsv: Buffer, weatherCsv: Buffer): Reading[] {
  const zone = site.timezone;
  const building = site.buildings[0]!;
  const byMeter = new Map<string, { space: string; sensor: string }>();
  for (const d of building.dwellings) {
    for (const s of d.sensors) if (s.meter) byMeter.set(s.meter, { space: d.id, sensor: s.id });
  }
  const readings: Reading[] = [];
  const [header, ...rows] = decodeLatin(meterCsv).split("\r\n").filter(Boolean);
  const columns = header!.split(";");
  const firstDate = columns.findIndex((c) => /^\d{2}\/\d{2}\/\d{4}$/.test(c));
  const instants = columns.slice(firstDate).map((c) => {
    const day = dayNumberOfIso(`${c.slice(6, 10)}-${c.slice(3, 5)}-${c.slice(0, 2)}`);
    return columnInstant({ day }, zone);
  });
  for (const row of rows) {
    const cells = row.split(";");
    const meter = byMeter.get(cells[0]!);
    if (!meter) throw new Error(`meter ${cells[0]} is not in the site`);
    cells.slice(firstDate).forEach((cell, i) => {
      if (cell === "") return;
      readings.push({
        building: building.id,
        ...meter,
        quantity: "heating_energy",
        t: instants[i]!,
        v: Number(cell.replace(",", ".")),
      });
    });
  }
  const [weatherHeader, ...days] = weatherCsv.toString("utf8").split("\n").filter(Boolean);
  const at = (name: string) => weatherHeader!.split(";").indexOf(name);
  const [poste, date, tn, qtn, tx, qtx] = ["NUM_POSTE", "AAAAMMJJ", "TN", "QTN", "TX", "QTX"].map(at);
  const taken = new Set(["0", "1", "9"]);
  for (const line of days) {
    const c = line.split(";");
    if (c[poste!] !== building.weather?.station) continue;
    const d = c[date!]!;
    const day = dayNumberOfIso(`${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`);
    for (const [value, quality, time] of [
      [tn!, qtn!, "06:00"],
      [tx!, qtx!, "15:00"],
    ] as const) {
      if (c[value] === "" || !taken.has(c[quality]!)) continue;
      readings.push({
        building: building.id,
        space: COMMON_SPACE,
        sensor: "outdoor",
        quantity: "outdoor_temperature",
        t: columnInstant({ day, time }, zone),
        v: Number(c[value]),
      });
    }
  }
  return readings;
}

/** The truth: what the heads save a treated flat over the pilot's months after fitting, and a
 * treated flat's heating over the pilot year without them, kWh (under the simulated weather). */
export function pilotFilesTruth(
  site: Site,
  groups: PilotGroups,
): {
  savedAfterFittingKWh: number;
  yearWithoutDeviceKWh: number;
} {
  const building = site.buildings[0]!;
  const params = buildingDwellingParams(PILOT_FILES.seed, building);
  const weather = new Weather(PILOT_FILES.seed, LYON, site.timezone);
  const from = dayNumberOfIso(PILOT_FILES.window.from);
  const to = dayNumberOfIso(PILOT_FILES.window.to);
  let saved = 0;
  let year = 0;
  for (const t of groups.treated) {
    const p = params.get(t.dwelling)!;
    const fitted = dayNumberOfIso(t.installDate);
    for (let day = from; day < to; day++) {
      const use = dailyConsumption(p, "heating_energy", day, weather.daily(day));
      year += use;
      if (day >= fitted) saved += -PILOT_FILES.trueEffect * use;
    }
  }
  const n = groups.treated.length;
  return { savedAfterFittingKWh: saved / n, yearWithoutDeviceKWh: year / n };
}

/** The readings of the example's files (readingsOfPilotFiles), written into a telemetry store. */
export async function storePilotFiles(store: TelemetryStore, made: PilotFiles): Promise<number> {
  const readings = readingsOfPilotFiles(made.site, made.files.get(PILOT_FILE_NAMES.meters)!, made.weatherCsv);
  for (let i = 0; i < readings.length; i += 5_000) {
    const result = await store.write(readings.slice(i, i + 5_000));
    if (result.rejected.length > 0) {
      throw new Error(`the store refused ${result.rejected.length} readings: ${result.rejected[0]!.reason}`);
    }
  }
  return readings.length;
}
