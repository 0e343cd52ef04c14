// Dead letters in InfluxDB: measurement dead_letter, tags reason and building, string fields
// topic, detail, payload and letter_key. A letter's timestamp, in microseconds, is its id:
// strictly increasing in the order letters are recorded, so it doubles as the paging cursor.
// The key (model/dead-letter.ts) makes recording idempotent: letters whose key is already stored
// since their time of receipt are not written again.
import type { Logger } from "pino";
import {
  type DeadLetter,
  deadLetterKey,
  type RejectionReason,
  rejectionReasonSchema,
} from "../../model/dead-letter.ts";
import type { DeadLetterStore, StoredDeadLetter } from "../dead-letter-store.ts";
import { writeLines } from "./batch-writer.ts";
import { type InfluxClient, InfluxError } from "./client.ts";
import { qualifiedMeasurement, quoteIdent, quoteString } from "./influxql.ts";
import { decodeTagValue, encodePoint, encodeTagValue } from "./line-protocol.ts";
import {
  clientFor,
  ensureDatabase,
  type InfluxOptions,
  parseInfluxOptions,
  recreatingDatabase,
} from "./options.ts";
import { where } from "./series-query.ts";

export const DEAD_LETTER_MEASUREMENT = "dead_letter";

/** How far the clocks of two ingest hosts may differ: a letter's id is taken from the clock of
 * the host that records it, which may be behind the one that received it. */
const CLOCK_MARGIN_US = 10 * 60 * 1_000_000;

