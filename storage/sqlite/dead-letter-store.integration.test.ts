// Runs the DeadLetterStore contract against the SQLite adapter on temporary files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { vitestKit } from "../../test/support/contract-kit.ts";
import { deadLetterStoreContract } from "../contract/dead-letter-store.contract.ts";
import { createSqliteDeadLetterStore } from "./dead-letter-store.ts";
import { createSqliteTelemetryStore } from "./telemetry-store.ts";

const folder = mkdtempSync(join(tmpdir(), "sqlite-dead-letters-"));
let files = 0;
const freshPath = () => join(folder, `letters-${files++}.db`);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

deadLetterStoreContract(vitestKit, "sqlite (file)", async () => {
  const store = createSqliteDeadLetterStore({ path: freshPath() });
  await store.connect();
  return { store, teardown: () => store.close() };
});

describe("SQLite dead-letter store", () => {
  const letter = { receivedAt: 1, topic: "t", reason: "malformed_topic" as const, detail: "d", payload: "p" };

  it("keeps letters across reopen and shares a file with the telemetry store", async () => {
    const path = freshPath();
    const telemetry = createSqliteTelemetryStore({ path });
    await telemetry.connect();
    const first = createSqliteDeadLetterStore({ path });
    await first.connect();
    await first.record([letter]);
    await first.close();
    const second = createSqliteDeadLetterStore({ path });
    await second.connect();
    expect(await second.list({ limit: 5 })).toEqual([{ ...letter, id: 1 }]);
    await second.close();
    await telemetry.close();
  });

  it("upgrades a file of the first schema: old letters kept, replays of new ones stored once", async () => {
    const path = freshPath();
    const old = new Database(path);
    old.exec(`CREATE TABLE dead_letters (id INTEGER PRIMARY KEY AUTOINCREMENT, received_at INTEGER NOT NULL,
      topic TEXT NOT NULL, reason TEXT NOT NULL, detail TEXT NOT NULL, payload TEXT NOT NULL, building TEXT);
      CREATE TABLE series (id INTEGER PRIMARY KEY, building TEXT NOT NULL, quantity TEXT NOT NULL, space TEXT NOT NULL,
      sensor TEXT NOT NULL, UNIQUE (building, quantity, space, sensor));
      CREATE TABLE points (series_id INTEGER NOT NULL, t INTEGER NOT NULL, v REAL NOT NULL, PRIMARY KEY (series_id, t)) WITHOUT ROWID;
      CREATE TABLE daily (series_id INTEGER NOT NULL, day INTEGER NOT NULL, n INTEGER NOT NULL, total REAL NOT NULL,
      lo REAL NOT NULL, hi REAL NOT NULL, last_t INTEGER NOT NULL, last_v REAL NOT NULL, inc REAL NOT NULL,
      inc_n INTEGER NOT NULL, PRIMARY KEY (series_id, day)) WITHOUT ROWID;
      INSERT INTO dead_letters (received_at, topic, reason, detail, payload) VALUES (1, 't', 'malformed_topic', 'd', 'p');
      PRAGMA user_version = 1;`);
    old.close();
    const store = createSqliteDeadLetterStore({ path });
    await store.connect();
    await store.record([letter, { ...letter, receivedAt: 2 }]);
    await store.record([{ ...letter, receivedAt: 2 }]);
    expect((await store.list({ limit: 5 })).map((l) => l.receivedAt)).toEqual([2, 1, 1]);
    await store.close();
  });

  it("closes safely without connect and refuses use before connect", async () => {
    const store = createSqliteDeadLetterStore({ path: freshPath() });
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.list({ limit: 1 })).rejects.toMatchObject({ code: "sqlite_not_connected" });
  });
});
