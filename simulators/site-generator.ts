// Generates a plausible French social-housing site from a seed: residences with names and
// addresses around Lyon, dwellings from T1 to T5 on floors, the standard sensors of each space
// and the default tariffs. Sensor ids are short and stable (see SENSOR_IDS).
import { COMMON_SPACE } from "../model/ids.ts";
import { type Site, type SiteInput, siteSchema } from "../model/site.ts";
import { createRng, type Rng } from "./random.ts";

/** Sensor ids the generator gives every dwelling and the common areas of every building. */
export const SENSOR_IDS = {
  dwelling: {
    heat: "heating_energy",
    hw: "hot_water",
    cw: "cold_water",
    elec: "electricity",
    temp: "temperature",
    rh: "humidity",
    co2: "co2",
  },
  common: {
    outdoor: "outdoor_temperature",
    "elec-common": "electricity",
    "heat-boiler": "heating_energy",
  },
} as const;

/** Default tariffs (TTC), from the figures in the charge-guard notes. */
export const DEFAULT_TARIFFS: SiteInput["tariffs"] = [
  {
    quantity: "heating_energy",
    from: "2025-12-01",
    pricePerUnit: "0.1028",
    label: "Gaz, prix repère CRE chauffage",
  },
  {
    quantity: "electricity",
    from: "2025-02-01",
    pricePerUnit: "0.2016",
    label: "Électricité, tarif réglementé Base",
  },
  {
    quantity: "hot_water",
    from: "2022-01-01",
    pricePerUnit: "4.34",
    label: "Eau et assainissement (SISPEA)",
  },
  {
    quantity: "cold_water",
    from: "2022-01-01",
    pricePerUnit: "4.34",
    label: "Eau et assainissement (SISPEA)",
  },
];

const RESIDENCES = [
  "Les Tilleuls",
  "Les Glycines",
  "Le Clos des Acacias",
  "Les Marronniers",
  "La Roseraie",
  "Les Peupliers",
  "Le Parc de la Sauvegarde",
  "Les Charmilles",
  "Les Capucines",
  "Le Moulin à Vent",
  "Les Érables",
  "La Duchère",
  "Les Genêts",
  "Le Grand Large",
  "Les Platanes",
  "Les Lilas",
];
const STREETS = [
  "rue Jean Jaurès",
  "avenue Jean Mermoz",
  "rue Paul Bert",
  "boulevard des États-Unis",
  "rue Victor Hugo",
  "avenue Lacassagne",
  "rue Anatole France",
  "rue Marcel Cachin",
  "avenue Roger Salengro",
  "rue Louis Pasteur",
  "rue Pierre Sémard",
  "chemin des Roses",
];
const TOWNS = [
  "69008 Lyon",
  "69009 Lyon",
  "69100 Villeurbanne",
  "69200 Vénissieux",
  "69120 Vaulx-en-Velin",
  "69500 Bron",
  "69190 Saint-Fons",
  "69140 Rillieux-la-Pape",
];

/** French flat types: T1 to T5, with floor-area ranges and rooms. */
const TYPES = [
  { label: "T1", rooms: 1, min: 25, max: 34, weight: 1 },
  { label: "T2", rooms: 2, min: 38, max: 52, weight: 2.5 },
  { label: "T3", rooms: 3, min: 55, max: 70, weight: 3.5 },
  { label: "T4", rooms: 4, min: 72, max: 88, weight: 2 },
  { label: "T5", rooms: 5, min: 90, max: 110, weight: 0.8 },
] as const;

const TOTAL_WEIGHT = TYPES.reduce((s, t) => s + t.weight, 0);

/** A flat's type and floor area, as generateSite draws them for each dwelling (two draws):
 * also how the pilot study draws the population its dwellings are a sample of. */
export function drawFlat(rng: Rng): { type: (typeof TYPES)[number]; areaM2: number } {
  let r = rng.next() * TOTAL_WEIGHT;
  const type =
    TYPES.find((t) => {
      r -= t.weight;
      return r < 0;
    }) ?? TYPES[2];
  return { type, areaM2: Math.round(rng.uniform(type.min, type.max)) };
}

export interface GenerateSiteOptions {
  seed: number;
  buildings: number;
  dwellingsPerBuilding: number;
  siteId?: string;
  name?: string;
  /** Flats per landing; floors follow. */
  dwellingsPerFloor?: number;
  /** Give the common areas a heat meter on the boiler (default true). */
  boilerMeter?: boolean;
}

const dwellingSensors = () =>
  Object.entries(SENSOR_IDS.dwelling).map(([id, quantity]) => ({ id, quantity }) as const);

export function generateSite(options: GenerateSiteOptions): Site {
  const rng = createRng(options.seed ^ 0x5173);
  // Tall enough buildings for large requests, within the schema's 200 floors.
  const perFloor = Math.max(options.dwellingsPerFloor ?? 4, Math.ceil(options.dwellingsPerBuilding / 150));
  // A shuffled list of names, reused with a number past its end.
  const names = RESIDENCES.map((n) => ({ n, k: rng.next() }))
    .sort((a, b) => a.k - b.k)
    .map((x) => x.n);
  const buildings = Array.from({ length: options.buildings }, (_, b) => {
    const round = Math.floor(b / names.length);
    const residence = `Résidence ${names[b % names.length]}${round > 0 ? ` ${round + 1}` : ""}`;
    const dwellings = Array.from({ length: options.dwellingsPerBuilding }, (_, i) => {
      const floor = Math.floor(i / perFloor);
      const { type, areaM2 } = drawFlat(rng);
      const door = (i % perFloor) + 1;
      return {
        // Floor then door, as on French letterboxes: 203 is the third door on the second floor.
        id: perFloor < 100 ? String(floor * 100 + door).padStart(3, "0") : `${floor}-${door}`,
        label: `${type.label}, ${floor === 0 ? "rez-de-chaussée" : `${floor}e étage`}, porte ${door}`,
        floor,
        areaM2,
        rooms: type.rooms,
        sensors: dwellingSensors(),
      };
    });
    const commonSensors = Object.entries(SENSOR_IDS.common)
      .filter(([id]) => id !== "heat-boiler" || options.boilerMeter !== false)
      .map(([id, quantity]) => ({ id, quantity }) as const);
    return {
      id: `b${String(b + 1).padStart(2, "0")}`,
      name: residence,
      address: `${rng.int(1, 120)} ${rng.pick(STREETS)}, ${rng.pick(TOWNS)}`,
      constructionYear: rng.next() < 0.8 ? rng.int(1958, 1982) : rng.int(1983, 2015),
      heating: "collective" as const,
      dwellings,
      common: { sensors: commonSensors },
    };
  });
  return siteSchema.parse({
    id: options.siteId ?? `site-${options.seed}`,
    name: options.name ?? "Patrimoine simulé",
    tariffs: DEFAULT_TARIFFS,
    buildings,
  });
}

/** The space ids of a building: its dwellings and the common areas. */
export function spacesOf(site: Site, buildingId: string): string[] {
  const building = site.buildings.find((b) => b.id === buildingId);
  return building ? [...building.dwellings.map((d) => d.id), COMMON_SPACE] : [];
}
