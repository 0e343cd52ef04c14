// Portfolio overview for asset managers: every building's consumption over the range, heating
// normalised by degree days and ranked, daily trends, and the long-term daily rollups.
import type { DashboardSpec, QuerySpec } from "../grafana.ts";
import {
  commonOnly,
  consumptionPer,
  consumptionTotal,
  degreeDays,
  dwellingsOnly,
  gaugeMean,
  ROLLUP_POLICY,
} from "../influxql.ts";
import { barsOptions, fieldOverrides, merge, organize, valueColumns } from "./panels.ts";

const byBuilding = ["building"];

const totals: QuerySpec[] = [
  {
    refId: "A",
    query: consumptionTotal("heating_energy", [dwellingsOnly], "heating_kwh", byBuilding),
    resultFormat: "table",
    columns: ["time", "heating_kwh"],
  },
  {
    refId: "B",
    query: consumptionTotal("heating_energy", [commonOnly], "plant_heat_kwh", byBuilding),
    resultFormat: "table",
    columns: ["time", "plant_heat_kwh"],
  },
  {
    refId: "C",
    query: consumptionTotal("hot_water", [], "hot_water_m3", byBuilding),
    resultFormat: "table",
    columns: ["time", "hot_water_m3"],
  },
  {
    refId: "D",
    query: consumptionTotal("cold_water", [], "cold_water_m3", byBuilding),
    resultFormat: "table",
    columns: ["time", "cold_water_m3"],
  },
  {
    refId: "E",
    query: consumptionTotal("electricity", [], "electricity_kwh", byBuilding),
    resultFormat: "table",
    columns: ["time", "electricity_kwh"],
  },
];

const heatingAndDju: QuerySpec[] = [
  { ...totals[0]!, refId: "A" },
  { refId: "B", query: degreeDays([]), resultFormat: "table", columns: ["time", "dju"] },
];

const perDay = (title: string, description: string, queries: QuerySpec[], unit: string) =>
  ({
    title,
    description,
    type: "timeseries",
    width: 12,
    height: 8,
    queries,
    unit,
    defaults: { custom: barsOptions },
  }) as const;

