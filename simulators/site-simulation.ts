// The simulated life of a whole site: every sensor's value at any instant, from the site,
// the scenario and the seed only. Meters are cumulative: the index at t is the fold of daily
// totals since the origin plus the share of the current day already consumed, so the value at
// an instant is the same whether it is asked live or in a backfill.
import { COMMON_SPACE } from "../model/ids.ts";
import type { Quantity } from "../model/quantities.ts";
import type { Reading } from "../model/reading.ts";
import type { Building, SensorSpec, Site } from "../model/site.ts";
import {
  dayNumberOf,
  dayNumberOfIso,
  dayStart,
  inHeatingSeason,
  localHour,
  seasonPhase,
} from "./calendar.ts";
import { DeviceEffects, resolveInstallations, type SpaceDevices } from "./devices.ts";
import {
  comfortAt,
  type DwellingParams,
  dailyConsumption,
  dwellingParams,
  hourlyWeights,
  METERED,
  type MeteredQuantity,
} from "./dwelling-model.ts";
import { SimulatorError } from "./errors.ts";
import { hashOf, hashString, normalAt, valueNoise } from "./random.ts";
import { EMPTY_SCENARIO, type MeterReplacement, type Outage, type Scenario } from "./scenario.ts";
import { type Climate, type DailyWeather, FORT_DE_FRANCE, LYON, Weather } from "./weather.ts";

/** Meters are installed on this local day; nothing is simulated before it. */
export const SIMULATION_ORIGIN = "2020-01-01";
const ORIGIN_DAY = dayNumberOfIso(SIMULATION_ORIGIN);
const LAST_DAY = dayNumberOfIso("2100-01-01");
const HOUR = 3_600_000;
/** Heat to warm a cubic metre of domestic hot water from 12 to 57 °C, with loop losses. */
const DHW_KWH_PER_M3 = 58;
/** Boiler and distribution losses between the plant's meter and the dwellings' meters. */
const PLANT_LOSSES = 1.12;

export interface SimulationOptions {
  site: Site;
  scenario?: Scenario;
  seed: number;
  /** The weather; default Lyon's, or Fort-de-France's for a tropical site. */
  climate?: Climate;
}

interface DwellingSim {
  id: string;
  params: DwellingParams;
  sensors: readonly SensorSpec[];
  devices: SpaceDevices;
}

interface BuildingSim {
  building: Building;
  key: number;
  dwellings: DwellingSim[];
  commonDevices: SpaceDevices;
}

/** One space's day: what each meter consumes and how it spreads over the hours. */
interface SpaceDay {
  day: number;
  start: number;
  totals: Record<MeteredQuantity, number>;
  /** Per quantity: amounts per hour of the day (not normalised) and their prefix sums. */
  hourly: Record<MeteredQuantity, Float64Array>;
  cumulative: Record<MeteredQuantity, Float64Array>;
  base: Record<MeteredQuantity, number>;
}

interface Fold {
  day: number;
  base: Record<MeteredQuantity, number>;
}

const zeroes = (): Record<MeteredQuantity, number> => ({
  heating_energy: 0,
  hot_water: 0,
  cold_water: 0,
  electricity: 0,
});

const round = (v: number, decimals: number): number => {
  const f = 10 ** decimals;
  return Math.round(v * f) / f;
};

export class SiteSimulation {
  readonly site: Site;
  readonly seed: number;
  /** The site's time zone: days are its local days. */
  readonly zone: string;
  readonly weather: Weather;
  readonly devices: DeviceEffects;
  readonly #buildings: BuildingSim[];
  readonly #days = new Map<string, SpaceDay>();
  readonly #folds = new Map<string, Fold>();
  readonly #hours = new Map<number, { hours: number[]; outdoor: number[] }>();
  readonly #replacements = new Map<string, (MeterReplacement & { t: number; rawAt?: number })[]>();
  readonly #outages: (Outage & { fromT: number; toT: number })[];

