// Daily rollups kept beyond the raw retention: per sensor and Paris day, count/sum/min/max/
// mean/last and, for meters, consumption by the shared rule (storage/consumption.ts), written
// to the rollup retention policy under the same measurement and tags as the raw points.
// InfluxQL cannot express Paris days nor the reset rule, so this runs here rather than as a
// continuous query; it is idempotent, so a scheduler reruns it over recent days for late data.
import { isCounter, QUANTITIES, type Quantity } from "../../model/quantities.ts";
import type { Reading } from "../../model/reading.ts";
import { consumptionOfSeries } from "../consumption.ts";
import { nextWindowStart, windowStart } from "../windows.ts";
import { writeLines } from "./batch-writer.ts";
import type { InfluxClient } from "./client.ts";
import { qualifiedMeasurement } from "./influxql.ts";
import { decodeTagValue, encodePoint } from "./line-protocol.ts";
import { clientFor, type InfluxOptions, parseInfluxOptions } from "./options.ts";
import {
  type Bucket,
  GROUP_BY_SERIES,
  mergeBuckets,
  readingsOf,
  timeConditions,
  where,
} from "./series-query.ts";

type Day = Bucket & { consumption?: number };

const keyOf = (r: Pick<Reading, "building" | "space" | "sensor">) =>
  `${r.building}\u0000${r.space}\u0000${r.sensor}`;

export interface DailyRollup {
  /** Recomputes the rollups of every Paris day overlapping [from, to); returns points written. */
  run(from: number, to: number): Promise<number>;
}

export function createInfluxDailyRollup(options: InfluxOptions): DailyRollup {
  const config = parseInfluxOptions(options);
  let client: InfluxClient | undefined;
  const connected = () => {
    client ??= clientFor(config);
    return client;
  };

  async function rollQuantity(quantity: Quantity, dayFrom: number, dayTo: number): Promise<string[]> {
    const raw = qualifiedMeasurement(quantity, config.retentionPolicy);
    const range = where(timeConditions(dayFrom, dayTo));
    const statements = [
      `SELECT COUNT("value"), SUM("value"), MIN("value"), MAX("value"), LAST("value") FROM ${raw}${range} GROUP BY time(1h), "building", "space", "sensor" fill(none)`,
    ];
    if (isCounter(quantity)) {
      statements.push(
        `SELECT LAST("value") FROM ${raw}${where(timeConditions(undefined, dayFrom))} ${GROUP_BY_SERIES}`,
        `SELECT "value" FROM ${raw}${range} ${GROUP_BY_SERIES}`,
      );
    }
    const [hourly, before, inside] = await connected().query(statements.join("; "), { db: config.database });
    const days = new Map<string, { tags: Record<string, string>; days: Map<number, Day> }>();
    const seriesOf = (tags: Record<string, string>) => {
      // readingsOf decodes tag values: key the hourly series the same way.
      const key = keyOf({
        building: decodeTagValue(tags.building ?? ""),
        space: decodeTagValue(tags.space ?? ""),
        sensor: decodeTagValue(tags.sensor ?? ""),
      });
      let entry = days.get(key);
      if (entry === undefined) {
        entry = { tags, days: new Map() };
        days.set(key, entry);
      }
      return entry;
    };
    for (const s of hourly?.series ?? []) {
      const entry = seriesOf(s.tags ?? {});
      mergeBuckets(s.values, "1d", entry.days);
    }
    if (isCounter(quantity)) {
      const previous = new Map(readingsOf(before?.series).map((r) => [keyOf(r), r]));
      const points = new Map<string, Reading[]>();
      for (const r of readingsOf(inside?.series)) {
        const list = points.get(keyOf(r)) ?? [];
        list.push(r);
        points.set(keyOf(r), list);
      }
      for (const [key, list] of points) {
        list.sort((a, b) => a.t - b.t);
        const p = previous.get(key);
        const windows = consumptionOfSeries(p && { t: p.t, v: p.v }, list, "1d");
        const entry = days.get(key);
        for (const w of windows) {
          const d = entry?.days.get(w.start);
          if (d !== undefined) d.consumption = w.value;
        }
      }
    }
    const lines: string[] = [];
    for (const { tags, days: byDay } of days.values()) {
      for (const [start, d] of byDay) {
        lines.push(
          encodePoint({
            measurement: quantity,
            // Tags come back from InfluxDB as stored (already encoded): keep them so.
            tags: { building: tags.building!, space: tags.space!, sensor: tags.sensor! },
            fields: { ...d, mean: d.sum / d.count },
            time: start,
          }),
        );
      }
    }
    return lines;
  }

  return {
    async run(from, to) {
      const dayFrom = windowStart(from, "1d");
      const lastDay = windowStart(to, "1d");
      const dayTo = to === lastDay ? to : nextWindowStart(lastDay, "1d");
      let written = 0;
      for (const quantity of Object.keys(QUANTITIES) as Quantity[]) {
        const lines = await rollQuantity(quantity, dayFrom, dayTo);
        const refused = await writeLines(
          connected(),
          lines,
          { db: config.database, rp: config.rollupRetentionPolicy, precision: "ms" },
          config.batchSize,
        );
        written += lines.length - refused.length;
      }
      return written;
    },
  };
}
