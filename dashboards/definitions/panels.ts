// Field settings and transformations several dashboards share: units per column name and the
// merge of one-row-per-key tables that table panels with several queries need.
import { ALERT_THRESHOLDS, durationInWords } from "../../domain/alert-thresholds.ts";
import type { QuerySpec } from "../grafana.ts";

/** Grafana unit of each column alias our queries produce. */
export const UNITS: Record<string, string> = {
  heating_kwh: "kwatth",
  plant_heat_kwh: "kwatth",
  electricity_kwh: "kwatth",
  hot_water_m3: "m3",
  cold_water_m3: "m3",
  dju: "none",
  kwh_per_dju: "kwatth",
};

/** Column titles people read, in English (Grafana's UI language). */
export const LABELS: Record<string, string> = {
  building: "Building",
  space: "Dwelling",
  sensor: "Sensor",
  heating_kwh: "Heating (kWh)",
  plant_heat_kwh: "Plant heat (kWh)",
  electricity_kwh: "Electricity (kWh)",
  hot_water_m3: "Hot water (m³)",
  cold_water_m3: "Cold water (m³)",
  dju: "Degree days (DJU 18)",
  kwh_per_dju: "Heating per DJU (kWh)",
  reason: "Reason",
  value: "Last value",
  letters: "Dead letters",
  points_while_silent: `Points in the last ${durationInWords(ALERT_THRESHOLDS.silentMs)}`,
};

/**
 * One override per column we know: its unit and the title people read. Overrides match the
 * query's own column names (not renamed by a transformation), so they hold after merges.
 */
export function fieldOverrides(columns: readonly string[]) {
  return columns
    .filter((c) => LABELS[c] !== undefined)
    .map((c) => ({
      matcher: { id: "byName", options: c },
      properties: [
        ...(UNITS[c] === undefined ? [] : [{ id: "unit", value: UNITS[c] }]),
        { id: "displayName", value: LABELS[c] },
      ],
    }));
}

/** The value columns of queries (everything after "time"). */
export const valueColumns = (queries: readonly QuerySpec[]) => queries.flatMap((q) => q.columns.slice(1));

/** Merges tables that share their key columns (Time, tags) into one row per key. */
export const merge = { id: "merge", options: {} };

/** Hides Time (the range's start, or the last window's: nothing to read) and other columns. */
export function organize(hidden: readonly string[] = []) {
  return {
    id: "organize",
    options: { excludeByName: Object.fromEntries(["Time", ...hidden].map((c) => [c, true])) },
  };
}

/** Titles of the tag columns tables show. */
export const TAG_COLUMNS = ["building", "space", "sensor"];

/** Time shown as an age ("3 hours ago"), for last-seen columns. */
export const timeAsAge = {
  matcher: { id: "byName", options: "Time" },
  properties: [
    { id: "unit", value: "dateTimeFromNow" },
    { id: "displayName", value: "Last point" },
  ],
};

export const barsOptions = { drawStyle: "bars", fillOpacity: 60, lineWidth: 1 };
