// The personal-data retention job's deletions on InfluxDB: raw points of dwellings whose
// occupant has no consent in force for the purpose, older than the cutoff, are deleted; the
// daily rollups (their own database) stay and answer for those days. Each series keeps its
// last point before the cutoff, as in SQLite, so the first kept point has its predecessor.
// Only days whose rollup is settled are pruned: each dwelling's cutoff stops at the first day
// holding its points that is not (another dwelling's backfill does not hold it back). Known limit: a late point written into a day between the check
// and the DELETE is deleted without having been rolled.

import { nextWindowStart, windowStart } from "../../domain/calendar.ts";
import { COMMON_SPACE } from "../../model/ids.ts";
import { QUANTITIES, type Quantity } from "../../model/quantities.ts";
import type { ConsentStore } from "../consent-store.ts";
import type { FineDataPruner } from "../fine-data-pruner.ts";
import type { Series } from "./client.ts";
import { qualifiedMeasurement, quoteIdent, quoteString } from "./influxql.ts";
import { decodeTagValue } from "./line-protocol.ts";
import { clientFor, type InfluxOptions, parseInfluxOptions, rollupLocation } from "./options.ts";
import { isSettled, readRollupState, rollupZoneGuard, writePrunedThrough } from "./rollup-state.ts";
import { GROUP_BY_SERIES, tagConditions, timeConditions, where } from "./series-query.ts";

const dwellingKey = (building: string, space: string) => `${building}\u0000${space}`;

const notCommon = `${quoteIdent("space")} != ${quoteString(COMMON_SPACE)}`;

// DELETE statements per /query request.
const DELETES_PER_REQUEST = 50;

interface SeriesToPrune {
  quantity: Quantity;
  building: string;
  space: string;
  sensor: string;
  count: number;
  lastT: number;
}

function seriesOf(counts: readonly Series[] | undefined, lasts: readonly Series[] | undefined) {
  const key = (s: Series) =>
    `${s.name}\u0000${s.tags?.building}\u0000${s.tags?.space}\u0000${s.tags?.sensor}`;
  const lastTimes = new Map((lasts ?? []).map((s) => [key(s), s.values[0]?.[0] as number]));
  const found: SeriesToPrune[] = [];
  for (const s of counts ?? []) {
    const count = s.values[0]?.[1];
    const lastT = lastTimes.get(key(s));
    if (typeof count !== "number" || lastT === undefined) continue;
    found.push({
      quantity: s.name as Quantity,
      building: decodeTagValue(s.tags?.building ?? ""),
      space: decodeTagValue(s.tags?.space ?? ""),
      sensor: decodeTagValue(s.tags?.sensor ?? ""),
      count,
      lastT,
    });
  }
  return found;
}