  constructor(options: SimulationOptions) {
    const scenario = options.scenario ?? EMPTY_SCENARIO;
    this.site = options.site;
    this.seed = options.seed;
    this.zone = options.site.timezone;
    const tropical = options.site.climate === "tropical";
    this.weather = new Weather(
      options.seed,
      options.climate ?? (tropical ? FORT_DE_FRANCE : LYON),
      this.zone,
    );
    this.devices = new DeviceEffects(resolveInstallations(options.site, scenario.devices, options.seed));
    this.#buildings = options.site.buildings.map((building) => {
      const params = buildingDwellingParams(options.seed, building, options.site.climate);
      return {
        building,
        key: hashOf(options.seed, hashString(building.id)),
        dwellings: building.dwellings.map((d) => ({
          id: d.id,
          sensors: d.sensors,
          params: params.get(d.id)!,
          devices: this.devices.of(building.id, d.id),
        })),
        commonDevices: this.devices.of(building.id, COMMON_SPACE),
      };
    });
    for (const r of scenario.meterReplacements) {
      const k = `${r.building}\u0000${r.space}\u0000${r.sensor}`;
      const list = [...(this.#replacements.get(k) ?? []), { ...r, t: Date.parse(r.at) }];
      this.#replacements.set(
        k,
        list.sort((a, b) => a.t - b.t),
      );
    }
    this.#outages = scenario.outages.map((o) => ({ ...o, fromT: Date.parse(o.from), toT: Date.parse(o.to) }));
  }

  /** Every sensor of the site at instant t, in site order; silent sensors are left out. */
  readingsAt(t: number): Reading[] {
    const day = this.#checkedDay(t);
    const out: Reading[] = [];
    for (const b of this.#buildings) {
      for (const d of b.dwellings) {
        for (const sensor of d.sensors) this.#push(out, b, d.id, sensor, t, day, d);
      }
      for (const sensor of b.building.common.sensors)
        this.#push(out, b, COMMON_SPACE, sensor, t, day, undefined);
    }
    return out;
  }

  /** Consumption of a space's metered quantity on a local day, devices included: what the
   * meter's index grows by between that local midnight and the next. */
  dailyTotal(building: string, space: string, quantity: MeteredQuantity, day: number): number {
    const b = this.#building(building);
    return this.#dailyTotals(b, space, day)[quantity];
  }

  /** Index of a meter of a space at instant t, before any scheduled replacement. */
  rawIndex(building: string, space: string, quantity: MeteredQuantity, t: number): number {
    const b = this.#building(building);
    const day = this.#checkedDay(t);
    const sd = this.#spaceDay(b, space, day);
    return sd.base[quantity] + this.#dayFraction(sd, quantity, t) * sd.totals[quantity];
  }

  #building(id: string): BuildingSim {
    const b = this.#buildings.find((x) => x.building.id === id);
    if (!b)
      throw new SimulatorError("SCENARIO_UNKNOWN_TARGET", `building ${id} is not in the simulated site`);
    return b;
  }

  #checkedDay(t: number): number {
    const day = dayNumberOf(t, this.zone);
    if (!(day >= ORIGIN_DAY && day < LAST_DAY)) {
      throw new SimulatorError(
        "TIME_OUT_OF_RANGE",
        `${new Date(t).toISOString()} is outside the simulated period: from ${SIMULATION_ORIGIN} (meters installed) to 2100`,
      );
    }
    return day;
  }

  #push(
    out: Reading[],
    b: BuildingSim,
    space: string,
    sensor: SensorSpec,
    t: number,
    day: number,
    dwelling: DwellingSim | undefined,
  ): void {
    const building = b.building.id;
    if (this.#silent(building, space, sensor.id, t)) return;
    const v = this.#value(b, space, sensor, t, day, dwelling);
    out.push({ building, space, sensor: sensor.id, quantity: sensor.quantity, t, v });
  }

  #silent(building: string, space: string, sensor: string, t: number): boolean {
    for (const o of this.#outages) {
      if (o.building !== building || t < o.fromT || t >= o.toT) continue;
      if ((o.space === undefined || o.space === space) && (o.sensor === undefined || o.sensor === sensor))
        return true;
    }
    return false;
  }

  #value(
    b: BuildingSim,
    space: string,
    sensor: SensorSpec,
    t: number,
    day: number,
    dwelling: DwellingSim | undefined,
  ): number {
    const q: Quantity = sensor.quantity;
    const noiseKey = hashOf(b.key, hashString(space), hashString(sensor.id));
    const noise = (k: number) => valueNoise(noiseKey + k, t / 1_800_000, 1);
    switch (q) {
      case "heating_energy":
      case "hot_water":
      case "cold_water":
      case "electricity": {
        const sd = this.#spaceDay(b, space, day);
        const raw = sd.base[q] + this.#dayFraction(sd, q, t) * sd.totals[q];
        return round(this.#replaced(b, space, sensor.id, q, t, raw), 3);
      }
      case "power": {
        const sd = this.#spaceDay(b, space, day);
        const i = Math.min(sd.hourly.electricity.length - 1, Math.floor((t - sd.start) / HOUR));
        const kwh = sd.hourly.electricity[i]!;
        const sum = sd.cumulative.electricity[sd.cumulative.electricity.length - 1]!;
        const w = sum > 0 ? (kwh / sum) * sd.totals.electricity * 1000 : 0;
        return round(Math.max(0, w * (1 + 0.1 * noise(4))), 1);
      }
      case "outdoor_temperature":
        return round(this.weather.temperatureAt(t) + 0.2 * noise(0), 1);
      case "temperature":
      case "humidity":
      case "co2": {
        const w = this.weather.daily(day);
        const c = dwelling
          ? comfortAt(dwelling.params, day, localHour(t, this.zone), w, this.weather.temperatureAt(t), noise)
          : commonComfort(day, w, this.weather.temperatureAt(t), noise, this.site.climate === "tropical");
        if (q === "temperature") return round(c.temperature, 1);
        if (q === "humidity") return round(c.humidity, 1);
        return Math.round(c.co2);
      }
    }
  }

  #replaced(
    b: BuildingSim,
    space: string,
    sensor: string,
    q: MeteredQuantity,
    t: number,
    raw: number,
  ): number {
    const list = this.#replacements.get(`${b.building.id}\u0000${space}\u0000${sensor}`);
    if (!list) return raw;
    let last: (typeof list)[number] | undefined;
    for (const r of list) if (r.t <= t) last = r;
    if (!last) return raw;
    last.rawAt ??= this.rawIndex(b.building.id, space, q, last.t);
    return last.newIndex + Math.max(0, raw - last.rawAt);
  }

  #dayFraction(sd: SpaceDay, q: MeteredQuantity, t: number): number {
    const hourly = sd.hourly[q];
    const cum = sd.cumulative[q];
    const sum = cum[hourly.length]!;
    if (sum <= 0) return 0;
    const elapsed = (t - sd.start) / HOUR;
    const i = Math.min(hourly.length - 1, Math.floor(elapsed));
    return Math.min(1, (cum[i]! + (elapsed - i) * hourly[i]!) / sum);
  }

  /** Local clock hours and outdoor temperatures of a day's hours (shared by all spaces). */
  #dayHours(day: number): { hours: number[]; outdoor: number[]; start: number } {
    const start = dayStart(day, this.zone);
    let h = this.#hours.get(day);
    if (!h) {
      const n = Math.round((dayStart(day + 1, this.zone) - start) / HOUR);
      const hours: number[] = [];
      const outdoor: number[] = [];
      for (let i = 0; i < n; i++) {
        const t = start + i * HOUR;
        hours.push(Math.floor(localHour(t, this.zone)) % 24);
        outdoor.push(this.weather.temperatureAt(t + HOUR / 2));
      }
      h = { hours, outdoor };
      if (this.#hours.size > 64) this.#hours.clear();
      this.#hours.set(day, h);
    }
    return { ...h, start };
  }

  #dwellingTotals(d: DwellingSim, day: number, w: DailyWeather): Record<MeteredQuantity, number> {
    const totals = zeroes();
    for (const q of METERED) totals[q] = dwellingDayTotal(d.params, d.devices, q, day, w);
    return totals;
  }

  #dailyTotals(b: BuildingSim, space: string, day: number): Record<MeteredQuantity, number> {
    const w = this.weather.daily(day);
    const id = b.building.id;
    if (space !== COMMON_SPACE) {
      const d = b.dwellings.find((x) => x.id === space);
      if (!d) throw new SimulatorError("SCENARIO_UNKNOWN_TARGET", `space ${space} is not in building ${id}`);
      return this.#dwellingTotals(d, day, w);
    }
    const totals = zeroes();
    for (const d of b.dwellings) {
      const dt = this.#dwellingTotals(d, day, w);
      totals.heating_energy += dt.heating_energy + dt.hot_water * DHW_KWH_PER_M3;
      totals.hot_water += dt.hot_water;
      totals.cold_water += dt.cold_water + dt.hot_water;
    }
    totals.heating_energy *= PLANT_LOSSES * b.commonDevices.factor("heating_energy", day);
    totals.cold_water += 0.05 * Math.max(0.2, 1 + 0.3 * normalAt(b.key, 7, day));
    totals.electricity =
      commonElectricity(b, day) * b.commonDevices.factor("electricity", day) +
      b.commonDevices.standbyKWh(day);
    return totals;
  }

  /** Index of every meter of a space at the local midnight starting `day`: the fold of the
   * daily totals since the origin, always in the same order so every path gives the same float. */
  #base(b: BuildingSim, space: string, day: number): Record<MeteredQuantity, number> {
    const key = `${b.building.id}\u0000${space}`;
    let fold = this.#folds.get(key);
    if (!fold || fold.day > day) {
      const d = b.dwellings.find((x) => x.id === space);
      const base = d ? { ...d.params.initialIndex } : commonInitialIndex(b);
      fold = { day: ORIGIN_DAY, base };
    }
    const base = { ...fold.base };
    for (let k = fold.day; k < day; k++) {
      const totals = this.#dailyTotals(b, space, k);
      for (const q of METERED) base[q] += totals[q];
    }
    this.#folds.set(key, { day, base });
    return base;
  }

  #spaceDay(b: BuildingSim, space: string, day: number): SpaceDay {
    const key = `${b.building.id}\u0000${space}\u0000${day}`;
    const hit = this.#days.get(key);
    if (hit) return hit;
    const { hours, outdoor, start } = this.#dayHours(day);
    const totals = this.#dailyTotals(b, space, day);
    const hourly = {} as Record<MeteredQuantity, Float64Array>;
    if (space === COMMON_SPACE) {
      const plant = new Float64Array(hours.length);
      const hw = new Float64Array(hours.length);
      const water = new Float64Array(hours.length).fill(1e-6);
      for (const d of b.dwellings) {
        const sd = this.#spaceDay(b, d.id, day);
        const share = (q: MeteredQuantity, i: number): number => {
          const sum = sd.cumulative[q][hours.length]!;
          return sum > 0 ? (sd.hourly[q][i]! / sum) * sd.totals[q] : 0;
        };
        for (let i = 0; i < hours.length; i++) {
          const hot = share("hot_water", i);
          plant[i]! += share("heating_energy", i) + hot * DHW_KWH_PER_M3;
          hw[i]! += hot;
          water[i]! += hot + share("cold_water", i);
        }
      }
      hourly.heating_energy = plant;
      hourly.hot_water = hw;
      // The general water meter follows the dwellings' draws (cleaning is negligible in shape).
      hourly.cold_water = water;
      hourly.electricity = Float64Array.from(commonElectricityShape(b, day, hours));
    } else {
      const d = b.dwellings.find((x) => x.id === space)!;
      for (const q of METERED) hourly[q] = Float64Array.from(hourlyWeights(d.params, q, day, hours, outdoor));
    }
    const cumulative = {} as Record<MeteredQuantity, Float64Array>;
    for (const q of METERED) {
      const cum = new Float64Array(hours.length + 1);
      for (let i = 0; i < hours.length; i++) cum[i + 1] = cum[i]! + hourly[q][i]!;
      cumulative[q] = cum;
    }
    const result: SpaceDay = { day, start, totals, hourly, cumulative, base: this.#base(b, space, day) };
    if (this.#days.size > 4_096) this.#days.clear();
    this.#days.set(key, result);
    return result;
  }
}

