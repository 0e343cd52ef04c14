// Drill-down into one dwelling: every quantity it measures, per day for meters and per
// interval for comfort, with the building's outdoor temperature beside its indoor one.
import type { DashboardSpec, PanelSpec, QuerySpec } from "../grafana.ts";
import {
  ALL_QUANTITIES,
  commonOnly,
  consumptionPer,
  dwellingsOnly,
  gaugeMean,
  inBuilding,
  inDwelling,
} from "../influxql.ts";
import { buildingVariable, totalsStat } from "./building.ts";
import { barsOptions, fieldOverrides, timeAsAge } from "./panels.ts";

const here = [inBuilding, inDwelling];

const daily = (refId: string, quantity: Parameters<typeof consumptionPer>[1], column: string): QuerySpec => ({
  refId,
  query: consumptionPer("1d", quantity, here, column),
  resultFormat: "time_series",
  alias: column,
  columns: ["time", column],
});

const dailyPanel = (title: string, unit: string, queries: QuerySpec[]): PanelSpec => ({
  title,
  description: "Meter increase per UTC day (hourly increases summed; resets skipped).",
  type: "timeseries",
  width: 12,
  height: 8,
  unit,
  defaults: { custom: barsOptions },
  queries,
});

const gauge = (title: string, quantity: "humidity" | "co2", unit: string): PanelSpec => ({
  title,
  description: `Mean per interval of the dwelling's ${quantity} sensor.`,
  type: "timeseries",
  width: 12,
  height: 8,
  unit,
  queries: [
    {
      refId: "A",
      query: gaugeMean(quantity, here),
      resultFormat: "time_series",
      alias: quantity,
      columns: ["time", "mean"],
    },
  ],
});

export const dwelling: DashboardSpec = {
  uid: "charge-guard-dwelling",
  title: "Dwelling",
  description:
    "One dwelling: heating, water, electricity, temperature, humidity, CO2 and every sensor's last point.",
  tags: ["charge-guard", "asset-managers"],
  from: "now-7d",
  variables: [
    buildingVariable,
    {
      name: "dwelling",
      label: "Dwelling",
      query: `SHOW TAG VALUES FROM ${ALL_QUANTITIES} WITH KEY = "space" WHERE "building" =~ /^\${building:regex}$/ AND ${dwellingsOnly}`,
    },
  ],
  panels: [
    totalsStat(
      "Dwelling consumption over the range",
      "Increase of the dwelling's meters over the range.",
      here,
    ),
    dailyPanel("Heating per day", "kwatth", [daily("A", "heating_energy", "heating_kwh")]),
    dailyPanel("Water per day", "m3", [
      daily("A", "hot_water", "hot_water_m3"),
      daily("B", "cold_water", "cold_water_m3"),
    ]),
    dailyPanel("Electricity per day", "kwatth", [daily("A", "electricity", "electricity_kwh")]),
    {
      title: "Indoor and outdoor temperature",
      description: "The dwelling's temperature sensor and the building's outdoor sensor, mean per interval.",
      type: "timeseries",
      width: 12,
      height: 8,
      unit: "celsius",
      queries: [
        {
          refId: "A",
          query: gaugeMean("temperature", here),
          resultFormat: "time_series",
          alias: "indoor",
          columns: ["time", "mean"],
        },
        {
          refId: "B",
          query: gaugeMean("outdoor_temperature", [inBuilding, commonOnly]),
          resultFormat: "time_series",
          alias: "outdoor",
          columns: ["time", "mean"],
        },
      ],
    },
    gauge("Humidity", "humidity", "humidity"),
    gauge("CO2", "co2", "ppm"),
    {
      title: "Every sensor of the dwelling",
      description:
        "The newest point in the range of each of the dwelling's sensors, whatever it measures (meter indexes, power, comfort).",
      type: "table",
      width: 24,
      height: 8,
      queries: [
        {
          refId: "A",
          query: `SELECT LAST("value") AS "value" FROM ${ALL_QUANTITIES} WHERE $timeFilter AND ${inBuilding} AND ${inDwelling} GROUP BY "sensor"`,
          resultFormat: "table",
          columns: ["time", "value"],
        },
      ],
      overrides: [...fieldOverrides(["sensor", "value"]), timeAsAge],
    },
  ],
};
