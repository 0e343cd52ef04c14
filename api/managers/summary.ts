// A building's consumption over a period as asset managers compare it: per m², what the
// weather drives normalised by degree-days from the daily mean outdoor temperature (heating by
// DJU base 18 °C on a temperate site, electricity by cooling degree-days base 22 °C on a
// tropical one), and the same local dates a year earlier.
import { z } from "zod";
import { METERED_QUANTITIES } from "../../model/quantities.ts";
import type { Building, Site } from "../../model/site.ts";
import { localDate, localIsoDate, localMidnight } from "../../model/time-zone.ts";
import { siteDegreeDays } from "../../rules/degree-days.ts";
import type { TelemetryStore } from "../../storage/telemetry-store.ts";

const METERS = METERED_QUANTITIES;

const periodOut = z.object({
  from: z.iso.date(),
  to: z.iso.date().meta({ description: "The day after the last one" }),
  days: z.number().int(),
  degreeDays: z.number().meta({
    description:
      "Degree-days summed over the days with outdoor data: heating (DJU base 18 °C), or cooling (base 22 °C) on a tropical site",
  }),
  degreeDayKind: z.enum(["heating", "cooling"]),
  degreeDayBaseC: z.number(),
  outdoorDays: z.number().int().meta({ description: "Days with outdoor temperature data" }),
  consumption: z.object({
    heating_energy: z.number().meta({ description: "kWh" }),
    hot_water: z.number().meta({ description: "m3" }),
    cold_water: z.number().meta({ description: "m3" }),
    electricity: z.number().meta({ description: "kWh" }),
  }),
  perM2: z.object({
    heating_energy: z.number(),
    hot_water: z.number(),
    cold_water: z.number(),
    electricity: z.number(),
  }),
  heatingKwhPerM2PerDegreeDay: z
    .number()
    .nullable()
    .meta({ description: "Heating degree-days only: null on a tropical site" }),
  electricityKwhPerM2PerDegreeDay: z
    .number()
    .nullable()
    .meta({ description: "Cooling degree-days only (a tropical site's air conditioning); null elsewhere" }),
});

export const buildingSummaryOut = z.object({
  building: z.string(),
  name: z.string(),
  dwellings: z.number().int(),
  floorAreaM2: z.number(),
  period: periodOut,
  lastYear: periodOut,
  change: z.object({
    heatingNormalisedPct: z.number().nullable().meta({
      description:
        "Heating per m² per degree-day against the same dates last year, in %; null without heating or DJU",
    }),
    electricityNormalisedPct: z.number().nullable().meta({
      description:
        "Tropical site: electricity per m² per cooling degree-day against the same dates last year, in %; null elsewhere",
    }),
    hotWaterPct: z.number().nullable(),
    coldWaterPct: z.number().nullable(),
    electricityPct: z.number().nullable(),
  }),
});

export type BuildingSummary = z.infer<typeof buildingSummaryOut>;

/** Local dates [from, to) of the site, as YYYY-MM-DD. */
export interface DateRange {
  from: string;
  to: string;
}

const midnightOf = (date: string, zone: string, yearShift = 0) => {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return localMidnight(y + yearShift, m, d, zone);
};

/** The last `days` whole local days before the day of `now`. */
export function lastDays(now: number, days: number, zone: string): DateRange {
  const today = localDate(now, zone);
  return {
    from: localIsoDate(localMidnight(today.year, today.month, today.day - days, zone), zone),
    to: localIsoDate(localMidnight(today.year, today.month, today.day, zone), zone),
  };
}

const pct = (now: number | null, before: number | null) =>
  now === null || before === null || before === 0 ? null : Math.round(((now - before) / before) * 1000) / 10;

async function period(
  store: TelemetryStore,
  building: Building,
  from: number,
  to: number,
  area: number,
  site: SummarySite,
) {
  const zone = site.timezone;
  const dd = siteDegreeDays(site.climate);
  const sums = await Promise.all(
    METERS.map(async (quantity) => {
      const windows = await store.consumption({ building: building.id, quantity, from, to, every: "1mo" });
      return windows.reduce((s, w) => s + w.value, 0);
    }),
  );
  const consumption = Object.fromEntries(METERS.map((q, i) => [q, sums[i]!])) as Record<
    (typeof METERS)[number],
    number
  >;
  const outdoor = await store.aggregate({
    building: building.id,
    quantity: "outdoor_temperature",
    fn: "mean",
    every: "1d",
    from,
    to,
  });
  const degreeDays = outdoor.reduce((s, d) => s + dd.ofMean(d.value), 0);
  const perDegreeDay = (kind: "heating" | "cooling", kwh: number) =>
    dd.kind === kind && degreeDays > 0 && area > 0 ? kwh / area / degreeDays : null;
  const perM2 = Object.fromEntries(
    METERS.map((q) => [q, area > 0 ? consumption[q] / area : 0]),
  ) as typeof consumption;
  return {
    from: localIsoDate(from, zone),
    to: localIsoDate(to, zone),
    days: Math.round((to - from) / 86_400_000),
    degreeDays: Math.round(degreeDays * 10) / 10,
    degreeDayKind: dd.kind,
    degreeDayBaseC: dd.baseC,
    outdoorDays: outdoor.length,
    consumption,
    perM2,
    heatingKwhPerM2PerDegreeDay: perDegreeDay("heating", consumption.heating_energy),
    electricityKwhPerM2PerDegreeDay: perDegreeDay("cooling", consumption.electricity),
  };
}

/** What of the site a summary depends on: its calendar and its climate. */
export type SummarySite = Pick<Site, "timezone" | "climate">;

/** The building's figures over [from, to) and over the same local dates a year earlier. */
export async function summariseBuilding(
  store: TelemetryStore,
  building: Building,
  range: DateRange,
  site: SummarySite,
): Promise<BuildingSummary> {
  const zone = site.timezone;
  const area = building.dwellings.reduce((s, d) => s + d.areaM2, 0);
  const [current, previous] = await Promise.all([
    period(store, building, midnightOf(range.from, zone), midnightOf(range.to, zone), area, site),
    period(store, building, midnightOf(range.from, zone, -1), midnightOf(range.to, zone, -1), area, site),
  ]);
  return {
    building: building.id,
    name: building.name,
    dwellings: building.dwellings.length,
    floorAreaM2: area,
    period: current,
    lastYear: previous,
    change: {
      heatingNormalisedPct: pct(current.heatingKwhPerM2PerDegreeDay, previous.heatingKwhPerM2PerDegreeDay),
      electricityNormalisedPct: pct(
        current.electricityKwhPerM2PerDegreeDay,
        previous.electricityKwhPerM2PerDegreeDay,
      ),
      hotWaterPct: pct(current.consumption.hot_water, previous.consumption.hot_water),
      coldWaterPct: pct(current.consumption.cold_water, previous.consumption.cold_water),
      electricityPct: pct(current.consumption.electricity, previous.consumption.electricity),
    },
  };
}
