// The executable definition of the TelemetryStore port: every adapter's test file calls
// telemetryStoreContract() and passes it unchanged. Expected values are computed by hand.
import type { Quantity } from "../../model/quantities.ts";
import type { Reading } from "../../model/reading.ts";
import type { AggregateFn, Every, TelemetryStore, WindowValue } from "../telemetry-store.ts";
import type { TestKit } from "./test-kit.ts";

export interface OpenedTelemetryStore {
  store: TelemetryStore;
  teardown(): Promise<void>;
}

const MIN = 60_000;
const HOUR = 3_600_000;
const utc = (iso: string): number => Date.parse(iso);

// Values below are chosen on a binary grid (halves, quarters, integers) wherever a result
// is a sum or a difference, so the expected numbers are exact whatever the summation order.

function reading(
  sensor: string,
  t: number,
  v: number,
  over: Partial<Omit<Reading, "sensor" | "t" | "v">> = {},
): Reading {
  return { building: "b1", space: "d1", sensor, quantity: "temperature", t, v, ...over };
}

const meter = (sensor: string, t: number, v: number, space = "d1"): Reading =>
  reading(sensor, t, v, { quantity: "electricity", space });

const bySensorThenTime = (a: Reading, b: Reading): number =>
  a.sensor < b.sensor ? -1 : a.sensor > b.sensor ? 1 : a.t - b.t;

