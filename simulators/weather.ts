// Outdoor temperature for a French climate (Lyon by default, Fort-de-France for a tropical
// site): a seasonal mean, a smooth
// day-to-day weather anomaly and a daily cycle passing through the day's minimum near 6:00
// and its maximum near 15:00 local time. Days come first (Tmin, Tmax), the instant curve
// joins them, so daily figures are cheap for long studies and exact for the 15-minute series.
import { DEFAULT_TIME_ZONE } from "../model/time-zone.ts";
import { dayNumberOf, localHour, seasonPhase } from "./calendar.ts";
import { hashOf, normalAt, uniformAt, valueNoise } from "./random.ts";

export interface Climate {
  /** Annual mean of the daily mean temperature, °C. */
  meanC: number;
  /** Half the difference between the warmest and the coldest month, °C. */
  seasonalAmplitudeC: number;
  /** Mean half-range of the daily cycle in mid-January and mid-July, °C. */
  diurnalHalfRangeWinterC: number;
  diurnalHalfRangeSummerC: number;
  /** Standard deviation of the daily-mean anomaly, °C (before smoothing losses). */
  anomalySdC: number;
}

/** Lyon-Bron 1991-2020 roughly: 12.5 °C mean, January ~3.5 °C, July ~22 °C. */
export const LYON: Climate = {
  meanC: 12.5,
  seasonalAmplitudeC: 9.4,
  diurnalHalfRangeWinterC: 3.3,
  diurnalHalfRangeSummerC: 5.8,
  anomalySdC: 3.0,
};

/** Marseille-Marignane 1991-2020 roughly: 15.8 °C mean, January ~7 °C, July ~24.5 °C, with
 * summer afternoons near 30 °C: a heating winter and a cooling summer. */
export const MARSEILLE: Climate = {
  meanC: 15.8,
  seasonalAmplitudeC: 8.6,
  diurnalHalfRangeWinterC: 4.0,
  diurnalHalfRangeSummerC: 5.8,
  anomalySdC: 2.4,
};

/** Fort-de-France (Martinique) roughly: 26.7 °C mean, 25.6 °C in February to 27.6 °C in
 * September, a steady 7-8 °C daily range: cooling all year, never heating. */
export const FORT_DE_FRANCE: Climate = {
  meanC: 26.7,
  seasonalAmplitudeC: 1.0,
  diurnalHalfRangeWinterC: 3.6,
  diurnalHalfRangeSummerC: 3.9,
  anomalySdC: 0.7,
};

/** The climates a scenario may name. */
export const CLIMATES = { lyon: LYON, marseille: MARSEILLE, fort_de_france: FORT_DE_FRANCE } as const;
export type ClimateName = keyof typeof CLIMATES;

/** A climate warmer (shiftC > 0) or colder by a constant: same weather, every temperature moved. */
export function shiftedClimate(c: Climate, shiftC: number): Climate {
  return { ...c, meanC: c.meanC + shiftC };
}

export interface DailyWeather {
  tmin: number;
  tmax: number;
  /** (tmin + tmax) / 2, the French convention for degree days. */
  tmean: number;
}

const MIN_HOUR = 6;
const MAX_HOUR = 15;

/** Raised cosine from a to b as x goes 0 → 1. */
const ease = (a: number, b: number, x: number): number => a + ((b - a) * (1 - Math.cos(Math.PI * x))) / 2;

export class Weather {
  readonly climate: Climate;
  /** The site's time zone: the daily cycle follows its clock. */
  readonly zone: string;
  readonly #key: number;
  readonly #cache = new Map<number, DailyWeather>();

  constructor(seed: number, climate: Climate = LYON, zone = DEFAULT_TIME_ZONE) {
    this.climate = climate;
    this.zone = zone;
    this.#key = hashOf(seed, 0x77ea7e);
  }

  /** Tmin, Tmax and Tmean of a local day number. */
  daily(day: number): DailyWeather {
    const hit = this.#cache.get(day);
    if (hit) return hit;
    const c = this.climate;
    const phase = seasonPhase(day);
    const seasonal = c.meanC - c.seasonalAmplitudeC * Math.cos(phase);
    // Weather systems last days: a slow component dominates, with faster wiggles on top.
    const k = this.#key;
    const anomaly =
      c.anomalySdC * (0.85 * valueNoise(k + 1, day, 4) + 0.45 * valueNoise(k + 2, day + 0.5, 2)) +
      c.anomalySdC * 0.3 * normalAt(k + 3, day);
    const summerWeight = (1 - Math.cos(phase)) / 2;
    const halfRange =
      (c.diurnalHalfRangeWinterC + (c.diurnalHalfRangeSummerC - c.diurnalHalfRangeWinterC) * summerWeight) *
      // Cloudy days have a flat cycle, clear days a wide one.
      (0.55 + 0.9 * uniformAt(k + 4, day));
    const tmean = seasonal + anomaly;
    const result = { tmin: tmean - halfRange, tmax: tmean + halfRange, tmean };
    if (this.#cache.size > 20_000) this.#cache.clear();
    this.#cache.set(day, result);
    return result;
  }

  /** Mean of the day's 24 hourly temperatures (each taken at the middle of its local clock
   * hour), as a station's hourly series gives it; not (Tmin + Tmax)/2, because the evening and
   * the night follow the next day's minimum. */
  hourlyMean(day: number): number {
    let s = 0;
    for (let h = 0; h < 24; h++) s += this.temperatureAtLocal(day, h + 0.5);
    return s / 24;
  }

  /** Outdoor temperature at instant t (ms UTC), °C. */
  temperatureAt(t: number): number {
    return this.temperatureAtLocal(dayNumberOf(t, this.zone), localHour(t, this.zone));
  }

  /** Temperature at local clock hour h (0-24) of a local day. */
  temperatureAtLocal(day: number, h: number): number {
    const today = this.daily(day);
    if (h < MIN_HOUR) {
      const yesterday = this.daily(day - 1);
      return ease(yesterday.tmax, today.tmin, (h + 24 - MAX_HOUR) / (24 - MAX_HOUR + MIN_HOUR));
    }
    if (h < MAX_HOUR) return ease(today.tmin, today.tmax, (h - MIN_HOUR) / (MAX_HOUR - MIN_HOUR));
    const tomorrow = this.daily(day + 1);
    return ease(today.tmax, tomorrow.tmin, (h - MAX_HOUR) / (24 - MAX_HOUR + MIN_HOUR));
  }
}

/** Météo-France degree days, base 18 °C: max(0, 18 − (Tmin + Tmax) / 2). */
export function degreeDaysMeteo(w: DailyWeather, base = 18): number {
  return Math.max(0, base - (w.tmin + w.tmax) / 2);
}

/** COSTIC degree days (used in heating contracts), which count the part of a mild day spent
 * below the base. */
export function degreeDaysCostic(w: DailyWeather, base = 18): number {
  if (base > w.tmax) return base - (w.tmin + w.tmax) / 2;
  if (base <= w.tmin) return 0;
  return (base - w.tmin) * (0.08 + (0.42 * (base - w.tmin)) / (w.tmax - w.tmin));
}
