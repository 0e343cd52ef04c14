// Daily rollups kept beyond the raw retention: per sensor and local day (in the site's time
// zone), count/sum/min/max/
// mean/last (and the time of the last point) and, for meters, consumption by the shared rule
// (domain/consumption.ts), written to the rollup retention policy under the same measurement
// and tags as the raw points. InfluxQL cannot express months nor the reset rule, so this
// runs here rather than as a continuous query. It is idempotent; `runDue` rolls exactly the
// days that writes touched since their last roll (rollup-state.ts), which is also what lets
// the store read a settled day from its rollup.

import { nextWindowStart, windowStart } from "../../domain/calendar.ts";
import { consumptionOfSeries } from "../../domain/consumption.ts";
import { isCounter, QUANTITIES, type Quantity } from "../../model/quantities.ts";
import type { Reading } from "../../model/reading.ts";
import { writeLines } from "./batch-writer.ts";
import { qualifiedMeasurement } from "./influxql.ts";
import { decodeTagValue, encodePoint } from "./line-protocol.ts";
import { clientFor, type InfluxOptions, parseInfluxOptions, rollupLocation } from "./options.ts";
import {
  claimConsumptionRule,
  isSettled,
  readRollupState,
  rolledLines,
  rollupZoneGuard,
} from "./rollup-state.ts";
import {
  type Bucket,
  bucketWidth,
  GROUP_BY_SERIES,
  mergeBuckets,
  readingsOf,
  timeConditions,
  where,
} from "./series-query.ts";

type Day = Bucket & { consumption?: number; lastT?: number };

/** Days rolled per pass of runDue: bounds the raw points held in memory at once. */
const DAYS_PER_PASS = 7;

const keyOf = (r: Pick<Reading, "building" | "space" | "sensor">) =>
  `${r.building}\u0000${r.space}\u0000${r.sensor}`;

export interface DailyRollup {
  /** Recomputes the rollups of every local day overlapping [from, to); returns points written. */
  run(from: number, to: number): Promise<number>;
  /** Rolls every day written to since its last roll, or not settled yet, that started before
   * `now`; returns the days and points written. */
  runDue(now?: number): Promise<{ days: number; points: number }>;
}