export function createInfluxFineDataPruner(
  options: InfluxOptions,
  consents: Pick<ConsentStore, "current">,
): FineDataPruner {
  const config = parseInfluxOptions(options);
  const rollups = rollupLocation(config);
  const zone = config.timeZone;
  // No I/O until the first request: the client holds no connection of its own.
  const client = clientFor(config);
  const checkZone = rollupZoneGuard(() => client, rollups, zone);

  /** Each dwelling's cutoff: `before`, moved back to the first day that holds its points and
   * whose rollup is not settled, marked or not (a day written behind the store's back has no
   * mark and no rollup, and must keep its raw points); and where earlier runs pruned up to.
   * The unsettled days are found over all dwellings by the hour (as many rows as hours), then
   * only those days are asked which dwellings they hold: never hours × dwellings rows. An hour
   * counts for each day it overlaps (a zone whose days start on the half hour). */
  async function settledCutoffs(before: number, measurements: string) {
    const [[hours], { days: states, prunedThrough }] = await Promise.all([
      client.query(
        `SELECT COUNT("value") FROM ${measurements}${where([notCommon, ...timeConditions(undefined, before)])} GROUP BY time(1h) fill(none)`,
        { db: config.database },
      ),
      readRollupState(client, rollups, undefined, before),
    ]);
    const unsettled = new Set<number>();
    for (const s of hours?.series ?? []) {
      for (const [t] of s.values as [number][]) {
        for (const day of new Set([windowStart(t, "1d", zone), windowStart(t + 3_599_999, "1d", zone)])) {
          if (day < before && !isSettled(day, states.get(day), config.rollupClockMarginMs, zone)) {
            unsettled.add(day);
          }
        }
      }
    }
    const cutoffs = new Map<string, number>();
    const days = [...unsettled].sort((a, b) => a - b);
    for (let i = 0; i < days.length; i += DELETES_PER_REQUEST) {
      const batch = days.slice(i, i + DELETES_PER_REQUEST);
      const results = await client.query(
        batch
          .map(
            (day) =>
              `SELECT COUNT("value") FROM ${measurements}${where([notCommon, ...timeConditions(day, nextWindowStart(day, "1d", zone))])} GROUP BY "building", "space"`,
          )
          .join("; "),
        { db: config.database },
      );
      results.forEach((result, k) => {
        for (const s of result.series ?? []) {
          const dwelling = dwellingKey(
            decodeTagValue(s.tags?.building ?? ""),
            decodeTagValue(s.tags?.space ?? ""),
          );
          cutoffs.set(dwelling, Math.min(cutoffs.get(dwelling) ?? before, batch[k]!));
        }
      });
    }
    return { cutoffs, prunedThrough };
  }

  async function consented(building: string, dwelling: string, purpose: string): Promise<boolean> {
    return (await consents.current(building, dwelling)).some((c) => c.purpose === purpose && c.granted);
  }

  return {
    async pruneFine(before, purpose) {
      await checkZone();
      const measurements = (Object.keys(QUANTITIES) as Quantity[])
        .map((q) => qualifiedMeasurement(q, config.retentionPolicy))
        .join(", ");
      // Every run reads all the dwellings' history before the cutoff: a consent withdrawn today
      // opens years of a dwelling's fine data to pruning (see "Missing / limits").
      const { cutoffs, prunedThrough } = await settledCutoffs(before, measurements);
      const verdicts = new Map<string, boolean>();
      const deletes: string[] = [];
      let series = 0;
      let deleted = 0;
      let line = Number.NEGATIVE_INFINITY;
      // One read of the series per distinct cutoff (most dwellings share `before`).
      const found: SeriesToPrune[] = [];
      for (const cutoff of new Set([before, ...cutoffs.values()])) {
        const range = where([notCommon, ...timeConditions(undefined, cutoff)]);
        const [counts, lasts] = await client.query(
          [
            `SELECT COUNT("value") FROM ${measurements}${range} ${GROUP_BY_SERIES}`,
            `SELECT LAST("value") FROM ${measurements}${range} ${GROUP_BY_SERIES}`,
          ].join("; "),
          { db: config.database },
        );
        for (const s of seriesOf(counts?.series, lasts?.series))
          if ((cutoffs.get(dwellingKey(s.building, s.space)) ?? before) === cutoff) found.push(s);
      }
      for (const s of found) {
        if (s.count <= 1) continue;
        const dwelling = dwellingKey(s.building, s.space);
        let keep = verdicts.get(dwelling);
        if (keep === undefined) {
          keep = await consented(s.building, s.space, purpose);
          verdicts.set(dwelling, keep);
        }
        if (keep) continue;
        // DELETE takes no retention policy: it acts on every policy of the database.
        deletes.push(
          `DELETE FROM ${quoteIdent(s.quantity)}${where([...tagConditions(s), ...timeConditions(undefined, s.lastT)])}`,
        );
        series++;
        deleted += s.count - 1;
        line = Math.max(line, cutoffs.get(dwelling) ?? before);
      }
      // Recorded first: from now on, reads keep these days on their rollups even if a late write
      // dirties them, and raw points are about to be incomplete.
      // The line is the latest dwelling cutoff: before it some raw points are gone, so reads take
      // rolled days from their rollups (a dwelling held back on an unsettled day reads that day
      // from its rollup once rolled, the same figures as the rollup job's).
      if (line > (prunedThrough ?? Number.NEGATIVE_INFINITY)) await writePrunedThrough(client, rollups, line);
      for (let i = 0; i < deletes.length; i += DELETES_PER_REQUEST) {
        await client.query(deletes.slice(i, i + DELETES_PER_REQUEST).join("; "), {
          db: config.database,
        });
      }
      return { series, deleted };
    },
  };
}
