// Dead letters in InfluxDB: measurement dead_letter, tags reason and building, string fields
// topic, detail and payload. A letter's timestamp, in microseconds, is its id: strictly
// increasing in the order letters are recorded, so it doubles as the paging cursor.
import type { Logger } from "pino";
import { type DeadLetter, type RejectionReason, rejectionReasonSchema } from "../../model/dead-letter.ts";
import type { DeadLetterStore, StoredDeadLetter } from "../dead-letter-store.ts";
import { writeLines } from "./batch-writer.ts";
import { type InfluxClient, InfluxError } from "./client.ts";
import { qualifiedMeasurement, quoteIdent, quoteString } from "./influxql.ts";
import { decodeTagValue, encodePoint, encodeTagValue } from "./line-protocol.ts";
import { clientFor, ensureDatabase, type InfluxOptions, parseInfluxOptions } from "./options.ts";
import { where } from "./series-query.ts";

export const DEAD_LETTER_MEASUREMENT = "dead_letter";

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

    async record(letters: readonly DeadLetter[]) {
      if (letters.length === 0) return;
      const ids = await nextIds(letters.length);
      const lines = letters.map((letter, i) =>
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
          },
          time: ids[i]!,
        }),
      );
      const refused = await writeLines(
        connected(),
        lines,
        { db: config.database, rp: config.retentionPolicy, precision: "u", consistency: config.consistency },
        config.batchSize,
      );
      if (refused.length > 0) {
        // A dead letter that cannot be kept must not vanish silently: the caller retries or logs.
        log?.error({ refused: refused.length }, "influx refused dead letters");
        throw new InfluxError(
          "influx_bad_request",
          `InfluxDB refused ${refused.length} dead letter(s): ${refused[0]!.reason}`,
          {
            retryable: false,
          },
        );
      }
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
