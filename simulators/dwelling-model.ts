// One dwelling's physics and habits: parameters drawn once from the seed, then for each local
// day the consumption of each metered quantity (a daily total) and how it spreads over the
// day's hours, and the indoor comfort values at an instant. Daily totals are the source of
// truth: the 15-minute series distributes them, the pilot study sums them directly.
import { METERED_QUANTITIES, type MeteredQuantity } from "../model/quantities.ts";
import { inHeatingSeason, isWeekend, julyFirst, monthDayCode, seasonPhase, yearOf } from "./calendar.ts";
import { createRng, hashOf, hashString, normalAt, uniformAt } from "./random.ts";
import { type DailyWeather, degreeDaysCostic } from "./weather.ts";

export type { MeteredQuantity };
/** In the catalogue's order, which the daily draws follow. */
export const METERED: readonly MeteredQuantity[] = METERED_QUANTITIES;

export interface DwellingParams {
  /** Hash key of (seed, building, dwelling) for every later draw. */
  key: number;
  areaM2: number;
  occupants: number;
  /** Heat loss coefficient H, W/K: envelope and ventilation. */
  heatLossWPerK: number;
  /** Thermostat habit, °C (18-22). */
  setpointC: number;
  /** Night setback, °C (0 for those who never lower it). */
  setbackC: number;
  /** Outdoor temperature under which the dwelling needs heat, °C. */
  balancePointC: number;
  /** Mean draws on a weekday, m3/day. */
  hotWaterM3PerDay: number;
  coldWaterM3PerDay: number;
  /** Always-on appliances (fridge, boxes, standby), W. */
  baseloadW: number;
  /** Electricity of cooking, washing, lighting and screens on a mean day, kWh. */
  activityKWhPerDay: number;
  /** Whether everybody leaves on weekdays (work, school) or someone stays home. */
  presence: "away_weekdays" | "home_daytime";
  /** Air changes per hour, for CO2. */
  airChangesPerHour: number;
  /** Index shown by each meter on the simulation origin. */
  initialIndex: Record<MeteredQuantity, number>;
  /** A tropical site: no heating season. */
  tropical: boolean;
  /** Air conditioning (tropical sites, most homes): outdoor mean above which it runs, °C, and
   * its electricity per degree of that excess and day, kWh. */
  cooling: { balancePointC: number; kWhPerDegreeDay: number } | null;
}

/** Share of a tropical site's homes with air conditioning. */
const AIR_CONDITIONED_SHARE = 0.7;
/** Coefficient of performance of a split air conditioner. */
const COOLING_COP = 3;

export interface DwellingInput {
  buildingId: string;
  dwellingId: string;
  areaM2: number;
  floor?: number | undefined;
  /** Floors of the building, to know the top floor (it loses more through the roof). */
  floors?: number | undefined;
  constructionYear?: number | undefined;
}

/** Floor-area heat loss, W/(m²·K), by period: before the first thermal rules (1974), before
 * RT 2000, after. Social housing from the 1960s-70s dominates the stock. */
function envelopeLoss(year: number | undefined): number {
  if (year === undefined) return 2.0;
  if (year < 1975) return 2.3;
  if (year < 2000) return 1.7;
  if (year < 2012) return 1.2;
  return 0.8;
}

export function dwellingParams(
  seed: number,
  input: DwellingInput,
  climate: "temperate" | "tropical" = "temperate",
): DwellingParams {
  const key = hashOf(seed, hashString(input.buildingId), hashString(input.dwellingId));
  const rng = createRng(key);
  const area = input.areaM2;
  const occupants = Math.max(1, Math.min(6, Math.round(area / 24 + rng.normal(0, 0.8))));
  const exposed =
    (input.floor === 0 ? 1.12 : 1) *
    (input.floors !== undefined && input.floor === input.floors - 1 ? 1.15 : 1);
  const heatLoss = area * envelopeLoss(input.constructionYear) * exposed * Math.exp(rng.normal(0, 0.15));
  const setpoint = Math.min(22, Math.max(18, rng.normal(20, 0.9)));
  const setback = rng.next() < 0.4 ? rng.uniform(1, 2.5) : 0;
  // Occupants, appliances and sun keep a flat a few degrees above outdoors for free.
  const gainsW = 90 * occupants + 3 * area + 2 * area;
  const balance = Math.min(18.5, Math.max(12, setpoint - gainsW / heatLoss));
  const behaviour = Math.exp(rng.normal(0, 0.25));
  const params: DwellingParams = {
    key,
    areaM2: area,
    occupants,
    heatLossWPerK: heatLoss,
    setpointC: setpoint,
    setbackC: setback,
    balancePointC: balance,
    hotWaterM3PerDay: 0.042 * occupants * behaviour,
    coldWaterM3PerDay: 0.085 * occupants * behaviour * Math.exp(rng.normal(0, 0.15)),
    baseloadW: rng.uniform(60, 150),
    activityKWhPerDay: (1.4 + 1.3 * occupants) * Math.exp(rng.normal(0, 0.2)),
    presence: rng.next() < 0.6 ? "away_weekdays" : "home_daytime",
    airChangesPerHour: rng.uniform(0.4, 0.8),
    initialIndex: {
      heating_energy: Math.round(rng.uniform(0, 40_000)),
      hot_water: Math.round(rng.uniform(0, 300)),
      cold_water: Math.round(rng.uniform(0, 600)),
      electricity: Math.round(rng.uniform(0, 30_000)),
    },
    tropical: climate === "tropical",
    cooling: null,
  };
  // Drawn after everything else, so a temperate dwelling is the same whatever the site's climate.
  if (climate === "tropical" && rng.next() < AIR_CONDITIONED_SHARE) {
    params.cooling = {
      balancePointC: rng.uniform(23, 25.5),
      // Conduction through the envelope, plus the sun and the occupants' heat to take out.
      kWhPerDegreeDay: ((heatLoss * 24) / 1000 / COOLING_COP) * rng.uniform(1, 1.8),
    };
  }
  return params;
}

