// The retention job on a real SQLite file: the cutoff at a Paris midnight RETENTION_FINE_DAYS
// back, the dead letters that go with it, and its refusal of less than a day. What a pruner
// deletes is the FineDataPruner contract's (storage/sqlite/consent-store.integration.test.ts runs it).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ConsentStore } from "../storage/consent-store.ts";
import { CUTOFF, NOW, START, tenDaysOf } from "../storage/contract/fine-data-pruner.contract.ts";
import type { FineDataPruner } from "../storage/fine-data-pruner.ts";
import { createSqliteConsentStore } from "../storage/sqlite/consent-store.ts";
import { createSqliteDeadLetterStore } from "../storage/sqlite/dead-letter-store.ts";
import { createSqliteTelemetryStore } from "../storage/sqlite/telemetry-store.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import { createRetentionJob } from "./retention.ts";

const silent = pino({ level: "silent" });

function openSqlite() {
  const folder = mkdtempSync(join(tmpdir(), "retention-"));
  const path = join(folder, "telemetry.db");
  const store = createSqliteTelemetryStore({ path });
  const consents = createSqliteConsentStore({ path });
  return {
    store,
    consents,
    async connect() {
      await store.connect();
      await consents.connect();
    },
    async teardown() {
      await consents.close();
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

describe("the retention job", () => {
  let store: TelemetryStore;
  let consents: ConsentStore & FineDataPruner;
  let teardown: () => Promise<void>;

  beforeEach(async () => {
    const opened = openSqlite();
    await opened.connect();
    ({ store, consents, teardown } = opened);
    await store.write(tenDaysOf("d-none"));
  });

  afterEach(async () => {
    await teardown();
  });

  it("prunes before the Paris midnight RETENTION_FINE_DAYS before today; SQLite counts from its daily rows", async () => {
    const count = () =>
      store.count({ building: "b", quantity: "cold_water", space: "d-none", from: START, to: NOW });
    const before = await count();
    const job = createRetentionJob({
      pruner: consents,
      fineDays: 3,
      timeZone: "Europe/Paris",
      logger: silent,
    });
    const result = await job.runOnce(NOW);
    expect(result.before).toBe(CUTOFF);
    expect(result.deleted).toBe(2 * (7 * 96 - 1));
    expect(await count()).toBe(before);
    await job.stop();
  });

  it("deletes the dead letters received before the same cutoff: they carry readings", async () => {
    const letters = createSqliteDeadLetterStore({
      path: join(mkdtempSync(join(tmpdir(), "retention-letters-")), "l.db"),
    });
    await letters.connect();
    const letter = (receivedAt: number) => ({
      receivedAt,
      topic: "telemetry/b/d-none/cw",
      reason: "out_of_range" as const,
      detail: "the value 1e9 m3 is outside the plausible range",
      payload: '{"v": 1e9}',
      building: "b",
    });
    await letters.record([
      letter(CUTOFF - 86_400_000),
      letter(CUTOFF - 1),
      letter(CUTOFF),
      letter(NOW - 1000),
    ]);
    const job = createRetentionJob({
      pruner: consents,
      deadLetters: letters,
      fineDays: 3,
      timeZone: "Europe/Paris",
      logger: silent,
    });
    expect((await job.runOnce(NOW)).deadLetters).toBe(2);
    expect((await letters.list({ limit: 10 })).map((l) => l.receivedAt)).toEqual([NOW - 1000, CUTOFF]);
    await job.stop();
    await letters.close();
  });

  it("refuses a retention shorter than a day", () => {
    expect(() =>
      createRetentionJob({ pruner: consents, fineDays: 0, timeZone: "Europe/Paris", logger: silent }),
    ).toThrow(/RETENTION_FINE_DAYS/);
  });
});