/** A dwelling meter's consumption on a day with the devices of the scenario: their effect on
 * the quantity and, for electricity, their standby draw. The one formula the 15-minute series
 * and the daily pilot study share. */
export function dwellingDayTotal(
  params: DwellingParams,
  devices: SpaceDevices,
  q: MeteredQuantity,
  day: number,
  w: DailyWeather,
): number {
  const v = dailyConsumption(params, q, day, w) * devices.factor(q, day);
  return q === "electricity" ? v + devices.standbyKWh(day) : v;
}

/** The parameters of every dwelling of a building, as the simulation draws them. */
export function buildingDwellingParams(
  seed: number,
  building: Building,
  climate: Site["climate"] = "temperate",
): Map<string, DwellingParams> {
  const floors = Math.max(1, ...building.dwellings.map((d) => (d.floor ?? 0) + 1));
  return new Map(
    building.dwellings.map((d) => [
      d.id,
      dwellingParams(
        seed,
        {
          buildingId: building.id,
          dwellingId: d.id,
          areaM2: d.areaM2,
          floor: d.floor,
          floors,
          constructionYear: building.constructionYear,
        },
        climate,
      ),
    ]),
  );
}

function commonInitialIndex(b: BuildingSim): Record<MeteredQuantity, number> {
  const n = b.dwellings.length;
  return {
    heating_energy: Math.round(n * 40_000 * (0.5 + (b.key % 1000) / 1000)),
    hot_water: Math.round(n * 200),
    cold_water: Math.round(n * 600),
    electricity: Math.round(n * 2_000),
  };
}