/** Degrees of the day's mean above the air conditioner's balance point. */
const coolingDegrees = (p: DwellingParams, w: DailyWeather) =>
  p.cooling === null ? 0 : Math.max(0, w.tmean - p.cooling.balancePointC);

const QUANTITY_KEY: Record<MeteredQuantity, number> = {
  heating_energy: 1,
  hot_water: 2,
  cold_water: 3,
  electricity: 4,
};

/** Summer holidays: most households leave one to three weeks in July or August. */
export function isAway(p: DwellingParams, day: number): boolean {
  // Holidays start in July or August and last at most three weeks.
  const md = monthDayCode(day);
  if (md < 701 || md > 915) return false;
  const year = yearOf(day);
  const h = hashOf(p.key, 0xa3a7, year);
  const weeks = h % 4;
  if (weeks === 0) return false;
  const july1 = julyFirst(year);
  const start = july1 + ((h >>> 2) % 45);
  return day >= start && day < start + 7 * weeks;
}

/** Consumption of one day without any device, in the quantity's unit (kWh or m3). */
export function dailyConsumption(
  p: DwellingParams,
  q: MeteredQuantity,
  day: number,
  w: DailyWeather,
): number {
  const noise = normalAt(p.key, QUANTITY_KEY[q], day);
  const away = isAway(p, day);
  const weekend = isWeekend(day);
  const winter = Math.cos(seasonPhase(day)); // 1 mid-January, -1 mid-July
  switch (q) {
    case "heating_energy": {
      if (p.tropical || !inHeatingSeason(day)) return 0;
      // A night setback of s degrees for 8 hours lowers the day's mean inside by s/3.
      const dd = degreeDaysCostic(w, p.balancePointC - p.setbackC / 3);
      return Math.max(0, ((p.heatLossWPerK * 24 * dd) / 1000) * (1 + 0.07 * noise));
    }
    case "hot_water":
    case "cold_water": {
      if (away) return 0.002 * (1 + 0.2 * Math.abs(noise));
      const mean = q === "hot_water" ? p.hotWaterM3PerDay * (1 + 0.08 * winter) : p.coldWaterM3PerDay;
      return mean * (weekend ? 1.1 : 1) * Math.max(0.2, 1 + 0.2 * noise);
    }
    case "electricity": {
      const base = (p.baseloadW * 24) / 1000;
      if (away) return base;
      // Lighting follows the length of the day, which barely changes in the tropics.
      const activity = p.activityKWhPerDay * (weekend ? 1.12 : 1) * (1 + (p.tropical ? 0.02 : 0.15) * winter);
      const cooling = p.cooling === null ? 0 : p.cooling.kWhPerDegreeDay * coolingDegrees(p, w);
      return base + (activity + cooling) * Math.max(0.3, 1 + 0.12 * noise);
    }
  }
}

// Share of the day's draws per local clock hour (0-23): a morning and an evening peak.
const WATER_SHAPE = [
  0.2, 0.1, 0.1, 0.1, 0.2, 0.6, 2.2, 3.4, 2.6, 1.4, 1.0, 1.1, 1.5, 1.2, 0.9, 0.8, 0.9, 1.2, 1.8, 2.6, 2.8,
  2.0, 1.2, 0.6,
];
const ELEC_SHAPE = [
  0.3, 0.2, 0.2, 0.2, 0.2, 0.4, 1.2, 1.8, 1.4, 1.0, 0.9, 1.1, 1.6, 1.2, 0.9, 0.8, 0.9, 1.2, 2.0, 2.8, 2.9,
  2.4, 1.6, 0.8,
];

