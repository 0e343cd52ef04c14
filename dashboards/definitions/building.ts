// One building: its consumption, daily heating of each dwelling, the common areas' electricity,
// comfort per dwelling, and the sensors that went silent.
import { ALERT_THRESHOLDS, durationInWords } from "../../domain/alert-thresholds.ts";
import type { DashboardSpec, PanelSpec, QuerySpec } from "../grafana.ts";
import {
  ALL_QUANTITIES,
  commonOnly,
  consumptionPer,
  consumptionTotal,
  dwellingsOnly,
  gaugeMean,
  inBuilding,
  SILENT_FIELD,
  silentSensors,
} from "../influxql.ts";
import { fieldOverrides, merge, organize, TAG_COLUMNS, timeAsAge, valueColumns } from "./panels.ts";

export const buildingVariable = {
  name: "building",
  label: "Building",
  query: `SHOW TAG VALUES FROM ${ALL_QUANTITIES} WITH KEY = "building"`,
};

const here = [inBuilding];
const dwellings = [inBuilding, dwellingsOnly];

function totalsOf(conditions: readonly string[], by: readonly string[], format: QuerySpec["resultFormat"]) {
  const q = (refId: string, query: string, column: string): QuerySpec => ({
    refId,
    query,
    resultFormat: format,
    ...(format === "time_series" ? { alias: column } : {}),
    columns: ["time", column],
  });
  return [
    // The dwellings' heat meters only: the plant's meter already includes their heat.
    q(
      "A",
      consumptionTotal("heating_energy", [...conditions, dwellingsOnly], "heating_kwh", by),
      "heating_kwh",
    ),
    q("B", consumptionTotal("hot_water", conditions, "hot_water_m3", by), "hot_water_m3"),
    q("C", consumptionTotal("cold_water", conditions, "cold_water_m3", by), "cold_water_m3"),
    q("D", consumptionTotal("electricity", conditions, "electricity_kwh", by), "electricity_kwh"),
  ];
}

/** Heating, water and electricity totals over the range, one stat each; with the plant's heat
 * meter (common areas) when `plant` is set. */
export function totalsStat(
  title: string,
  description: string,
  conditions: readonly string[],
  plant = false,
): PanelSpec {
  const queries = totalsOf(conditions, [], "time_series");
  if (plant) {
    queries.push({
      refId: "E",
      query: consumptionTotal("heating_energy", [...conditions, commonOnly], "plant_heat_kwh"),
      resultFormat: "time_series",
      alias: "plant_heat_kwh",
      columns: ["time", "plant_heat_kwh"],
    });
  }
  return {
    title,
    description,
    type: "stat",
    width: 24,
    height: 4,
    minInterval: "1h",
    queries,
    decimals: 1,
    overrides: fieldOverrides(valueColumns(queries)),
    options: {
      reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
      textMode: "value_and_name",
      colorMode: "none",
      graphMode: "none",
    },
  };
}

/** Mean of a gauge per dwelling, one line each. */
export function comfortPanel(
  title: string,
  quantity: "temperature" | "humidity" | "co2",
  unit: string,
  extra: QuerySpec[] = [],
): PanelSpec {
  return {
    title,
    description: `Mean per interval of each dwelling's ${quantity} sensor.`,
    type: "timeseries",
    width: 12,
    height: 8,
    unit,
    queries: [
      {
        refId: "A",
        query: gaugeMean(quantity, dwellings, ["space"]),
        resultFormat: "time_series",
        alias: "$tag_space",
        columns: ["time", "mean"],
      },
      ...extra,
    ],
  };
}

const perDwelling = totalsOf(dwellings, ["space"], "table");

