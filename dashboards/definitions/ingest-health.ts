// Ingest health from what InfluxDB holds: points per minute, dead letters per reason, the age
// of the newest point and the silent sensors. (Ingest's Prometheus metrics are not used yet.)

import { ALERT_THRESHOLDS, durationInWords } from "../../domain/alert-thresholds.ts";
import type { DashboardSpec } from "../grafana.ts";
import { ALL_QUANTITIES, DEAD_LETTER, SILENT_FIELD, silentSensors } from "../influxql.ts";
import { barsOptions, fieldOverrides, organize, TAG_COLUMNS, timeAsAge } from "./panels.ts";

export const ingestHealth: DashboardSpec = {
  uid: "charge-guard-ingest-health",
  title: "Ingest health",
  description:
    "Points stored per minute, dead letters per reason, newest point per building, silent sensors.",
  tags: ["charge-guard", "operators"],
  from: "now-24h",
  variables: [],
  panels: [
    {
      title: "Points per minute by measurement",
      description:
        "Points stored per minute, by the readings' own time (a backfill shows where its readings belong, not when they arrived). A drop to zero: sensors or ingest stopped.",
      type: "timeseries",
      width: 12,
      height: 8,
      minInterval: "1m",
      unit: "short",
      queries: [
        {
          refId: "A",
          query: `SELECT COUNT("value") * 60000 / $__interval_ms AS "per_minute" FROM ${ALL_QUANTITIES} WHERE $timeFilter GROUP BY time($__interval) fill(0)`,
          resultFormat: "time_series",
          alias: "$measurement",
          columns: ["time", "per_minute"],
        },
      ],
    },
    {
      title: "Dead letters by reason",
      description:
        "Messages ingest refused, per interval and reason (model/dead-letter.ts). The API's /ops routes list them with their detail.",
      type: "timeseries",
      width: 12,
      height: 8,
      minInterval: "1m",
      unit: "short",
      defaults: { custom: barsOptions },
      queries: [
        {
          refId: "A",
          query: `SELECT COUNT("topic") AS "letters" FROM "${DEAD_LETTER}" WHERE $timeFilter GROUP BY time($__interval), "reason" fill(none)`,
          resultFormat: "time_series",
          alias: "$tag_reason",
          columns: ["time", "letters"],
        },
      ],
    },
    {
      title: "Dead letters by reason and building",
      description: "Totals over the range. An empty building: the topic named none (malformed topic).",
      type: "table",
      width: 8,
      height: 8,
      queries: [
        {
          refId: "A",
          query: `SELECT COUNT("topic") AS "letters" FROM "${DEAD_LETTER}" WHERE $timeFilter GROUP BY "reason", "building"`,
          resultFormat: "table",
          columns: ["time", "letters"],
        },
      ],
      overrides: fieldOverrides(["reason", "building", "letters"]),
      transformations: [organize()],
    },
    {
      title: "Latest dead letters",
      description: "The 100 newest refusals in the range, with what was wrong (no payload shown).",
      type: "table",
      width: 16,
      height: 8,
      queries: [
        {
          refId: "A",
          query: `SELECT "reason", "building", "topic", "detail" FROM "${DEAD_LETTER}" WHERE $timeFilter ORDER BY time DESC LIMIT 100`,
          resultFormat: "table",
          columns: ["time", "reason", "building", "topic", "detail"],
        },
      ],
    },
    {
      title: "Newest point per building",
      description:
        "Per measurement and building, the newest point in the range and its age: a building whose age grows has stopped sending.",
      type: "table",
      width: 12,
      height: 10,
      queries: [
        {
          refId: "A",
          query: `SELECT LAST("value") AS "value" FROM ${ALL_QUANTITIES} WHERE $timeFilter GROUP BY "building"`,
          resultFormat: "table",
          columns: ["time", "value"],
        },
      ],
      overrides: [...fieldOverrides(["building", "value"]), timeAsAge],
      options: { showHeader: true, sortBy: [{ displayName: "Last point", desc: false }] },
    },
    {
      title: "Silent sensors",
      description: `Sensors of every building with no point during the ${durationInWords(ALERT_THRESHOLDS.silentMs)} before the end of the range (the API's silent-sensor alert), among those heard in the 7 days before it. Empty is good.`,
      type: "table",
      width: 12,
      height: 10,
      queries: [
        {
          refId: "A",
          query: silentSensors([]),
          resultFormat: "table",
          columns: ["time", SILENT_FIELD],
        },
      ],
      overrides: fieldOverrides([...TAG_COLUMNS, SILENT_FIELD]),
      transformations: [organize()],
    },
  ],
};