export function createInfluxDeadLetterStore(options: InfluxOptions): DeadLetterStore {
  const config = parseInfluxOptions(options);
  const log: Logger | undefined = config.logger;
  const measurement = qualifiedMeasurement(DEAD_LETTER_MEASUREMENT, config.retentionPolicy);
  let client: InfluxClient | undefined;
  let lastId: number | undefined;

  const connected = (): InfluxClient => {
    client ??= clientFor(config);
    return client;
  };
  const query = (q: string) => connected().query(q, { db: config.database, epoch: "u" });
  const withDatabase = recreatingDatabase(config, connected);

  /** The keys among `keys` stored since `sinceUs` (a letter is recorded after its receipt),
   * asked for by value, a few hundred at a time: a replay after a long spool must not fetch
   * every letter since. */
  async function storedKeys(keys: ReadonlySet<string>, sinceUs: number): Promise<Set<string>> {
    const found = new Set<string>();
    const all = [...keys];
    for (let i = 0; i < all.length; i += 200) {
      const match = all
        .slice(i, i + 200)
        .map((key) => `"letter_key" = ${quoteString(key)}`)
        .join(" OR ");
      const [result] = await query(
        `SELECT "letter_key" FROM ${measurement} WHERE time >= ${Math.trunc(sinceUs)}u AND (${match})`,
      );
      for (const [, key] of result?.series?.[0]?.values ?? []) if (typeof key === "string") found.add(key);
    }
    return found;
  }

  /** Ids continue after the newest stored letter, even across restarts and a clock set back. */
  async function nextIds(n: number): Promise<number[]> {
    if (lastId === undefined) {
      const [result] = await query(`SELECT LAST("topic") FROM ${measurement}`);
      const t = result?.series?.[0]?.values[0]?.[0];
      lastId = typeof t === "number" ? t : 0;
    }
    const ids: number[] = [];
    let id = Math.max(lastId, Date.now() * 1000 - 1);
    for (let i = 0; i < n; i++) ids.push(++id);
    lastId = id;
    return ids;
  }

  const buildingCondition = (building: string | undefined): string[] =>
    building === undefined ? [] : [`${quoteIdent("building")} = ${quoteString(encodeTagValue(building))}`];

  return {
    async connect() {
      const c = connected();
      await c.ping();
      if (config.createDatabase) await ensureDatabase(c, config);
    },

    async close() {
      client = undefined;
      lastId = undefined;
    },

    async record(given: readonly DeadLetter[]) {
      if (given.length === 0) return;
      await withDatabase(async () => {
        const keyed = new Map<string, DeadLetter>();
        let earliest = Number.POSITIVE_INFINITY;
        for (const letter of given) {
          keyed.set(deadLetterKey(letter), letter);
          earliest = Math.min(earliest, letter.receivedAt);
        }
        const stored = await storedKeys(new Set(keyed.keys()), earliest * 1000 - CLOCK_MARGIN_US);
        const letters = [...keyed].filter(([key]) => !stored.has(key));
        if (letters.length === 0) return;
        const ids = await nextIds(letters.length);
        const lines = letters.map(([key, letter], i) =>
          encodePoint({
            measurement: DEAD_LETTER_MEASUREMENT,
            tags: {
              reason: letter.reason,
              ...(letter.building === undefined ? {} : { building: encodeTagValue(letter.building) }),
            },
            fields: {
              topic: letter.topic,
              detail: letter.detail,
              payload: letter.payload,
              received_at: letter.receivedAt,
              letter_key: key,
            },
            time: ids[i]!,
          }),
        );
        const refused = await writeLines(
          connected(),
          lines,
          {
            db: config.database,
            rp: config.retentionPolicy,
            precision: "u",
            consistency: config.consistency,
          },
          config.batchSize,
        );
        if (refused.length > 0) {
          // Refused for what they hold: the caller keeps them in its journal and says so.
          log?.error({ refused: refused.length }, "influx refused dead letters");
          throw new InfluxError(
            "influx_bad_request",
            `InfluxDB refused ${refused.length} dead letter(s): ${refused[0]!.reason}`,
            { retryable: false, blame: "data" },
          );
        }
      });
    },

    async list(filter) {
      const conditions = [...buildingCondition(filter.building)];
      if (filter.reason !== undefined)
        conditions.push(`${quoteIdent("reason")} = ${quoteString(filter.reason)}`);
      if (filter.before !== undefined) conditions.push(`time < ${Math.trunc(filter.before)}u`);
      const limit = Math.max(0, Math.trunc(filter.limit));
      if (limit === 0) return [];
      const [result] = await query(
        `SELECT "topic", "detail", "payload", "received_at", "reason", "building" FROM ${measurement}${where(conditions)} ORDER BY time DESC LIMIT ${limit}`,
      );
      const letters: StoredDeadLetter[] = [];
      for (const [id, topic, detail, payload, receivedAt, reason, building] of result?.series?.[0]?.values ??
        []) {
        const letter: StoredDeadLetter = {
          id: id as number,
          receivedAt: receivedAt as number,
          topic: topic as string,
          reason: reason as RejectionReason,
          detail: detail as string,
          payload: payload as string,
        };
        if (typeof building === "string") letter.building = decodeTagValue(building);
        letters.push(letter);
      }
      return letters;
    },

    async pruneReceivedBefore(before) {
      // DELETE in InfluxDB 1.x filters on time and tags, not on fields: find the letters by their
      // received_at field, then delete them by their time (their id), a few hundred a request.
      return withDatabase(async () => {
        const [result] = await query(
          `SELECT "received_at" FROM ${measurement} WHERE "received_at" < ${Math.trunc(before)}`,
        );
        const ids = (result?.series?.[0]?.values ?? []).map((row) => row[0] as number);
        for (let i = 0; i < ids.length; i += 500) {
          await query(
            ids
              .slice(i, i + 500)
              .map((id) => `DELETE FROM ${quoteIdent(DEAD_LETTER_MEASUREMENT)} WHERE time = ${id}u`)
              .join("; "),
          );
        }
        return ids.length;
      });
    },

    async countByReason(filter = {}) {
      const [result] = await query(
        `SELECT COUNT("topic") FROM ${measurement}${where(buildingCondition(filter.building))} GROUP BY ${quoteIdent("reason")}`,
      );
      const counts: Partial<Record<RejectionReason, number>> = {};
      for (const s of result?.series ?? []) {
        const reason = rejectionReasonSchema.safeParse(s.tags?.reason);
        const n = s.values[0]?.[1];
        if (reason.success && typeof n === "number" && n > 0) counts[reason.data] = n;
      }
      return counts;
    },
  };
}
