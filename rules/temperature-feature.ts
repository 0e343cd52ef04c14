// The daily outdoor temperature a before/after baseline is fitted on. CalTRACK 2.0's daily
// model uses the mean of the day's hourly temperatures (§3.1.4.2, §3.3.4); a day with fewer
// than half of its hours has none (§2.2.2.3) and is masked (§3.5.1.1). A site with daily
// Tmin/Tmax only (a Météo-France daily file) falls back to (Tmin + Tmax)/2, the French DJU's
// midpoint, and the verdict says so: on hourly data the midpoint runs about 1 °C off the mean
// on clear days, which shifts the balance point and the savings.
import type { Evidence } from "./evidence.ts";

export type TemperatureFeature = "hourly_mean" | "tmin_tmax_midpoint";

export function dailyTemperature(outdoor: Evidence["outdoor"]): {
  feature: TemperatureFeature;
  values: (number | null)[];
} {
  if (outdoor.some((o) => o.tmean !== undefined))
    return { feature: "hourly_mean", values: outdoor.map((o) => o.tmean ?? null) };
  return { feature: "tmin_tmax_midpoint", values: outdoor.map((o) => (o.tmin + o.tmax) / 2) };
}
