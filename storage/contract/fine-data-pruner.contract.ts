// The executable definition of the FineDataPruner port (personal-data retention), run by every
// adapter's pruner with the telemetry store it prunes (SQLite in
// storage/sqlite/consent-store.integration.test.ts, InfluxDB in storage/influx/fine-data-pruner.services.test.ts):
// ten Paris days of 15-minute cold water indexes and temperatures in a dwelling without
// consent, one with consent and the common areas; pruning before a cutoff removes the raw
// points of the first only, keeps each series' last point before the cutoff, and leaves daily
// and monthly figures as they were.
import type { Reading } from "../../model/reading.ts";
import type { ConsentStore } from "../consent-store.ts";
import type { FineDataPruner } from "../fine-data-pruner.ts";
import type { TelemetryStore } from "../telemetry-store.ts";
import type { TestKit } from "./test-kit.ts";

export interface OpenedFineDataPruner {
  store: TelemetryStore;
  /** Where the pruner reads who consented. */
  consents: Pick<ConsentStore, "record">;
  pruner: FineDataPruner;
  /** Brings the store's daily figures up to date (InfluxDB: its rollup job). */
  settle(): Promise<void>;
  teardown(): Promise<void>;
}

export const DAY = 86_400_000;
/** Paris midnight, 2025-03-01 (UTC+1). */
export const START = Date.parse("2025-02-28T23:00:00Z");
/** Noon of the eleventh day. */
export const NOW = START + 10 * DAY + 12 * 3_600_000;

export function tenDaysOf(space: string): Reading[] {
  const out: Reading[] = [];
  for (let t = START; t < START + 10 * DAY; t += 900_000) {
    const step = (t - START) / 900_000;
    out.push({ building: "b", space, sensor: "cw", quantity: "cold_water", t, v: 10 + step * 0.002 });
    out.push({ building: "b", space, sensor: "temp", quantity: "temperature", t, v: 19 + (step % 7) / 10 });
  }
  return out;
}

/** Raw cold water points of a space before `to` (readRaw: count may read days from rollups). */
export async function rawPoints(store: TelemetryStore, space: string, to = NOW): Promise<number> {
  return (await store.readRaw({ building: "b", quantity: "cold_water", space, from: 0, to })).length;
}

/** A space's daily water consumption and daily mean temperature over the ten days. */
export function dailyFigures(store: TelemetryStore, space: string) {
  const range = { building: "b", space, from: START, to: START + 10 * DAY, every: "1d" } as const;
  return Promise.all([
    store.consumption({ ...range, quantity: "cold_water" }),
    store.aggregate({ ...range, quantity: "temperature", fn: "mean" }),
  ]);
}

/** Paris midnight three days before NOW's day: what RETENTION_FINE_DAYS=3 gives at NOW. */
export const CUTOFF = Date.parse("2025-03-07T23:00:00Z");

export function fineDataPrunerContract(
  kit: TestKit,
  adapterName: string,
  open: () => Promise<OpenedFineDataPruner>,
): void {
  const { describe, it, expect, beforeEach, afterEach } = kit;
  describe(`FineDataPruner contract (personal-data retention): ${adapterName}`, () => {
    let opened: OpenedFineDataPruner;
    const raw = (space: string, to = NOW) => rawPoints(opened.store, space, to);
    const grant = (granted: boolean) =>
      opened.consents.record({
        building: "b",
        dwelling: "d-consent",
        purpose: "fine_history",
        granted,
        recordedBy: "t",
      });

    beforeEach(async () => {
      opened = await open();
      for (const space of ["d-none", "d-consent", "common"]) await opened.store.write(tenDaysOf(space));
      await opened.settle();
    });

    afterEach(async () => {
      await opened.teardown();
    });

    it("deletes the raw points before the cutoff of dwellings without consent; daily figures stay", async () => {
      await grant(true);
      const month = {
        building: "b",
        quantity: "cold_water",
        space: "d-none",
        from: START,
        to: START + 10 * DAY,
        every: "1mo",
      } as const;
      const before = {
        daily: await dailyFigures(opened.store, "d-none"),
        monthly: await opened.store.consumption(month),
        consented: await raw("d-consent"),
        common: await raw("common"),
      };
      // 7 days × 96 points, less the last point before the cutoff, for each of two series.
      expect(await opened.pruner.pruneFine(CUTOFF, "fine_history")).toEqual({
        series: 2,
        deleted: 2 * (7 * 96 - 1),
      });
      expect(await raw("d-none", CUTOFF)).toBe(1);
      expect(await raw("d-none")).toBe(3 * 96 + 1);
      const [water, temperature] = await dailyFigures(opened.store, "d-none");
      expect(water).toEqual(before.daily[0]);
      expect(temperature.map((w) => w.start)).toEqual(before.daily[1].map((w) => w.start));
      for (const [i, w] of temperature.entries()) expect(w.value).toBeCloseTo(before.daily[1][i]!.value, 9);
      expect(await opened.store.consumption(month)).toEqual(before.monthly);
      expect(await raw("d-consent")).toBe(before.consented);
      expect(await raw("common")).toBe(before.common);
      // Finer than daily is no longer there before the cutoff.
      const hourly = await opened.store.consumption({
        building: "b",
        quantity: "cold_water",
        space: "d-none",
        from: START,
        to: START + DAY,
        every: "1h",
      });
      expect(hourly).toEqual([]);
      expect((await opened.pruner.pruneFine(CUTOFF, "fine_history")).deleted).toBe(0);
    });

    it("keeps the daily figures whatever the cutoff, through a second pruning at a later one", async () => {
      const before = await dailyFigures(opened.store, "d-none");
      const same = async () => {
        const [water, temperature] = await dailyFigures(opened.store, "d-none");
        expect(water).toEqual(before[0]);
        expect(temperature.map((w) => w.start)).toEqual(before[1].map((w) => w.start));
        for (const [i, w] of temperature.entries()) expect(w.value).toBeCloseTo(before[1][i]!.value, 9);
      };
      // Just after a midnight: the point kept is the first of its day, and its increase was
      // over a point that goes.
      const early = START + 5 * DAY + 1;
      expect((await opened.pruner.pruneFine(early, "fine_history")).deleted).toBeGreaterThan(0);
      expect(await raw("d-none", early)).toBe(1);
      await same();
      // Later: the point kept the first time goes, its day keeps its figures.
      await opened.settle();
      expect((await opened.pruner.pruneFine(CUTOFF, "fine_history")).deleted).toBeGreaterThan(0);
      expect(await raw("d-none", CUTOFF)).toBe(1);
      await same();
    });

    it("spares a dwelling only for a consent of its own building", async () => {
      await opened.consents.record({
        building: "b-other",
        dwelling: "d-consent",
        purpose: "fine_history",
        granted: true,
        recordedBy: "t",
      });
      expect(await opened.pruner.pruneFine(CUTOFF, "fine_history")).toEqual({
        series: 4,
        deleted: 4 * (7 * 96 - 1),
      });
      expect(await raw("d-consent", CUTOFF)).toBe(1);
      expect(await raw("common", CUTOFF)).toBe(7 * 96);
    });

    it("prunes a dwelling once its consent is withdrawn", async () => {
      await grant(true);
      const first = await opened.pruner.pruneFine(CUTOFF, "fine_history");
      await grant(false);
      expect((await opened.pruner.pruneFine(CUTOFF, "fine_history")).deleted).toBe(first.deleted);
      expect(await raw("d-consent", CUTOFF)).toBe(1);
      expect((await opened.pruner.pruneFine(CUTOFF, "fine_history")).deleted).toBe(0);
    });
  });
}