/** Fraction of occupants at home at local hour h (0-24) of a day. */
export function presenceAt(p: DwellingParams, day: number, h: number): number {
  if (isAway(p, day)) return 0;
  if (h < 7 || h >= 22) return 1;
  const workday = p.presence === "away_weekdays" && !isWeekend(day);
  if (!workday) return h >= 10 && h < 17 ? 0.6 : 0.9;
  if (h < 8) return 1;
  if (h < 9) return 0.4;
  if (h < 17) return 0.05;
  if (h < 18.5) return 0.6;
  return 0.95;
}

/** Relative weight of each of the day's hours for a quantity: `hours[i]` is the local clock
 * hour (0-23) of the i-th hour of the day (23, 24 or 25 of them), `outdoor[i]` the outdoor
 * temperature at its middle. Weights are positive whenever the day's total is. */
export function hourlyWeights(
  p: DwellingParams,
  q: MeteredQuantity,
  day: number,
  hours: readonly number[],
  outdoor: readonly number[],
): number[] {
  const weights: number[] = new Array(hours.length);
  for (let i = 0; i < hours.length; i++) {
    const h = hours[i]!;
    const jitter = 0.7 + 0.6 * uniformAt(p.key, QUANTITY_KEY[q] + 16, day, i);
    switch (q) {
      case "heating_energy": {
        const night = h >= 23 || h < 6;
        const need = p.balancePointC - (night ? p.setbackC : 0) - outdoor[i]!;
        // The morning recovery after a setback draws a little more.
        weights[i] = (Math.max(0, need) + 0.05) * (h === 6 && p.setbackC > 0 ? 1.3 : 1);
        break;
      }
      case "hot_water":
      case "cold_water":
        weights[i] = WATER_SHAPE[h]! * (0.2 + presenceAt(p, day, h + 0.5)) * jitter;
        break;
      case "electricity": {
        const baseShare = (p.baseloadW / 1000) * 3;
        // The air conditioner runs with the heat of the hour, more when people are home.
        const cooling =
          p.cooling === null
            ? 0
            : 0.5 * Math.max(0, outdoor[i]! - p.cooling.balancePointC) * (0.3 + presenceAt(p, day, h + 0.5));
        weights[i] = baseShare + ELEC_SHAPE[h]! * presenceAt(p, day, h + 0.5) * jitter + cooling;
        break;
      }
    }
  }
  return weights;
}

/** Indoor comfort at local hour h of a day, before sensor rounding. `outdoorNow` is the
 * outdoor temperature at that instant; `noise(k)` a smooth standard-normal process per
 * sensor k, deterministic in time. */
export function comfortAt(
  p: DwellingParams,
  day: number,
  h: number,
  w: DailyWeather,
  outdoorNow: number,
  noise: (k: number) => number,
): { temperature: number; humidity: number; co2: number } {
  const night = h >= 23 || h < 6;
  const free = 20.5 + 0.45 * (w.tmean - 18) + 0.15 * (outdoorNow - w.tmean);
  const heated = p.setpointC - (night ? p.setbackC : 0);
  const heatedDay = !p.tropical && inHeatingSeason(day);
  // Air conditioning holds a hot dwelling near 26 °C while people are home.
  const cooled = p.cooling !== null && presenceAt(p, day, h) > 0.5 ? Math.min(free, 26) : free;
  const base = heatedDay ? Math.max(heated, free) : cooled;
  const temperature = Math.min(35, Math.max(10, base + 0.3 * noise(1)));
  const presence = presenceAt(p, day, h);
  const winter = Math.cos(seasonPhase(day));
  const hour = Math.floor(h) % 24;
  const shower = WATER_SHAPE[hour]! > 2 ? 6 * presence : 0;
  const humidity = Math.min(85, Math.max(20, 48 - 7 * winter + 8 * presence + shower + 3 * noise(2)));
  // Summer windows stay open: ventilation triples.
  const ach = p.airChangesPerHour * (w.tmean > 18 ? 3 : 1);
  const emission = p.occupants * presence * (night ? 0.016 : 0.02); // m3 CO2/h per person
  const co2 = 420 + (emission * 1e6) / (ach * 2.5 * p.areaM2);
  return {
    temperature,
    humidity,
    co2: Math.min(5_000, Math.max(380, co2 * (1 + 0.06 * noise(3)))),
  };
}
