// Property: whatever the series (meter resets, overwrites, writes out of order and in several
// batches) and whatever the window, the SQLite store's consumption equals the reference rule
// of domain/consumption.ts, and its count/sum/min/max those of the raw points, in the
// store's time zone (Paris, Martinique, and the Marquesas, whose days start on the half hour).
// Values are integers so every summation order is exact.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { windowStart } from "../../domain/calendar.ts";
import { consumptionOfSeries } from "../../domain/consumption.ts";
import type { Reading } from "../../model/reading.ts";
import { BASE, meterPointArb, STEP, windowArb } from "../../test/support/meter-arbitraries.ts";
import type { Every, WindowValue } from "../telemetry-store.ts";
import { createSqliteTelemetryStore } from "./telemetry-store.ts";

const pointArb = meterPointArb(["m1", "m2", "m3"]);

const spaceOf = (sensor: string) => (sensor === "m3" ? "d2" : "d1");

function reference(
  points: Map<string, Map<number, number>>,
  from: number,
  to: number,
  every: Every,
  zone: string,
) {
  const total = new Map<number, number>();
  const bySpace = new Map<string, Map<number, number>>();
  for (const [sensor, series] of points) {
    const sorted = [...series].sort((a, b) => a[0] - b[0]).map(([t, v]) => ({ t, v }));
    const before = sorted.filter((p) => p.t < from).at(-1);
    const inside = sorted.filter((p) => p.t >= from && p.t < to);
    const space = bySpace.get(spaceOf(sensor)) ?? new Map<number, number>();
    bySpace.set(spaceOf(sensor), space);
    for (const w of consumptionOfSeries(before, inside, every, zone)) {
      total.set(w.start, (total.get(w.start) ?? 0) + w.value);
      space.set(w.start, (space.get(w.start) ?? 0) + w.value);
    }
  }
  const sorted = (m: Map<number, number>): WindowValue[] =>
    [...m].sort((a, b) => a[0] - b[0]).map(([start, value]) => ({ start, value }));
  return {
    total: sorted(total),
    bySpace: [...bySpace]
      .flatMap(([space, m]) => sorted(m).map((w) => ({ space, ...w })))
      .sort((a, b) => a.start - b.start || (a.space < b.space ? -1 : 1)),
  };
}

function naiveStats(
  points: Map<string, Map<number, number>>,
  from: number,
  to: number,
  every: Every,
  zone: string,
) {
  const byStart = new Map<number, number[]>();
  for (const series of points.values()) {
    for (const [t, v] of series) {
      if (t < from || t >= to) continue;
      const start = windowStart(t, every, zone);
      byStart.set(start, [...(byStart.get(start) ?? []), v]);
    }
  }
  return [...byStart]
    .sort((a, b) => a[0] - b[0])
    .map(([start, vs]) => ({
      start,
      count: vs.length,
      sum: vs.reduce((a, b) => a + b, 0),
      min: Math.min(...vs),
      max: Math.max(...vs),
    }));
}

function inTimeOrder<T extends { step: number }>(batches: T[][]): T[][] {
  const sorted = batches.flat().sort((a, b) => a.step - b.step);
  return batches.map((batch) => sorted.splice(0, batch.length));
}

describe.each([
  ["Europe/Paris", 100],
  ["America/Martinique", 40],
  ["Pacific/Marquesas", 40],
])("SQLite consumption against domain/consumption.ts, in %s", (zone, numRuns) => {
  it("matches consumptionOfSeries on random series, batches and windows", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(pointArb, { maxLength: 150 }), { minLength: 1, maxLength: 4 }),
        fc.array(windowArb, { minLength: 1, maxLength: 6 }),
        fc.boolean(),
        async (drawn, windows, chronological) => {
          // Live ingest mostly appends: half the runs write the same points in time order.
          const batches = chronological ? inTimeOrder(drawn) : drawn;
          const store = createSqliteTelemetryStore({ path: ":memory:", timeZone: zone });
          await store.connect();
          try {
            const truth = new Map<string, Map<number, number>>();
            for (const batch of batches) {
              const readings: Reading[] = batch.map((p) => ({
                building: "b1",
                space: spaceOf(p.sensor),
                sensor: p.sensor,
                quantity: "heating_energy",
                t: BASE + p.step * STEP,
                v: p.v,
              }));
              await store.write(readings);
              for (const r of readings) {
                const series = truth.get(r.sensor) ?? new Map<number, number>();
                series.set(r.t, r.v);
                truth.set(r.sensor, series);
              }
            }
            for (const w of windows) {
              const from = BASE + w.from;
              const to = from + w.length;
              const query = { building: "b1", quantity: "heating_energy" as const, from, to, every: w.every };
              const want = reference(truth, from, to, w.every, zone);
              expect(await store.consumption(query)).toEqual(want.total);
              expect(await store.consumptionBySpace(query)).toEqual(want.bySpace);
              // The rollups also carry count, sum, min and max: same answers as the raw points.
              const stats = naiveStats(truth, from, to, w.every, zone);
              expect(await store.count(query)).toBe(stats.reduce((n, x) => n + x.count, 0));
              for (const fn of ["count", "sum", "min", "max"] as const) {
                const got = await store.aggregate({ ...query, fn });
                expect({ fn, got }).toEqual({
                  fn,
                  got: stats.map((x) => ({ start: x.start, value: x[fn] })),
                });
              }
            }
          } finally {
            await store.close();
          }
        },
      ),
      { numRuns },
    );
  });
});
