// The embedded DeadLetterStore: refused messages in a SQLite table, newest first by id.
import type Database from "better-sqlite3";
import { type DeadLetter, deadLetterKey, type RejectionReason } from "../../model/dead-letter.ts";
import type { DeadLetterFilter, DeadLetterStore, StoredDeadLetter } from "../dead-letter-store.ts";
import { connectionLifecycle } from "./connection.ts";
import { openDatabase, parseSqliteOptions } from "./database.ts";
import { type Params, StatementCache } from "./series-filter.ts";

interface Row {
  id: number;
  received_at: number;
  topic: string;
  reason: RejectionReason;
  detail: string;
  payload: string;
  building: string | null;
}

interface Connection {
  db: Database.Database;
  statements: StatementCache;
  recordAll: (letters: readonly DeadLetter[]) => void;
}

export function createSqliteDeadLetterStore(options: { path: string }): DeadLetterStore {
  const config = parseSqliteOptions(options);
  const { connect, close, connected } = connectionLifecycle("dead-letter store", (): Connection => {
    const db = openDatabase(config);
    const insert = db.prepare(
      "INSERT OR IGNORE INTO dead_letters (received_at, topic, reason, detail, payload, building, letter_key) VALUES (?, ?, ?, ?, ?, ?, ?)",
    );
    return {
      db,
      statements: new StatementCache(db),
      recordAll: db.transaction((letters: readonly DeadLetter[]) => {
        for (const l of letters)
          insert.run(
            l.receivedAt,
            l.topic,
            l.reason,
            l.detail,
            l.payload,
            l.building ?? null,
            deadLetterKey(l),
          );
      }),
    };
  });

  return {
    async connect() {
      connect();
    },

    async close() {
      close();
    },

    async record(letters) {
      const c = connected();
      if (letters.length > 0) c.recordAll(letters);
    },

    async list(filter: DeadLetterFilter): Promise<StoredDeadLetter[]> {
      const c = connected();
      const { where, params } = conditions(filter);
      if (filter.before !== undefined) {
        where.push("id < @before");
        params.before = filter.before;
      }
      params.limit = filter.limit;
      const sql = `SELECT id, received_at, topic, reason, detail, payload, building FROM dead_letters
        ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT @limit`;
      return (c.statements.get(sql).all(params) as Row[]).map(toLetter);
    },

    async pruneReceivedBefore(before) {
      const c = connected();
      return c.db.prepare("DELETE FROM dead_letters WHERE received_at < ?").run(Math.trunc(before)).changes;
    },

    async countByReason(filter = {}) {
      const c = connected();
      const { where, params } = conditions(filter);
      const sql = `SELECT reason, COUNT(*) AS n FROM dead_letters
        ${where.length > 0 ? `WHERE ${where.join(" AND ")}` : ""} GROUP BY reason`;
      const counts: Partial<Record<RejectionReason, number>> = {};
      for (const row of c.statements.get(sql).all(params) as { reason: RejectionReason; n: number }[]) {
        counts[row.reason] = row.n;
      }
      return counts;
    },
  };
}

function conditions(filter: { building?: string; reason?: RejectionReason }): {
  where: string[];
  params: Params;
} {
  const where: string[] = [];
  const params: Params = {};
  if (filter.building !== undefined) {
    where.push("building = @building");
    params.building = filter.building;
  }
  if (filter.reason !== undefined) {
    where.push("reason = @reason");
    params.reason = filter.reason;
  }
  return { where, params };
}

function toLetter(row: Row): StoredDeadLetter {
  const letter: StoredDeadLetter = {
    id: row.id,
    receivedAt: row.received_at,
    topic: row.topic,
    reason: row.reason,
    detail: row.detail,
    payload: row.payload,
  };
  if (row.building !== null) letter.building = row.building;
  return letter;
}
