// The retention job on a real SQLite file: raw points of dwellings without consent go past the
// cutoff, daily figures stay exactly as they were, consented dwellings and common areas keep
// everything, and a withdrawn consent lets the next run prune.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  DAY,
  dailyFigures,
  NOW,
  rawPoints,
  START,
  tenDaysOf,
} from "../storage/contract/retention-fixture.ts";
import { createSqliteConsentStore, type SqliteConsentStore } from "../storage/sqlite/consent-store.ts";
import { createSqliteTelemetryStore } from "../storage/sqlite/telemetry-store.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import { createRetentionJob } from "./retention.ts";

let folder: string;
let store: TelemetryStore;
let consents: SqliteConsentStore;

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), "retention-"));
  const path = join(folder, "telemetry.db");
  store = createSqliteTelemetryStore({ path });
  consents = createSqliteConsentStore({ path });
  await store.connect();
  await consents.connect();
  for (const space of ["d-none", "d-consent", "common"]) await store.write(tenDaysOf(space));
});

afterEach(async () => {
  await consents.close();
  await store.close();
  rmSync(folder, { recursive: true, force: true });
});

const raw = (space: string, to = NOW) => rawPoints(store, space, to);

describe("retention of fine-grained dwelling data", () => {
  it("deletes raw points older than RETENTION_FINE_DAYS for dwellings without consent, keeping daily figures", async () => {
    await consents.record({
      building: "b",
      dwelling: "d-consent",
      purpose: "fine_history",
      granted: true,
      recordedBy: "tenant",
    });
    const before = {
      daily: await dailyFigures(store, "d-none"),
      consented: await raw("d-consent"),
      common: await raw("common"),
      count: await store.count({
        building: "b",
        quantity: "cold_water",
        space: "d-none",
        from: START,
        to: NOW,
      }),
    };
    const job = createRetentionJob({ pruner: consents, fineDays: 3, logger: pino({ level: "silent" }) });
    const result = await job.runOnce(NOW);
    // Paris midnight three days before NOW's day at noon: 2025-03-08.
    expect(new Date(result.before).toISOString()).toBe("2025-03-07T23:00:00.000Z");
    // 7 days × 96 points per day, less the last point before the cutoff, for each of two series.
    expect(result.deleted).toBe(2 * (7 * 96 - 1));
    expect(await raw("d-none", result.before)).toBe(1);
    expect(
      await store.count({ building: "b", quantity: "cold_water", space: "d-none", from: START, to: NOW }),
    ).toBe(before.count);
    expect(await raw("d-none")).toBe(3 * 96 + 1);
    expect(await dailyFigures(store, "d-none")).toEqual(before.daily);
    expect(await raw("d-consent")).toBe(before.consented);
    expect(await raw("common")).toBe(before.common);
    // Hourly windows before the cutoff are gone: finer than daily is no longer there.
    const hourly = await store.consumption({
      building: "b",
      quantity: "cold_water",
      space: "d-none",
      from: START,
      to: START + DAY,
      every: "1h",
    });
    expect(hourly).toEqual([]);
  });

  it("prunes a dwelling once its consent is withdrawn, and nothing twice", async () => {
    await consents.record({
      building: "b",
      dwelling: "d-consent",
      purpose: "fine_history",
      granted: true,
      recordedBy: "t",
    });
    const job = createRetentionJob({ pruner: consents, fineDays: 3, logger: pino({ level: "silent" }) });
    const first = await job.runOnce(NOW);
    await consents.record({
      building: "b",
      dwelling: "d-consent",
      purpose: "fine_history",
      granted: false,
      recordedBy: "t",
    });
    expect((await consents.current("b", "d-consent")).map((c) => c.granted)).toEqual([false]);
    const second = await job.runOnce(NOW);
    expect(second.deleted).toBe(first.deleted);
    expect((await job.runOnce(NOW)).deleted).toBe(0);
    await job.stop();
  });

  it("refuses a retention shorter than a day", () => {
    expect(() =>
      createRetentionJob({ pruner: consents, fineDays: 0, logger: pino({ level: "silent" }) }),
    ).toThrow(/RETENTION_FINE_DAYS/);
  });
});
