// Runs the DeadLetterStore contract against the SQLite adapter on temporary files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { deadLetterStoreContract } from "../contract/dead-letter-store.contract.ts";
import { createSqliteDeadLetterStore } from "./dead-letter-store.ts";
import { createSqliteTelemetryStore } from "./telemetry-store.ts";

const folder = mkdtempSync(join(tmpdir(), "sqlite-dead-letters-"));
let files = 0;
const freshPath = () => join(folder, `letters-${files++}.db`);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

deadLetterStoreContract("sqlite (file)", async () => {
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

  it("closes safely without connect and refuses use before connect", async () => {
    const store = createSqliteDeadLetterStore({ path: freshPath() });
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.list({ limit: 1 })).rejects.toMatchObject({ code: "sqlite_not_connected" });
  });
});
