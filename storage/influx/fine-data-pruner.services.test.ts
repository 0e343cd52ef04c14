// The retention job with the InfluxDB pruner, against a real influxd: raw points of dwellings
// without consent go past the cutoff while daily figures stay exactly as they were (read from
// the rollups' own database), consented dwellings and common areas keep everything, and days
// whose rollup is not settled are never pruned.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createRetentionJob } from "../../api/retention.ts";
import { type RunningInfluxd, startInfluxd } from "../../test/services/influxd.ts";
import { DAY, dailyFigures, NOW, rawPoints, START, tenDaysOf } from "../contract/retention-fixture.ts";
import { createSqliteConsentStore, type SqliteConsentStore } from "../sqlite/consent-store.ts";
import type { TelemetryStore } from "../telemetry-store.ts";
import { createInfluxClient } from "./client.ts";
import { createInfluxDailyRollup } from "./daily-rollup.ts";
import { createInfluxFineDataPruner } from "./fine-data-pruner.ts";
import type { InfluxOptions } from "./options.ts";
import { createInfluxTelemetryStore } from "./telemetry-store.ts";

const silent = pino({ level: "silent" });

let influxd: RunningInfluxd;
let folder: string;
let options: InfluxOptions;
let store: TelemetryStore;
let consents: SqliteConsentStore;
let n = 0;

beforeAll(async () => {
  influxd = await startInfluxd();
});

afterAll(async () => {
  await influxd?.stop();
});

beforeEach(async () => {
  folder = mkdtempSync(join(tmpdir(), "influx-retention-"));
  options = {
    url: influxd.url,
    database: `retention_${++n}`,
    createDatabase: true,
    rawRetention: "INF",
    rollupClockMarginMs: 0,
  };
  store = createInfluxTelemetryStore(options);
  consents = createSqliteConsentStore({ path: join(folder, "consents.db") });
  await store.connect();
  await consents.connect();
  for (const space of ["d-none", "d-consent", "common"]) await store.write(tenDaysOf(space));
});

afterEach(async () => {
  await consents.close();
  await store.close();
  const admin = createInfluxClient({ url: influxd.url, auth: { kind: "none" }, timeoutMs: 10_000 });
  await admin.query(`DROP DATABASE "${options.database}"; DROP DATABASE "${options.database}_daily"`);
  rmSync(folder, { recursive: true, force: true });
});

const raw = (space: string, to = NOW) => rawPoints(store, space, to);
const daily = (space: string) => dailyFigures(store, space);

describe("retention of fine-grained dwelling data on InfluxDB", () => {
  it("deletes raw points past RETENTION_FINE_DAYS for dwellings without consent; daily figures stay", async () => {
    await consents.record({
      building: "b",
      dwelling: "d-consent",
      purpose: "fine_history",
      granted: true,
      recordedBy: "t",
    });
    await createInfluxDailyRollup(options).runDue();
    const before = {
      daily: await daily("d-none"),
      consented: await raw("d-consent"),
      common: await raw("common"),
    };
    const job = createRetentionJob({
      pruner: createInfluxFineDataPruner(options, consents),
      fineDays: 3,
      logger: silent,
    });
    const result = await job.runOnce(NOW);
    expect(new Date(result.before).toISOString()).toBe("2025-03-07T23:00:00.000Z");
    // 7 days × 96 points, less the last point before the cutoff, for each of two series.
    expect(result).toMatchObject({ series: 2, deleted: 2 * (7 * 96 - 1) });
    expect(await raw("d-none", result.before)).toBe(1);
    expect(await raw("d-none")).toBe(3 * 96 + 1);
    const after = await daily("d-none");
    expect(after[0]).toEqual(before.daily[0]);
    expect(after[1].map((w) => w.start)).toEqual(before.daily[1].map((w) => w.start));
    for (const [i, w] of after[1].entries()) expect(w.value).toBeCloseTo(before.daily[1][i]!.value, 9);
    expect(await raw("d-consent")).toBe(before.consented);
    expect(await raw("common")).toBe(before.common);
    const hourly = await store.consumption({
      building: "b",
      quantity: "cold_water",
      space: "d-none",
      from: START,
      to: START + DAY,
      every: "1h",
    });
    expect(hourly).toEqual([]);
    expect((await job.runOnce(NOW)).deleted).toBe(0);
  });

  it("never prunes a day whose rollup is not settled", async () => {
    const pruner = createInfluxFineDataPruner(options, consents);
    expect(await pruner.pruneFine(START + 7 * DAY, "fine_history")).toEqual({ series: 0, deleted: 0 });
    expect(await raw("d-none")).toBe(10 * 96);
    // Rolled, then a day is written to again: the cutoff stops at it.
    await createInfluxDailyRollup(options).runDue();
    await store.write([
      {
        building: "b",
        space: "d-none",
        sensor: "cw",
        quantity: "cold_water",
        t: START + 2 * DAY + 60_000,
        v: 10.2,
      },
    ]);
    const result = await pruner.pruneFine(START + 7 * DAY, "fine_history");
    // Days 1 and 2, less the last point before day 3, for each series of the two dwellings
    // (neither has a consent here).
    expect(result).toEqual({ series: 4, deleted: 4 * (2 * 96 - 1) });
    expect(await raw("d-none")).toBe(8 * 96 + 2);
  });
});