export function telemetryStoreContract(
  kit: TestKit,
  adapterName: string,
  open: () => Promise<OpenedTelemetryStore>,
): void {
  const { describe, it, expect, beforeEach, afterEach } = kit;
  describe(`TelemetryStore contract: ${adapterName}`, () => {
    let opened: OpenedTelemetryStore;
    let store: TelemetryStore;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });

    afterEach(async () => {
      await opened.teardown();
    });

    const all = (quantity: Quantity, from = 0, to = utc("2100-01-01T00:00:00Z")) => ({
      building: "b1",
      quantity,
      from,
      to,
    });

    describe("lifecycle", () => {
      it("answers ping when connected", async () => {
        await expect(store.ping()).resolves.toBeUndefined();
      });

      it("closes safely twice", async () => {
        await store.close();
        await expect(store.close()).resolves.toBeUndefined();
      });
    });

    describe("write", () => {
      it("stores a batch and reads every field back exactly", async () => {
        const t0 = utc("2024-01-15T10:00:00Z");
        const batch = [
          reading("s1", t0, 19.5),
          reading("s1", t0 + 15 * MIN, 19.75),
          reading("s2", t0, 21.25, { space: "d2" }),
        ];
        await expect(store.write(batch)).resolves.toEqual({ written: 3, rejected: [] });
        expect(await store.readRaw(all("temperature"))).toEqual(batch);
      });

      it("accepts an empty batch", async () => {
        await expect(store.write([])).resolves.toEqual({ written: 0, rejected: [] });
      });

      it("is idempotent across batches: the same point twice is one point, the last value wins", async () => {
        const t0 = utc("2024-01-15T10:00:00Z");
        await store.write([reading("s1", t0, 19.5), reading("s1", t0 + MIN, 20)]);
        await store.write([reading("s1", t0, 18.25)]);
        expect(await store.count(all("temperature"))).toBe(2);
        expect(await store.readRaw(all("temperature"))).toEqual([
          reading("s1", t0, 18.25),
          reading("s1", t0 + MIN, 20),
        ]);
      });

      it("is idempotent within a batch: the later duplicate wins", async () => {
        const t0 = utc("2024-01-15T10:00:00Z");
        await store.write([reading("s1", t0, 1), reading("s1", t0, 2), reading("s1", t0, 3)]);
        expect(await store.readRaw(all("temperature"))).toEqual([reading("s1", t0, 3)]);
      });

      it("keeps points of different sensors, spaces and buildings at the same instant apart", async () => {
        const t0 = utc("2024-01-15T10:00:00Z");
        await store.write([
          reading("s1", t0, 1),
          reading("s2", t0, 2),
          reading("s1", t0, 3, { space: "d2" }),
          reading("s1", t0, 4, { building: "b2" }),
        ]);
        expect(await store.count(all("temperature"))).toBe(3);
        expect(await store.count({ ...all("temperature"), building: "b2" })).toBe(1);
      });

      it("refuses non-finite values with a reason and stores the rest of the batch", async () => {
        const t0 = utc("2024-01-15T10:00:00Z");
        const bad = [
          reading("s1", t0 + MIN, Number.NaN),
          reading("s1", t0 + 2 * MIN, Number.POSITIVE_INFINITY),
        ];
        const result = await store.write([reading("s1", t0, 20), ...bad, reading("s1", t0 + 3 * MIN, 21)]);
        expect(result.written).toBe(2);
        expect(result.rejected.map((r) => r.reading)).toEqual(bad);
        for (const r of result.rejected) expect(r.reason.length).toBeGreaterThan(0);
        expect((await store.readRaw(all("temperature"))).map((r) => r.v)).toEqual([20, 21]);
      });

      it("counts one bulk write of 50 000 points exactly", async () => {
        const t0 = utc("2024-02-01T00:00:00Z");
        const batch: Reading[] = [];
        for (let s = 0; s < 50; s++) {
          for (let i = 0; i < 1000; i++) batch.push(meter(`m${s}`, t0 + i * MIN, s * 1000 + i, `d${s % 5}`));
        }
        await expect(store.write(batch)).resolves.toEqual({ written: 50_000, rejected: [] });
        expect(await store.count(all("electricity"))).toBe(50_000);
        expect(await store.count({ ...all("electricity"), space: "d3" })).toBe(10_000);
        expect(await store.count({ ...all("electricity"), sensor: "m7" })).toBe(1000);
        expect(await store.count({ ...all("electricity", t0 + 100 * MIN, t0 + 200 * MIN) })).toBe(5000);
        // Each meter rises by 1 per minute: 999 increases each, all on Feb 1 (Paris).
        expect(await store.consumption({ ...all("electricity"), every: "1mo" })).toEqual([
          { start: utc("2024-01-31T23:00:00Z"), value: 50 * 999 },
        ]);
      });
    });

    describe("readRaw and count", () => {
      const t0 = utc("2024-01-15T10:00:00Z");
      const points = [
        reading("s2", t0 + 30 * MIN, 3),
        reading("s1", t0 + 30 * MIN, 13),
        reading("s2", t0, 1),
        reading("s1", t0 + 15 * MIN, 12),
        reading("s1", t0, 11),
        reading("s2", t0 + 15 * MIN, 2),
        reading("s3", t0, 31, { space: "d2" }),
        reading("s1", t0, 41, { quantity: "humidity" }),
      ];

      it("orders by sensor then time, whatever the order of writing", async () => {
        await store.write(points);
        const raw = await store.readRaw(all("temperature"));
        expect(raw.map((r) => [r.sensor, r.v])).toEqual([
          ["s1", 11],
          ["s1", 12],
          ["s1", 13],
          ["s2", 1],
          ["s2", 2],
          ["s2", 3],
          ["s3", 31],
        ]);
      });

      it("reads [from, to): from included, to excluded", async () => {
        await store.write(points);
        const raw = await store.readRaw(all("temperature", t0 + 15 * MIN, t0 + 30 * MIN));
        expect(raw).toEqual([reading("s1", t0 + 15 * MIN, 12), reading("s2", t0 + 15 * MIN, 2)]);
        expect(await store.count(all("temperature", t0 + 15 * MIN, t0 + 30 * MIN))).toBe(2);
        expect(await store.readRaw(all("temperature", t0 + 15 * MIN, t0 + 15 * MIN))).toEqual([]);
      });

      it("filters by space, by sensor and by quantity", async () => {
        await store.write(points);
        expect((await store.readRaw({ ...all("temperature"), space: "d2" })).map((r) => r.v)).toEqual([31]);
        expect((await store.readRaw({ ...all("temperature"), sensor: "s2" })).map((r) => r.v)).toEqual([
          1, 2, 3,
        ]);
        expect(
          (await store.readRaw({ ...all("temperature"), space: "d1", sensor: "s1" })).map((r) => r.v),
        ).toEqual([11, 12, 13]);
        expect(await store.readRaw({ ...all("temperature"), space: "d2", sensor: "s1" })).toEqual([]);
        expect(await store.readRaw(all("humidity"))).toEqual([
          reading("s1", t0, 41, { quantity: "humidity" }),
        ]);
        expect(await store.count(all("temperature"))).toBe(7);
        expect(await store.count({ ...all("temperature"), space: "d1" })).toBe(6);
        expect(await store.count({ ...all("temperature"), sensor: "s1" })).toBe(3);
      });

      it("answers empty results without error", async () => {
        await store.write(points);
        const nowhere = { ...all("temperature"), building: "nowhere" };
        expect(await store.readRaw(nowhere)).toEqual([]);
        expect(await store.count(nowhere)).toBe(0);
        expect(await store.aggregate({ ...nowhere, fn: "mean", every: "1h" })).toEqual([]);
        expect(await store.consumption({ ...nowhere, quantity: "electricity", every: "1d" })).toEqual([]);
        expect(await store.consumptionBySpace({ ...nowhere, quantity: "electricity", every: "1mo" })).toEqual(
          [],
        );
        expect(await store.latest({ building: "nowhere" })).toEqual([]);
        expect(await store.readRaw(all("co2"))).toEqual([]);
      });
    });

    describe("values", () => {
      it("round-trips IEEE doubles exactly", async () => {
        const values = [
          0.1,
          0.30000000000000004,
          1e-9,
          -273.15,
          123456789.123,
          2 / 3,
          1e15 + 0.5,
          Number.MAX_SAFE_INTEGER,
          987654321.987654,
          1e21,
          0,
          42,
        ];
        const t0 = utc("2024-01-15T10:00:00Z");
        await store.write(values.map((v, i) => meter("m1", t0 + i * MIN, v)));
        expect((await store.readRaw(all("electricity"))).map((r) => r.v)).toEqual(values);
      });

      it("keeps negative gauge values and aggregates them", async () => {
        const t0 = utc("2024-01-15T10:00:00Z");
        await store.write([
          reading("p1", t0, -1500.5, { quantity: "power" }),
          reading("p1", t0 + MIN, 250.25, { quantity: "power" }),
          reading("t1", t0, -12.25),
        ]);
        expect((await store.readRaw(all("power"))).map((r) => r.v)).toEqual([-1500.5, 250.25]);
        expect(await store.aggregate({ ...all("power"), fn: "sum", every: "1h" })).toEqual([
          { start: utc("2024-01-15T10:00:00Z"), value: -1250.25 },
        ]);
        expect(await store.aggregate({ ...all("temperature"), fn: "min", every: "1d" })).toEqual([
          { start: utc("2024-01-14T23:00:00Z"), value: -12.25 },
        ]);
      });
    });

    describe("identifiers", () => {
      const strange = [
        "a b",
        "a,b",
        "a=b",
        'a"b',
        "a'b",
        "a\\b",
        "a\\",
        "a\\,b=c d",
        "é",
        "漢字",
        "🔥",
        "x' OR 1=1 --",
        '"; DROP MEASUREMENT electricity; --',
        "SELECT",
        ".*",
        "a",
        "common",
      ];
      const t0 = utc("2024-01-15T10:00:00Z");

      it("round-trip exactly as sensor, space and building ids and never leak into other series", async () => {
        const batch: Reading[] = [];
        strange.forEach((id, i) => {
          batch.push(reading(id, t0, i));
          batch.push(reading("s", t0, 100 + i, { space: id }));
          batch.push(reading("s", t0, 200 + i, { building: id }));
        });
        await store.write(batch);
        for (const [i, id] of strange.entries()) {
          expect(await store.readRaw({ ...all("temperature"), sensor: id })).toEqual([reading(id, t0, i)]);
          expect(await store.readRaw({ ...all("temperature"), space: id })).toEqual([
            reading("s", t0, 100 + i, { space: id }),
          ]);
          expect(await store.readRaw({ ...all("temperature"), building: id })).toEqual([
            reading("s", t0, 200 + i, { building: id }),
          ]);
          expect(await store.count({ ...all("temperature"), sensor: id })).toBe(1);
          expect(await store.latest({ building: id })).toEqual([reading("s", t0, 200 + i, { building: id })]);
        }
        expect(await store.count(all("temperature"))).toBe(2 * strange.length);
      });

      it("round-trip exactly through aggregates, consumption per space and latest", async () => {
        const batch: Reading[] = [];
        strange.forEach((id, i) => {
          batch.push(meter("m", t0, 10, id));
          batch.push(meter("m", t0 + HOUR, 10 + i, id));
        });
        await store.write(batch);
        const bySpace = await store.consumptionBySpace({ ...all("electricity"), every: "1d" });
        const sorted = [...bySpace].sort((a, b) => a.value - b.value);
        expect(sorted).toEqual(
          strange.map((id, i) => ({ space: id, start: utc("2024-01-14T23:00:00Z"), value: i })),
        );
        for (const [i, id] of strange.entries()) {
          expect(await store.consumption({ ...all("electricity"), space: id, every: "1h" })).toEqual([
            { start: t0 + HOUR, value: i },
          ]);
          expect(
            await store.aggregate({ ...all("electricity"), space: id, fn: "max", every: "1mo" }),
          ).toEqual([{ start: utc("2023-12-31T23:00:00Z"), value: 10 + i }]);
          expect(await store.latest({ building: "b1", space: id })).toEqual([
            meter("m", t0 + HOUR, 10 + i, id),
          ]);
        }
      });
    });

    describe("aggregate", () => {
      // Around the Paris midnight that opens February 2024 (23:00 UTC, winter time).
      const T = utc("2024-01-31T22:00:00Z");
      const points = [
        reading("s1", T, 10),
        reading("s2", T + 5 * MIN, 14),
        reading("s1", T + 20 * MIN, 12),
        reading("s1", T + 65 * MIN, -3.5),
        reading("s2", T + 70 * MIN, 2),
        reading("s9", T, 1000, { building: "b2" }),
      ];
      // Groups: A = {10, 14, 12}, B = {-3.5, 2}; the 15-minute windows split A into {10, 14}, {12}.
      const groupA = { mean: 12, min: 10, max: 14, sum: 36, last: 12, count: 3 };
      const groupB = { mean: -0.75, min: -3.5, max: 2, sum: -1.5, last: 2, count: 2 };
      const expected: Record<Every, { start: number; values: Record<AggregateFn, number> }[]> = {
        "15m": [
          { start: T, values: { mean: 12, min: 10, max: 14, sum: 24, last: 14, count: 2 } },
          { start: T + 15 * MIN, values: { mean: 12, min: 12, max: 12, sum: 12, last: 12, count: 1 } },
          { start: T + HOUR, values: groupB },
        ],
        "1h": [
          { start: T, values: groupA },
          { start: T + HOUR, values: groupB },
        ],
        "1d": [
          { start: utc("2024-01-30T23:00:00Z"), values: groupA },
          { start: utc("2024-01-31T23:00:00Z"), values: groupB },
        ],
        "1mo": [
          { start: utc("2023-12-31T23:00:00Z"), values: groupA },
          { start: utc("2024-01-31T23:00:00Z"), values: groupB },
        ],
      };
      const fns: AggregateFn[] = ["mean", "min", "max", "sum", "last", "count"];

      for (const every of ["15m", "1h", "1d", "1mo"] as const) {
        it(`computes mean, min, max, sum, last and count over ${every} windows of merged series`, async () => {
          await store.write(points);
          for (const fn of fns) {
            const got = await store.aggregate({ ...all("temperature"), fn, every });
            const want = expected[every].map((w) => ({ start: w.start, value: w.values[fn] }));
            expect({ fn, got }).toEqual({ fn, got: want });
          }
        });
      }

      it("counts only points inside [from, to) but reports each window's true start", async () => {
        await store.write(points);
        const got = await store.aggregate({
          ...all("temperature", T + 5 * MIN, T + 65 * MIN),
          fn: "sum",
          every: "1d",
        });
        expect(got).toEqual([{ start: utc("2024-01-30T23:00:00Z"), value: 26 }]);
        const hourly = await store.aggregate({
          ...all("temperature", T + 10 * MIN, T + 2 * HOUR),
          fn: "count",
          every: "1h",
        });
        expect(hourly).toEqual([
          { start: T, value: 1 },
          { start: T + HOUR, value: 2 },
        ]);
      });

      it("filters aggregates by space and sensor", async () => {
        await store.write([...points, reading("s1", T, 50, { space: "d2" })]);
        expect(
          await store.aggregate({
            ...all("temperature"),
            sensor: "s1",
            space: "d1",
            fn: "mean",
            every: "1mo",
          }),
        ).toEqual([
          { start: utc("2023-12-31T23:00:00Z"), value: 11 },
          { start: utc("2024-01-31T23:00:00Z"), value: -3.5 },
        ]);
        expect(
          await store.aggregate({ ...all("temperature"), space: "d2", fn: "count", every: "1d" }),
        ).toEqual([{ start: utc("2024-01-30T23:00:00Z"), value: 1 }]);
      });

      it("makes the spring-forward day (last Sunday of March) 23 hours long", async () => {
        const dayStart = utc("2024-03-30T23:00:00Z"); // Sunday 31 March 2024, 00:00 in Paris
        const batch = [reading("s1", dayStart - 1, 7)];
        for (let h = 0; h < 23; h++) batch.push(reading("s1", dayStart + h * HOUR, 1));
        batch.push(reading("s1", dayStart + 23 * HOUR, 5)); // 1 April, 00:00 in Paris
        await store.write(batch);
        expect(await store.aggregate({ ...all("temperature"), fn: "count", every: "1d" })).toEqual([
          { start: utc("2024-03-29T23:00:00Z"), value: 1 },
          { start: dayStart, value: 23 },
          { start: utc("2024-03-31T22:00:00Z"), value: 1 },
        ]);
        expect(await store.aggregate({ ...all("temperature"), fn: "sum", every: "1mo" })).toEqual([
          { start: utc("2024-02-29T23:00:00Z"), value: 30 },
          { start: utc("2024-03-31T22:00:00Z"), value: 5 },
        ]);
      });

      it("makes the fall-back day (last Sunday of October) 25 hours long", async () => {
        const dayStart = utc("2024-10-26T22:00:00Z"); // Sunday 27 October 2024, 00:00 in Paris
        const batch: Reading[] = [];
        for (let h = 0; h < 25; h++) batch.push(reading("s1", dayStart + h * HOUR, h));
        batch.push(reading("s1", dayStart + 25 * HOUR, 100)); // 28 October, 00:00 in Paris
        await store.write(batch);
        expect(await store.aggregate({ ...all("temperature"), fn: "count", every: "1d" })).toEqual([
          { start: dayStart, value: 25 },
          { start: utc("2024-10-27T23:00:00Z"), value: 1 },
        ]);
        expect(await store.aggregate({ ...all("temperature"), fn: "last", every: "1d" })).toEqual([
          { start: dayStart, value: 24 },
          { start: utc("2024-10-27T23:00:00Z"), value: 100 },
        ]);
        const hourly = await store.aggregate({ ...all("temperature"), fn: "count", every: "1h" });
        expect(hourly).toHaveLength(26);
        expect(hourly[24]).toEqual({ start: dayStart + 24 * HOUR, value: 1 });
      });

      it("puts points on the exact month boundaries of Paris", async () => {
        await store.write([
          reading("s1", utc("2024-06-30T21:59:59.999Z"), 1), // 30 June, 23:59:59.999 in Paris
          reading("s1", utc("2024-06-30T22:00:00Z"), 2), // 1 July, 00:00 in Paris
          reading("s1", utc("2024-10-31T22:30:00Z"), 4), // 31 October, 23:30 in Paris
          reading("s1", utc("2024-12-31T23:00:00Z"), 8), // 1 January 2025, 00:00 in Paris
        ]);
        expect(await store.aggregate({ ...all("temperature"), fn: "sum", every: "1mo" })).toEqual([
          { start: utc("2024-05-31T22:00:00Z"), value: 1 },
          { start: utc("2024-06-30T22:00:00Z"), value: 2 },
          { start: utc("2024-09-30T22:00:00Z"), value: 4 },
          { start: utc("2024-12-31T23:00:00Z"), value: 8 },
        ]);
      });
    });

    describe("consumption", () => {
      const H = utc("2024-01-15T00:00:00Z");

      it("sums increases in the window of the later point, using the point before `from`", async () => {
        await store.write([
          meter("m1", H - 30 * MIN, 100),
          meter("m1", H + 10 * MIN, 101.5),
          meter("m1", H + 50 * MIN, 103),
          meter("m1", H + 70 * MIN, 103),
          meter("m1", H + 130 * MIN, 110.25),
        ]);
        const want = [
          { start: H, value: 3 },
          { start: H + HOUR, value: 0 },
          { start: H + 2 * HOUR, value: 7.25 },
        ];
        expect(await store.consumption({ ...all("electricity", H, H + 3 * HOUR), every: "1h" })).toEqual(
          want,
        );
        // The very first point of a meter has nothing before it: its window gets no increase.
        expect(
          await store.consumption({ ...all("electricity", H - HOUR, H + 3 * HOUR), every: "1h" }),
        ).toEqual(want);
      });

      it("finds the point before `from` however far back it is", async () => {
        await store.write([
          meter("m1", utc("2023-11-02T08:00:00Z"), 5),
          meter("m1", utc("2024-01-20T12:00:00Z"), 8.5),
        ]);
        expect(
          await store.consumption({
            ...all("electricity", utc("2024-01-01T00:00:00Z"), utc("2024-02-01T00:00:00Z")),
            every: "1d",
          }),
        ).toEqual([{ start: utc("2024-01-19T23:00:00Z"), value: 3.5 }]);
      });

      it("counts a meter reset as the new index itself", async () => {
        await store.write([
          meter("m1", H + 5 * MIN, 1000),
          meter("m1", H + 20 * MIN, 1010),
          meter("m1", H + 35 * MIN, 3),
          meter("m1", H + 50 * MIN, 5),
        ]);
        expect(await store.consumption({ ...all("electricity", H, H + HOUR), every: "1h" })).toEqual([
          { start: H, value: 15 },
        ]);
        expect(await store.consumption({ ...all("electricity", H, H + HOUR), every: "15m" })).toEqual([
          { start: H + 15 * MIN, value: 10 },
          { start: H + 30 * MIN, value: 3 },
          { start: H + 45 * MIN, value: 2 },
        ]);
      });

      it("counts a small drop of the index as no consumption: a misread, not a reset", async () => {
        // domain/consumption.ts: below a tenth of the index before is a reset; 1010 → 1009 is
        // not, and used to be counted as 1009 kWh.
        await store.write([
          meter("m1", H + 5 * MIN, 1000),
          meter("m1", H + 20 * MIN, 1010),
          meter("m1", H + 35 * MIN, 1009),
          meter("m1", H + 50 * MIN, 1012),
        ]);
        expect(await store.consumption({ ...all("electricity", H, H + HOUR), every: "1h" })).toEqual([
          { start: H, value: 13 },
        ]);
        expect(await store.consumption({ ...all("electricity", H, H + 2 * HOUR), every: "1d" })).toEqual([
          { start: utc("2024-01-14T23:00:00Z"), value: 13 },
        ]);
      });

      it("is empty for a single point and for a range with no point", async () => {
        await store.write([meter("m1", H, 10)]);
        expect(await store.consumption({ ...all("electricity"), every: "1d" })).toEqual([]);
        await store.write([meter("m1", H + HOUR, 12)]);
        expect(
          await store.consumption({ ...all("electricity", H + 2 * HOUR, H + 3 * HOUR), every: "1h" }),
        ).toEqual([]);
      });

      it("sums several sensors, filters by space and sensor, and keeps spaces apart", async () => {
        await store.write([
          meter("m1", H, 0, "d1"),
          meter("m1", H + HOUR, 1.5, "d1"),
          meter("m1", H + 25 * HOUR, 4, "d1"),
          meter("m2", H, 100, "d2"),
          meter("m2", H + 2 * HOUR, 110, "d2"),
          meter("m3", H, 7, "d1"),
          meter("m3", H + 3 * HOUR, 7.25, "d1"),
          meter("c1", H + HOUR, 50, "common"),
          meter("c1", H + 26 * HOUR, 4.5, "common"), // replaced meter: 4.5 since the swap
          reading("t1", H + 2 * HOUR, 99), // a gauge of another quantity is never counted
        ]);
        const day1 = utc("2024-01-14T23:00:00Z");
        const day2 = utc("2024-01-15T23:00:00Z");
        const range = all("electricity", utc("2024-01-10T00:00:00Z"), utc("2024-01-20T00:00:00Z"));
        expect(await store.consumption({ ...range, every: "1d" })).toEqual([
          { start: day1, value: 1.5 + 10 + 0.25 },
          { start: day2, value: 2.5 + 4.5 },
        ]);
        expect(await store.consumption({ ...range, space: "d1", every: "1d" })).toEqual([
          { start: day1, value: 1.75 },
          { start: day2, value: 2.5 },
        ]);
        expect(await store.consumption({ ...range, sensor: "m3", every: "1d" })).toEqual([
          { start: day1, value: 0.25 },
        ]);
        const bySpace = await store.consumptionBySpace({ ...range, every: "1d" });
        expect(
          [...bySpace].sort((a, b) => (a.space < b.space ? -1 : a.space > b.space ? 1 : a.start - b.start)),
        ).toEqual([
          { space: "common", start: day2, value: 4.5 },
          { space: "d1", start: day1, value: 1.75 },
          { space: "d1", start: day2, value: 2.5 },
          { space: "d2", start: day1, value: 10 },
        ]);
        expect(await store.consumptionBySpace({ ...range, space: "d2", every: "1mo" })).toEqual([
          { space: "d2", start: utc("2023-12-31T23:00:00Z"), value: 10 },
        ]);
      });

      it("adds up exactly over adjacent ranges, whatever the split", async () => {
        // Three days of 15-minute indexes rising by a quarter, with a reset at noon on day 2.
        const start = utc("2024-03-04T00:00:00Z");
        const batch: Reading[] = [];
        let v = 500;
        for (let i = 0; i < 3 * 96; i++) {
          v = i === 150 ? 2 : v + 0.25;
          batch.push(meter("m1", start + i * 15 * MIN, v));
          batch.push(meter("m2", start + i * 15 * MIN + 7 * MIN, i * 0.5, "d2"));
        }
        await store.write(batch);
        const from = start - HOUR;
        const to = start + 3 * 24 * HOUR;
        const cuts = [start + 37 * HOUR + 5 * MIN, utc("2024-03-05T23:00:00Z"), start + 10 * MIN];
        for (const every of ["15m", "1h", "1d", "1mo"] as const) {
          const whole = await store.consumption({ ...all("electricity", from, to), every });
          const total = whole.reduce((s, w) => s + w.value, 0);
          // m1: 287 increases of 0.25 except the reset, which counts 2; m2: 287 increases of 0.5.
          expect(total).toBe(286 * 0.25 + 2 + 287 * 0.5);
          for (const cut of cuts) {
            const left = await store.consumption({ ...all("electricity", from, cut), every });
            const right = await store.consumption({ ...all("electricity", cut, to), every });
            expect({ every, cut, merged: mergeWindows(left, right) }).toEqual({ every, cut, merged: whole });
          }
        }
      });

      it("puts daily and monthly consumption on Paris days and months across the spring change", async () => {
        const batch: Reading[] = [];
        // One index a day at 12:00 UTC from 28 February to 2 April 2024, rising by 2 each day.
        for (let d = 0; d < 35; d++)
          batch.push(meter("m1", utc("2024-02-28T12:00:00Z") + d * 24 * HOUR, 2 * d));
        // Around the switch to April: 21:59:59.999 UTC is still 31 March in Paris.
        batch.push(meter("m2", utc("2024-03-31T21:00:00Z"), 10, "d2"));
        batch.push(meter("m2", utc("2024-03-31T21:59:59.999Z"), 11, "d2"));
        batch.push(meter("m2", utc("2024-03-31T22:00:00Z"), 13, "d2"));
        await store.write(batch);
        const range = all("electricity", utc("2024-01-31T23:00:00Z"), utc("2024-04-30T22:00:00Z"));
        expect(await store.consumptionBySpace({ ...range, every: "1mo" })).toEqual(
          expect.arrayContaining([
            { space: "d1", start: utc("2024-01-31T23:00:00Z"), value: 2 },
            { space: "d1", start: utc("2024-02-29T23:00:00Z"), value: 62 },
            { space: "d1", start: utc("2024-03-31T22:00:00Z"), value: 4 },
            { space: "d2", start: utc("2024-02-29T23:00:00Z"), value: 1 },
            { space: "d2", start: utc("2024-03-31T22:00:00Z"), value: 2 },
          ]),
        );
        expect(await store.consumptionBySpace({ ...range, every: "1mo" })).toHaveLength(5);
        const daily = await store.consumption({ ...range, space: "d1", every: "1d" });
        expect(daily).toHaveLength(34);
        expect(daily.every((w) => w.value === 2)).toBe(true);
        expect(daily.find((w) => w.start === utc("2024-03-30T23:00:00Z"))).toEqual({
          start: utc("2024-03-30T23:00:00Z"),
          value: 2,
        });
        expect(daily.find((w) => w.start === utc("2024-03-31T22:00:00Z"))).toEqual({
          start: utc("2024-03-31T22:00:00Z"),
          value: 2,
        });
      });
    });

    describe("latest", () => {
      const t0 = utc("2024-01-15T10:00:00Z");
      const points = [
        reading("s1", t0, 1),
        reading("s1", t0 + HOUR, 2),
        reading("s1", t0 + 2 * HOUR, 3),
        reading("s2", t0 + 30 * MIN, 20, { space: "d2" }),
        meter("m1", t0 + 3 * HOUR, 300),
        meter("m1", t0, 100),
        reading("s1", t0 + 5 * HOUR, 9, { building: "b2" }),
      ];
      const bySensor = (rs: Reading[]) => [...rs].sort(bySensorThenTime);

      it("gives the most recent point of every matching sensor", async () => {
        await store.write(points);
        expect(bySensor(await store.latest({ building: "b1" }))).toEqual([
          meter("m1", t0 + 3 * HOUR, 300),
          reading("s1", t0 + 2 * HOUR, 3),
          reading("s2", t0 + 30 * MIN, 20, { space: "d2" }),
        ]);
        expect(await store.latest({ building: "b1", quantity: "electricity" })).toEqual([
          meter("m1", t0 + 3 * HOUR, 300),
        ]);
        expect(await store.latest({ building: "b1", space: "d2" })).toEqual([
          reading("s2", t0 + 30 * MIN, 20, { space: "d2" }),
        ]);
        expect(await store.latest({ building: "b1", sensor: "s1" })).toEqual([
          reading("s1", t0 + 2 * HOUR, 3),
        ]);
      });

      it("honours `to` as an exclusive upper bound", async () => {
        await store.write(points);
        expect(bySensor(await store.latest({ building: "b1", to: t0 + 2 * HOUR }))).toEqual([
          meter("m1", t0, 100),
          reading("s1", t0 + HOUR, 2),
          reading("s2", t0 + 30 * MIN, 20, { space: "d2" }),
        ]);
        expect(await store.latest({ building: "b1", to: t0 })).toEqual([]);
        expect(await store.latest({ building: "b1", sensor: "s1", to: t0 + 1 })).toEqual([
          reading("s1", t0, 1),
        ]);
      });
    });
  });
}

/** Adds the windows of two consumption results, as a caller joining two ranges would. */
function mergeWindows(a: WindowValue[], b: WindowValue[]): WindowValue[] {
  const byStart = new Map<number, number>();
  for (const w of [...a, ...b]) byStart.set(w.start, (byStart.get(w.start) ?? 0) + w.value);
  return [...byStart].sort((x, y) => x[0] - y[0]).map(([start, value]) => ({ start, value }));
}
