// The InfluxDB pruner against a real influxd: the shared retention contract (the rollups'
// own database keeps the daily figures), and days whose rollup is not settled never pruned.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  CUTOFF,
  DAY,
  rawPoints,
  retentionContract,
  START,
  tenDaysOf,
} from "../contract/retention.contract.ts";
import { createSqliteConsentStore } from "../sqlite/consent-store.ts";
import { createInfluxDailyRollup } from "./daily-rollup.ts";
import { createInfluxFineDataPruner } from "./fine-data-pruner.ts";
import type { InfluxOptions } from "./options.ts";
import { createInfluxTelemetryStore } from "./telemetry-store.ts";
import { freshInfluxDatabases } from "./test-support.ts";

/** The telemetry store, consents, pruner and rollup job of one fresh database. */
function retentionParts(given: InfluxOptions) {
  // One process writes and rolls here: one clock, no margin needed.
  const options = { ...given, rollupClockMarginMs: 0 };
  const folder = mkdtempSync(join(tmpdir(), "influx-retention-"));
  const store = createInfluxTelemetryStore(options);
  const consents = createSqliteConsentStore({ path: join(folder, "consents.db") });
  const rollup = createInfluxDailyRollup(options);
  return {
    store,
    consents,
    pruner: createInfluxFineDataPruner(options, consents),
    async settle() {
      await rollup.runDue();
    },
    async connect() {
      await store.connect();
      await consents.connect();
    },
    async close() {
      await consents.close();
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}

const fresh = freshInfluxDatabases("retention", retentionParts);
const open = async () => {
  const { store: parts, teardown } = await fresh();
  return { ...parts, teardown };
};

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