export const building: DashboardSpec = {
  uid: "charge-guard-building",
  title: "Building",
  description:
    "One building: consumption, daily heating per dwelling, common areas, comfort, silent sensors.",
  tags: ["charge-guard", "asset-managers"],
  from: "now-7d",
  variables: [buildingVariable],
  panels: [
    totalsStat(
      "Building consumption over the range",
      "Increase of the building's meters over the range. Heating: the dwellings' heat meters; water and electricity: every meter, common areas included; plant heat: the boiler's meter (heating, hot water production and losses).",
      here,
      true,
    ),
    {
      title: "Daily heating per dwelling",
      description:
        "Each dwelling's heating per UTC day: one band per dwelling, darker when it used more. A band much darker than its neighbours, or pale in cold weather, is worth a look.",
      type: "state-timeline",
      width: 24,
      height: 10,
      unit: "kwatth",
      decimals: 1,
      defaults: { color: { mode: "continuous-BlYlRd" } },
      options: { showValue: "auto", mergeValues: false, rowHeight: 0.9, legend: { showLegend: false } },
      queries: [
        {
          refId: "A",
          query: consumptionPer("1d", "heating_energy", dwellings, "heating_kwh", ["space"]),
          resultFormat: "time_series",
          alias: "$tag_space",
          columns: ["time", "heating_kwh"],
        },
      ],
    },
    {
      title: "Consumption per dwelling over the range",
      description: "Meter increases over the range, one row per dwelling.",
      type: "table",
      width: 12,
      height: 10,
      minInterval: "1h",
      queries: perDwelling,
      decimals: 2,
      overrides: fieldOverrides(["space", ...valueColumns(perDwelling)]),
      options: { showHeader: true, sortBy: [{ displayName: "Dwelling", desc: false }] },
      transformations: [merge, organize()],
    },
    {
      title: "Common areas: electricity",
      description:
        "Electricity of the common areas (ventilation, door entry, lights) per interval, one line per meter.",
      type: "timeseries",
      width: 12,
      height: 10,
      minInterval: "15m",
      unit: "kwatth",
      queries: [
        {
          refId: "A",
          query: `SELECT NON_NEGATIVE_DIFFERENCE(LAST("value")) AS "electricity_kwh" FROM "electricity" WHERE $timeFilter AND ${inBuilding} AND ${commonOnly} GROUP BY time($__interval), "sensor" fill(none)`,
          resultFormat: "time_series",
          alias: "$tag_sensor",
          columns: ["time", "electricity_kwh"],
        },
      ],
    },
    comfortPanel("Indoor temperature", "temperature", "celsius", [
      {
        refId: "B",
        query: gaugeMean("outdoor_temperature", here),
        resultFormat: "time_series",
        alias: "outdoor",
        columns: ["time", "mean"],
      },
    ]),
    comfortPanel("CO2", "co2", "ppm"),
    comfortPanel("Humidity", "humidity", "humidity"),
    {
      title: "Silent sensors",
      description: `Sensors that sent no point during the ${durationInWords(ALERT_THRESHOLDS.silentMs)} before the end of the range (the API's silent-sensor alert), among those heard in the 7 days before it. Empty is good.`,
      type: "table",
      width: 12,
      height: 8,
      queries: [
        {
          refId: "A",
          query: silentSensors(here),
          resultFormat: "table",
          columns: ["time", SILENT_FIELD],
        },
      ],
      overrides: fieldOverrides([...TAG_COLUMNS, SILENT_FIELD]),
      transformations: [organize(["building"])],
    },
    {
      title: "Last point of every sensor",
      description: "The newest point of every sensor of the building in the range, oldest first.",
      type: "table",
      width: 24,
      height: 10,
      queries: [
        {
          refId: "A",
          query: `SELECT LAST("value") AS "value" FROM ${ALL_QUANTITIES} WHERE $timeFilter AND ${inBuilding} GROUP BY "space", "sensor"`,
          resultFormat: "table",
          columns: ["time", "value"],
        },
      ],
      overrides: [...fieldOverrides(["space", "sensor", "value"]), timeAsAge],
      options: { showHeader: true, sortBy: [{ displayName: "Last point", desc: false }] },
    },
  ],
};