/** Length of daylight in Lyon, hours: 8.6 at the winter solstice, 15.7 at the summer one. */
function daylightHours(day: number): number {
  return 12.15 - 3.55 * Math.cos(seasonPhase(day) - 0.42);
}

/** Common areas: ventilation, door entry and lift standby all day; lighting after dark on
 * timers. kWh/day before devices. */
function commonElectricity(b: BuildingSim, day: number): number {
  const n = b.dwellings.length;
  const baseW = 60 + 12 * n;
  const lightW = 30 + 8 * n;
  const dark = 24 - daylightHours(day);
  return ((baseW * 24 + lightW * dark * 0.45) / 1000) * Math.max(0.5, 1 + 0.05 * normalAt(b.key, 8, day));
}

function commonElectricityShape(b: BuildingSim, day: number, hours: readonly number[]): number[] {
  const n = b.dwellings.length;
  const baseW = 60 + 12 * n;
  const lightW = 30 + 8 * n;
  const half = daylightHours(day) / 2;
  const noon = 13 - 0.5 * Math.cos(seasonPhase(day));
  return hours.map((h) => {
    const mid = h + 0.5;
    const dark = mid < noon - half || mid > noon + half;
    const duty = mid >= 23 || mid < 6 ? 0.15 : 0.6;
    return baseW + (dark ? lightW * duty : 0);
  });
}

/** Stairwells and halls: unheated or lightly heated, between indoors and outdoors. */
function commonComfort(
  day: number,
  w: DailyWeather,
  outdoorNow: number,
  noise: (k: number) => number,
  tropical: boolean,
): { temperature: number; humidity: number; co2: number } {
  const indoor = !tropical && inHeatingSeason(day) ? 17 : 21;
  const temperature = 0.65 * indoor + 0.35 * (0.7 * w.tmean + 0.3 * outdoorNow) + 0.4 * noise(1);
  const humidity = Math.min(90, Math.max(20, 55 - 8 * Math.cos(seasonPhase(day)) + 4 * noise(2)));
  return { temperature, humidity, co2: Math.max(380, 440 + 25 * noise(3)) };
}
