// The InfluxDB pruner against a real influxd: the shared retention contract (the rollups'
// own database keeps the daily figures), and days whose rollup is not settled never pruned.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningInfluxd, startInfluxd } from "../../test/services/influxd.ts";
import {
  CUTOFF,
  DAY,
  rawPoints,
  retentionContract,
  START,
  tenDaysOf,
} from "../contract/retention.contract.ts";
import { createSqliteConsentStore } from "../sqlite/consent-store.ts";
import { createInfluxClient } from "./client.ts";
import { createInfluxDailyRollup } from "./daily-rollup.ts";
import { createInfluxFineDataPruner } from "./fine-data-pruner.ts";
import { createInfluxTelemetryStore } from "./telemetry-store.ts";

let influxd: RunningInfluxd;
let n = 0;

beforeAll(async () => {
  influxd = await startInfluxd();
});

afterAll(async () => {
  await influxd?.stop();
});

async function open() {
  const folder = mkdtempSync(join(tmpdir(), "influx-retention-"));
  // One process writes and rolls here: one clock, no margin needed.
  const options = {
    url: influxd.url,
    database: `retention_${++n}`,
    createDatabase: true,
    rawRetention: "INF",
    rollupClockMarginMs: 0,
  };
  const store = createInfluxTelemetryStore(options);
  const consents = createSqliteConsentStore({ path: join(folder, "consents.db") });
  await store.connect();
  await consents.connect();
  const rollup = createInfluxDailyRollup(options);
  return {
    store,
    consents,
    pruner: createInfluxFineDataPruner(options, consents),
    rollup,
    async settle() {
      await rollup.runDue();
    },
    async teardown() {
      await consents.close();
      await store.close();
      const admin = createInfluxClient({ url: influxd.url, auth: { kind: "none" }, timeoutMs: 10_000 });
      await admin.query(`DROP DATABASE "${options.database}"; DROP DATABASE "${options.database}_daily"`);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

retentionContract("influx", open);

describe("the InfluxDB pruner", () => {
  it("never prunes a day whose rollup is not settled", async () => {
    const opened = await open();
    try {
      const { store, pruner } = opened;
      for (const space of ["d-none", "d-consent"]) await store.write(tenDaysOf(space));
      expect(await pruner.pruneFine(CUTOFF, "fine_history")).toEqual({ series: 0, deleted: 0 });
      expect(await rawPoints(store, "d-none")).toBe(10 * 96);
      // Rolled, then a day is written to again: the cutoff stops at it.
      await opened.settle();
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
      // Days 1 and 2, less the last point before day 3, for each series of the two dwellings
      // (neither has a consent here).
      expect(await pruner.pruneFine(CUTOFF, "fine_history")).toEqual({
        series: 4,
        deleted: 4 * (2 * 96 - 1),
      });
      expect(await rawPoints(store, "d-none")).toBe(8 * 96 + 2);
    } finally {
      await opened.teardown();
    }
  });
});
