// The InfluxDB pruner against a real influxd: the FineDataPruner contract (the rollups'
// own database keeps the daily figures), and days whose rollup is not settled never pruned.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { vitestKit } from "../../test/support/contract-kit.ts";
import { freshInfluxDatabases } from "../../test/support/influx-store.ts";
import {
  CUTOFF,
  DAY,
  dailyFigures,
  fineDataPrunerContract,
  rawPoints,
  START,
  tenDaysOf,
} from "../contract/fine-data-pruner.contract.ts";
import { createSqliteConsentStore } from "../sqlite/consent-store.ts";
import { createInfluxClient } from "./client.ts";
import { createInfluxDailyRollup } from "./daily-rollup.ts";
import { createInfluxFineDataPruner } from "./fine-data-pruner.ts";
import type { InfluxOptions } from "./options.ts";
import { createInfluxTelemetryStore } from "./telemetry-store.ts";

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
    /** Writes lines straight to the raw database, as another writer would (no day stamps). */
    behindTheBack: (lines: string) =>
      createInfluxClient({ url: options.url, auth: { kind: "none" }, timeoutMs: 10_000 }).write(lines, {
        db: options.database,
        precision: "ms",
      }),
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

fineDataPrunerContract(vitestKit, "influx", open);

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
      // (neither has a consent here): both have points on the dirtied day, so both stop there.
      expect(await pruner.pruneFine(CUTOFF, "fine_history")).toEqual({
        series: 4,
        deleted: 4 * (2 * 96 - 1),
      });
      expect(await rawPoints(store, "d-none")).toBe(8 * 96 + 2);
    } finally {
      await opened.teardown();
    }
  });

  it("never prunes days written behind the store's back, which have no rollup", async () => {
    const opened = await open();
    try {
      const lines = tenDaysOf("d-none")
        .filter((r) => r.quantity === "cold_water" && r.t < START + 5 * DAY)
        .map((r) => `cold_water,building=b,sensor=cw,space=d-none value=${r.v} ${r.t}`);
      await opened.behindTheBack(lines.join("\n"));
      // A later day through the store, rolled: the unmarked days before it must still count.
      await opened.store.write(tenDaysOf("d-none").filter((r) => r.t >= START + 6 * DAY));
      await opened.settle();
      expect(await opened.pruner.pruneFine(CUTOFF, "fine_history")).toEqual({ series: 0, deleted: 0 });
      expect(await rawPoints(opened.store, "d-none")).toBe(5 * 96 + 4 * 96);
    } finally {
      await opened.teardown();
    }
  });

  it("prunes the other dwellings when one holds old days no rollup covers (a backfill at the edge)", async () => {
    const opened = await open();
    try {
      // d-consent (no consent recorded here) from day 5 on, through the store, rolled.
      await opened.store.write(tenDaysOf("d-consent").filter((r) => r.t >= START + 5 * DAY));
      await opened.settle();
      // d-none's days 0 to 4 written behind the store's back: no rollup covers them.
      const lines = tenDaysOf("d-none")
        .filter((r) => r.quantity === "cold_water" && r.t < START + 5 * DAY)
        .map((r) => `cold_water,building=b,sensor=cw,space=d-none value=${r.v} ${r.t}`);
      await opened.behindTheBack(lines.join("\n"));
      // d-consent loses days 5 and 6 (less the last point before the cutoff) of each of its two
      // series; d-none keeps everything. A single cutoff for all stopped at day 0: nothing pruned.
      expect(await opened.pruner.pruneFine(CUTOFF, "fine_history")).toEqual({
        series: 2,
        deleted: 2 * (2 * 96 - 1),
      });
      expect(await rawPoints(opened.store, "d-none")).toBe(5 * 96);
    } finally {
      await opened.teardown();
    }
  });

  it("keeps a pruned day's daily figures when a late point dirties it", async () => {
    const opened = await open();
    try {
      const { store, pruner } = opened;
      await store.write(tenDaysOf("d-none"));
      await opened.settle();
      const before = await dailyFigures(store, "d-none");
      await pruner.pruneFine(CUTOFF, "fine_history");
      const late = { building: "b", space: "d-none", sensor: "temp", quantity: "temperature" } as const;
      await store.write([{ ...late, t: START + 2 * DAY + 60_000, v: 19.3 }]);
      // Dirty, but before the pruned line: still its rollup, not what raw has left.
      expect((await dailyFigures(store, "d-none"))[1][2]).toEqual(before[1][2]);
      // Rolled again: the day does not shrink to what raw has left.
      await opened.settle();
      const after = await dailyFigures(store, "d-none");
      expect(after).toEqual(before);
    } finally {
      await opened.teardown();
    }
  });
});
