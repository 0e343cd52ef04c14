// Heating degree-days (DJU) base 18 °C from daily Tmin/Tmax, by the two French methods:
// Météo-France (mean temperature) and COSTIC (the heating-contract method, which counts some
// heating on days whose maximum rises above the base); and cooling degree-days base 22 °C (the
// usual French threshold for air conditioning), what a tropical site's weather is read by.
import type { Climate } from "../model/site.ts";

export const DJU_BASE = 18;
export const CDD_BASE = 22;

export type DegreeDayMethod = "meteo" | "costic";

/** Météo-France: max(0, base − (Tmin + Tmax)/2). */
export function degreeDaysMeteo(tmin: number, tmax: number, base = DJU_BASE): number {
  return Math.max(0, base - (tmin + tmax) / 2);
}

/** COSTIC: full deficit when Tmax < base, none when Tmin ≥ base, a weighted share between. */
export function degreeDaysCostic(tmin: number, tmax: number, base = DJU_BASE): number {
  if (base > tmax) return base - (tmin + tmax) / 2;
  if (base <= tmin) return 0;
  return (base - tmin) * (0.08 + (0.42 * (base - tmin)) / (tmax - tmin));
}

export function degreeDays(
  tmin: number,
  tmax: number,
  method: DegreeDayMethod = "meteo",
  base = DJU_BASE,
): number {
  return method === "meteo" ? degreeDaysMeteo(tmin, tmax, base) : degreeDaysCostic(tmin, tmax, base);
}

/** Daily degree-days of an outdoor series, in its order. */
export function degreeDaySeries(
  outdoor: readonly { tmin: number; tmax: number }[],
  method: DegreeDayMethod = "meteo",
  base = DJU_BASE,
): number[] {
  return outdoor.map((d) => degreeDays(d.tmin, d.tmax, method, base));
}

/** Cooling degree-days, Météo method: max(0, (Tmin + Tmax)/2 − base). */
export function coolingDegreeDaysMeteo(tmin: number, tmax: number, base = CDD_BASE): number {
  return Math.max(0, (tmin + tmax) / 2 - base);
}

export interface SiteDegreeDays {
  /** Heating on a temperate site (DJU), cooling on a tropical one. */
  kind: "heating" | "cooling";
  baseC: number;
  /** The degree-days of a day of mean outdoor temperature `tmean`. */
  ofMean(tmean: number): number;
}

/** The degree-days a site's figures are normalised by, from its climate. */
export function siteDegreeDays(climate: Climate): SiteDegreeDays {
  return climate === "tropical"
    ? { kind: "cooling", baseC: CDD_BASE, ofMean: (t) => Math.max(0, t - CDD_BASE) }
    : { kind: "heating", baseC: DJU_BASE, ofMean: (t) => Math.max(0, DJU_BASE - t) };
}
