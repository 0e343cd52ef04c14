// The daily outdoor temperature a before/after baseline is fitted on. CalTRACK 2.0's daily
// model uses the mean of the day's hourly temperatures (§3.1.4.2, §3.3.4); a day with fewer
// than half of its hours has none (§2.2.2.3) and is masked (§3.5.1.1). A site with daily
// Tmin/Tmax only (a Météo-France daily file, or a sensor read less than every other hour) falls
// back to (Tmin + Tmax)/2, the French DJU's midpoint, and the verdict says so: on hourly data the midpoint runs about 1 °C off the mean
// on clear days, which shifts the balance point and the savings.
import type { Evidence } from "./evidence.ts";

export type TemperatureFeature = "hourly_mean" | "tmin_tmax_midpoint";

/**
 * The hourly mean where the site has one and it `covers` what the estimator needs (e.g. a
 * daily Tmin/Tmax import followed by an hourly sensor leaves the baseline year without it),
 * else the midpoint for every day: one feature for baseline and reporting alike.
 */
export function dailyTemperature(
  outdoor: Evidence["outdoor"],
  covers: (values: readonly (number | null)[]) => boolean = () => true,
): { feature: TemperatureFeature; values: (number | null)[] } {
  if (outdoor.some((o) => o.tmean !== undefined)) {
    const hourly = outdoor.map((o) => o.tmean ?? null);
    if (covers(hourly)) return { feature: "hourly_mean", values: hourly };
  }
  return { feature: "tmin_tmax_midpoint", values: outdoor.map((o) => (o.tmin + o.tmax) / 2) };
}
