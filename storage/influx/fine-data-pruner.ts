// The personal-data retention job's deletions on InfluxDB: raw points of dwellings whose
// occupant has no consent in force for the purpose, older than the cutoff, are deleted; the
// daily rollups (their own database) stay and answer for those days. Each series keeps its
// last point before the cutoff, as in SQLite, so the first kept point has its predecessor.
// Only days whose rollup is settled are pruned: the cutoff stops at the first day that is not.
import { COMMON_SPACE } from "../../model/ids.ts";
import { QUANTITIES, type Quantity } from "../../model/quantities.ts";
import type { Series } from "./client.ts";
import { qualifiedMeasurement, quoteIdent, quoteString } from "./influxql.ts";
import { decodeTagValue } from "./line-protocol.ts";
import { clientFor, type InfluxOptions, parseInfluxOptions, rollupLocation } from "./options.ts";
import { isSettled, readDayStates } from "./rollup-state.ts";
import { GROUP_BY_SERIES, tagConditions, timeConditions, where } from "./series-query.ts";

/** What the pruner needs to know of consents (storage/sqlite/consent-store.ts has it). */
export interface ConsentsInForce {
  current(building: string, dwelling: string): Promise<readonly { purpose: string; granted: boolean }[]>;
}

export interface InfluxFineDataPruner {
  pruneFine(before: number, purpose: string): Promise<{ series: number; deleted: number }>;
}

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
  consents: ConsentsInForce,
): InfluxFineDataPruner {
  const config = parseInfluxOptions(options);
  const rollups = rollupLocation(config);
  // No I/O until the first request: the client holds no connection of its own.
  const client = clientFor(config);

  /** The cutoff moved back to the first day before it whose rollup is not settled. */
  async function settledCutoff(before: number): Promise<number> {
    let cutoff = before;
    for (const [day, state] of await readDayStates(client, rollups, undefined, before)) {
      if (!isSettled(day, state, config.rollupClockMarginMs)) cutoff = Math.min(cutoff, day);
    }
    return cutoff;
  }

  async function consented(building: string, dwelling: string, purpose: string): Promise<boolean> {
    return (await consents.current(building, dwelling)).some((c) => c.purpose === purpose && c.granted);
  }

  return {
    async pruneFine(before, purpose) {
      const cutoff = await settledCutoff(before);
      const measurements = (Object.keys(QUANTITIES) as Quantity[])
        .map((q) => qualifiedMeasurement(q, config.retentionPolicy))
        .join(", ");
      const range = where([
        `${quoteIdent("space")} != ${quoteString(COMMON_SPACE)}`,
        ...timeConditions(undefined, cutoff),
      ]);
      const [counts, lasts] = await client.query(
        [
          `SELECT COUNT("value") FROM ${measurements}${range} ${GROUP_BY_SERIES}`,
          `SELECT LAST("value") FROM ${measurements}${range} ${GROUP_BY_SERIES}`,
        ].join("; "),
        { db: config.database },
      );
      const verdicts = new Map<string, boolean>();
      const deletes: string[] = [];
      let series = 0;
      let deleted = 0;
      for (const s of seriesOf(counts?.series, lasts?.series)) {
        if (s.count <= 1) continue;
        const dwelling = `${s.building}\u0000${s.space}`;
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
      }
      for (let i = 0; i < deletes.length; i += DELETES_PER_REQUEST) {
        await client.query(deletes.slice(i, i + DELETES_PER_REQUEST).join("; "), {
          db: config.database,
        });
      }
      return { series, deleted };
    },
  };
}
