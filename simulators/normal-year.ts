// A climate normal: the weather of 30 calendar years (1991-2020 by default) under a climate,
// read per normal year of 365 days. A study whose policy must name a site's normal-year
// degree-days takes them from here, and the use a dwelling would have in a normal year is the
// mean over these years of what it uses on their days, so the truth knows no regression.
import { dayNumberOfIso } from "./calendar.ts";
import {
  type Climate,
  type DailyWeather,
  degreeDaysMeteo,
  LYON,
  shiftedClimate,
  Weather,
} from "./weather.ts";

export const NORMAL_YEAR_DAYS = 365;

export interface NormalOptions {
  seed: number;
  climate?: Climate;
  firstYear?: number;
  years?: number;
}

export class ClimateNormal {
  readonly climate: Climate;
  /** Paris day numbers of every day of the period, in order. */
  readonly days: Int32Array;
  readonly weather: readonly DailyWeather[];
  /** Degree-days base 18 °C (Météo) of a normal year: 365 × the mean day's. */
  readonly dju: number;

  constructor(o: NormalOptions) {
    this.climate = o.climate ?? LYON;
    const first = o.firstYear ?? 1991;
    const from = dayNumberOfIso(`${first}-01-01`);
    const to = dayNumberOfIso(`${first + (o.years ?? 30)}-01-01`);
    const w = new Weather(o.seed, this.climate);
    this.days = Int32Array.from({ length: to - from }, (_, i) => from + i);
    this.weather = Array.from(this.days, (d) => w.daily(d));
    this.dju =
      (NORMAL_YEAR_DAYS * this.weather.reduce((s, x) => s + degreeDaysMeteo(x), 0)) / this.days.length;
  }

  /** Mean use of a normal year: 365 × the mean over the period's days of `perDay`; with a
   * stride, over every stride-th day only (a stride prime to 7 keeps the weekdays even). */
  yearlyMean(perDay: (day: number, w: DailyWeather) => number, stride = 1): number {
    let s = 0;
    let n = 0;
    for (let i = 0; i < this.days.length; i += stride, n++) s += perDay(this.days[i]!, this.weather[i]!);
    return (NORMAL_YEAR_DAYS * s) / n;
  }
}

/**
 * The same weather moved by a constant so that its normal year has `targetDju` degree-days:
 * a site whose 30-year normal is colder or warmer than the years a study simulates.
 */
export function normalWithDju(o: NormalOptions, targetDju: number): ClimateNormal {
  const base = new ClimateNormal(o);
  const means = base.weather.map((w) => (w.tmin + w.tmax) / 2);
  const djuAt = (shift: number) =>
    (NORMAL_YEAR_DAYS * means.reduce((s, t) => s + Math.max(0, 18 - t - shift), 0)) / means.length;
  // DJU falls as the climate warms: bisect the shift.
  let lo = -15;
  let hi = 15;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (djuAt(mid) > targetDju) lo = mid;
    else hi = mid;
  }
  return new ClimateNormal({ ...o, climate: shiftedClimate(base.climate, (lo + hi) / 2) });
}