export const portfolio: DashboardSpec = {
  uid: "charge-guard-portfolio",
  title: "Portfolio overview",
  description: "Consumption of every building, heating normalised by degree days, buildings ranked.",
  tags: ["charge-guard", "asset-managers"],
  from: "now-30d",
  variables: [],
  panels: [
    {
      title: "Consumption per building over the range",
      description:
        "Increase of the meters' indexes over the range, summed per building. Heating: the dwellings' heat meters; plant heat: the boiler's meter in the common areas (heating, hot water production and losses). Meter resets are skipped and up to one interval at the start of the range is missed.",
      type: "table",
      width: 24,
      height: 8,
      minInterval: "1h",
      queries: totals,
      overrides: fieldOverrides(["building", ...valueColumns(totals)]),
      options: { showHeader: true, sortBy: [{ displayName: "Building", desc: false }] },
      transformations: [merge, organize()],
    },
    {
      title: "Heating per degree day, buildings ranked",
      description:
        "Dwellings' heating (kWh) divided by the degree days of the range (DJU, base 18 °C: the sum over days of max(0, 18 − the day's mean outdoor temperature) from the building's outdoor sensor). Highest first: the least efficient buildings for the weather they had. Per m² needs the dwellings' areas, which are in the site registry, not in InfluxDB.",
      type: "table",
      width: 12,
      height: 8,
      minInterval: "1h",
      queries: heatingAndDju,
      overrides: fieldOverrides(["building", "heating_kwh", "dju", "kwh_per_dju"]),
      decimals: 1,
      transformations: [
        merge,
        {
          id: "calculateField",
          options: {
            mode: "binary",
            binary: { left: "heating_kwh", operator: "/", right: "dju" },
            alias: "kwh_per_dju",
            replaceFields: false,
          },
        },
        { id: "sortBy", options: { sort: [{ field: "kwh_per_dju", desc: true }] } },
        organize(),
      ],
    },
    {
      title: "Heating over the range",
      description: "The dwellings' heating per building over the range, for comparison at a glance.",
      type: "bargauge",
      width: 12,
      height: 8,
      minInterval: "1h",
      unit: "kwatth",
      queries: [
        {
          refId: "A",
          query: consumptionTotal("heating_energy", [dwellingsOnly], "heating_kwh", byBuilding),
          resultFormat: "time_series",
          alias: "$tag_building",
          columns: ["time", "heating_kwh"],
        },
      ],
      options: {
        orientation: "horizontal",
        displayMode: "gradient",
        showUnfilled: true,
        reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
      },
    },
    perDay(
      "Heating per day",
      "Dwellings' heating per UTC day and building (hourly meter increases summed).",
      [
        {
          refId: "A",
          query: consumptionPer("1d", "heating_energy", [dwellingsOnly], "heating_kwh", byBuilding),
          resultFormat: "time_series",
          alias: "$tag_building",
          columns: ["time", "heating_kwh"],
        },
      ],
      "kwatth",
    ),
    {
      title: "Outdoor temperature, daily mean",
      description:
        "Each building's outdoor sensor, mean per UTC day: what the degree days are computed from.",
      type: "timeseries",
      width: 12,
      height: 8,
      unit: "celsius",
      queries: [
        {
          refId: "A",
          query: gaugeMean("outdoor_temperature", [], ["building"], "1d"),
          resultFormat: "time_series",
          alias: "$tag_building",
          columns: ["time", "mean"],
        },
      ],
    },
    perDay(
      "Water per day",
      "Hot and cold water per UTC day and building, all meters of the building.",
      [
        {
          refId: "A",
          query: consumptionPer("1d", "hot_water", [], "hot_water_m3", byBuilding),
          resultFormat: "time_series",
          alias: "$tag_building hot",
          columns: ["time", "hot_water_m3"],
        },
        {
          refId: "B",
          query: consumptionPer("1d", "cold_water", [], "cold_water_m3", byBuilding),
          resultFormat: "time_series",
          alias: "$tag_building cold",
          columns: ["time", "cold_water_m3"],
        },
      ],
      "m3",
    ),
    perDay(
      "Electricity per day",
      "Electricity per UTC day and building: dwellings and common areas.",
      [
        {
          refId: "A",
          query: consumptionPer("1d", "electricity", [], "electricity_kwh", byBuilding),
          resultFormat: "time_series",
          alias: "$tag_building",
          columns: ["time", "electricity_kwh"],
        },
      ],
      "kwatth",
    ),
    {
      title: `Heating per local day, from the daily rollups ("${ROLLUP_POLICY}" policy)`,
      description:
        "Daily consumption computed by the ingest service's rollup job (storage/influx/daily-rollup.ts: days of the site's time zone, meter resets counted) in the rollup database (INFLUX_ROLLUP_DATABASE), kept with no expiry: use it for ranges beyond the raw retention (400 days by default). Empty for days before ingest ran on InfluxDB.",
      type: "timeseries",
      source: "daily",
      width: 24,
      height: 8,
      unit: "kwatth",
      defaults: { custom: barsOptions },
      queries: [
        {
          refId: "A",
          // Rollup points sit at local midnight, a whole UTC hour in zones with whole-hour
          // offsets (all of France's but the Marquesas): 1h windows sum the dwellings of a
          // building without moving the day.
          query: `SELECT SUM("consumption") AS "heating_kwh" FROM "${ROLLUP_POLICY}"."heating_energy" WHERE $timeFilter AND ${dwellingsOnly} GROUP BY time(1h), "building" fill(none)`,
          resultFormat: "time_series",
          alias: "$tag_building",
          columns: ["time", "heating_kwh"],
        },
      ],
    },
  ],
};