export function createInfluxDailyRollup(options: InfluxOptions): DailyRollup {
  const config = parseInfluxOptions(options);
  const rollups = rollupLocation(config);
  const zone = config.timeZone;
  // No I/O until the first request: the client holds no connection of its own.
  const client = clientFor(config);
  const checkZone = rollupZoneGuard(() => client, rollups, zone);
  let ruleClaimed = false;
  /** The zone checked, and this job's consumption rule recorded, before anything is rolled. */
  const claim = async () => {
    await checkZone();
    if (!ruleClaimed) ruleClaimed = await claimConsumptionRule(client, rollups, Date.now());
  };

  async function rollQuantity(quantity: Quantity, dayFrom: number, dayTo: number): Promise<string[]> {
    const raw = qualifiedMeasurement(quantity, config.retentionPolicy);
    const range = where(timeConditions(dayFrom, dayTo));
    const bucket = bucketWidth("1d", dayFrom, dayTo, zone);
    const statements = [
      `SELECT COUNT("value"), SUM("value"), MIN("value"), MAX("value"), LAST("value") FROM ${raw}${range} GROUP BY time(${bucket}), "building", "space", "sensor" fill(none)`,
    ];
    if (isCounter(quantity)) {
      statements.push(
        `SELECT LAST("value") FROM ${raw}${where(timeConditions(undefined, dayFrom))} ${GROUP_BY_SERIES}`,
        `SELECT "value" FROM ${raw}${range} ${GROUP_BY_SERIES}`,
      );
    }
    // Without GROUP BY time, LAST answers with the point's own time: the exact last of each day.
    const dayStarts: number[] = [];
    for (let day = dayFrom; day < dayTo; day = nextWindowStart(day, "1d", zone)) {
      dayStarts.push(day);
      statements.push(
        `SELECT LAST("value") FROM ${raw}${where(timeConditions(day, nextWindowStart(day, "1d", zone)))} ${GROUP_BY_SERIES}`,
      );
    }
    const [results, [existing]] = await Promise.all([
      client.query(statements.join("; "), { db: config.database }),
      // The counts already rolled: a series' day never shrinks (see the lines below).
      client.query(
        `SELECT "count" FROM ${qualifiedMeasurement(quantity, rollups.rp)}${range} ${GROUP_BY_SERIES}`,
        {
          db: rollups.db,
        },
      ),
    ]);
    const rolledCount = new Map<string, number>();
    for (const r of readingsOf(existing?.series)) rolledCount.set(`${keyOf(r)}\u0000${r.t}`, r.v);
    const [hourly] = results;
    const [before, inside] = isCounter(quantity) ? results.slice(1, 3) : [];
    const lastOfDays = results.slice(results.length - dayStarts.length);
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
      mergeBuckets(s.values, "1d", entry.days, zone);
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
        const windows = consumptionOfSeries(p && { t: p.t, v: p.v }, list, "1d", zone);
        const entry = days.get(key);
        for (const w of windows) {
          const d = entry?.days.get(w.start);
          if (d !== undefined) d.consumption = w.value;
        }
      }
    }
    for (const [i, result] of lastOfDays.entries()) {
      for (const r of readingsOf(result.series)) {
        const d = days.get(keyOf(r))?.days.get(dayStarts[i]!);
        if (d !== undefined) {
          d.last = r.v;
          d.lastT = r.t;
        }
      }
    }
    const lines: string[] = [];
    for (const [key, { tags, days: byDay }] of days) {
      for (const [start, d] of byDay) {
        // Fewer points than already rolled: raw points of the day were deleted (personal-data
        // retention, an expired shard) and a late write sent the day back here. The rollup
        // holds more than raw does now; keep it.
        if (d.count < (rolledCount.get(`${key}\u0000${start}`) ?? 0)) continue;
        lines.push(
          encodePoint({
            measurement: quantity,
            // Tags come back from InfluxDB as stored (already encoded): keep them so.
            tags: { building: tags.building!, space: tags.space!, sensor: tags.sensor! },
            fields: {
              count: d.count,
              sum: d.sum,
              min: d.min,
              max: d.max,
              mean: d.sum / d.count,
              last: d.last,
              ...(d.lastT === undefined ? {} : { last_t: d.lastT }),
              ...(d.consumption === undefined ? {} : { consumption: d.consumption }),
            },
            time: start,
          }),
        );
      }
    }
    return lines;
  }

  async function rollDays(dayFrom: number, dayTo: number): Promise<number> {
    await claim();
    const startedAt = Date.now();
    let written = 0;
    for (const quantity of Object.keys(QUANTITIES) as Quantity[]) {
      const lines = await rollQuantity(quantity, dayFrom, dayTo);
      const refused = await writeLines(
        client,
        lines,
        { db: rollups.db, rp: rollups.rp, precision: "ms" },
        config.batchSize,
      );
      if (refused.length > 0) {
        // The days stay unsettled (read from raw) until a run writes every line.
        throw new Error(
          `InfluxDB refused ${refused.length} daily rollup lines of ${quantity}: ${refused[0]!.reason}`,
        );
      }
      written += lines.length;
    }
    const days: number[] = [];
    for (let day = dayFrom; day < dayTo; day = nextWindowStart(day, "1d", zone)) days.push(day);
    await client.write(rolledLines(days, startedAt).join("\n"), {
      db: rollups.db,
      rp: rollups.rp,
      precision: "ms",
    });
    return written;
  }

  return {
    run(from, to) {
      const dayFrom = windowStart(from, "1d", zone);
      const lastDay = windowStart(to, "1d", zone);
      return rollDays(dayFrom, to === lastDay ? to : nextWindowStart(lastDay, "1d", zone));
    },

    async runDue(now = Date.now()) {
      await claim();
      const { days: states } = await readRollupState(client, rollups, undefined, now);
      const due = [...states]
        .filter(([day, state]) => day < now && !isSettled(day, state, config.rollupClockMarginMs, zone))
        .map(([day]) => day)
        .sort((a, b) => a - b);
      let points = 0;
      for (let i = 0; i < due.length; ) {
        // A pass is a run of consecutive due days, at most DAYS_PER_PASS long.
        const first = due[i]!;
        let end = nextWindowStart(first, "1d", zone);
        let n = 1;
        while (i + n < due.length && due[i + n] === end && n < DAYS_PER_PASS) {
          end = nextWindowStart(end, "1d", zone);
          n++;
        }
        points += await rollDays(first, end);
        i += n;
      }
      return { days: due.length, points };
    },
  };
}
