// The `daily` rows the SQLite store keeps at write time equal those rebuilt from scratch out of
// the points, whichever way they were kept: folded in JS for writes appending after a series'
// newest point, rebuilt in SQL for the rest (inserts before it, overwrites, duplicates).
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { increase } from "../../domain/consumption.ts";
import type { Reading } from "../../model/reading.ts";
import { DailyRollup } from "./daily-rollup.ts";
import { openDatabase } from "./database.ts";
import { LocalDays } from "./local-days.ts";
import { createSqliteTelemetryStore } from "./telemetry-store.ts";

const folder = mkdtempSync(join(tmpdir(), "sqlite-rollup-"));
let files = 0;
afterAll(() => rmSync(folder, { recursive: true, force: true }));

// Around the autumn change of 2024 (a 25-hour Paris day), 20-minute steps.
const PARIS = new LocalDays("Europe/Paris");
const BASE = Date.parse("2024-10-24T00:00:00Z");
const STEP = 20 * 60_000;
const STEPS = 8 * 72;

interface DailyRow {
  sensor: string;
  day: number;
  n: number;
  total: number;
  lo: number;
  hi: number;
  last_t: number;
  last_v: number;
  inc: number;
  inc_n: number;
}

/** The daily rows of a from-scratch rebuild: each series' points in time order, grouped by day. */
function rebuilt(truth: Map<string, Map<number, number>>, days = PARIS): DailyRow[] {
  const rows: DailyRow[] = [];
  for (const [sensor, series] of truth) {
    let prev: number | undefined;
    let row: DailyRow | undefined;
    for (const [t, v] of [...series].sort((a, b) => a[0] - b[0])) {
      const day = days.dayStart(t);
      if (row?.day !== day) {
        row = { sensor, day, n: 0, total: 0, lo: v, hi: v, last_t: t, last_v: v, inc: 0, inc_n: 0 };
        rows.push(row);
      }
      row.n++;
      row.total += v;
      row.lo = Math.min(row.lo, v);
      row.hi = Math.max(row.hi, v);
      row.last_t = t;
      row.last_v = v;
      if (prev !== undefined) {
        row.inc += increase(prev, v);
        row.inc_n++;
      }
      prev = v;
    }
  }
  return sortRows(rows);
}

const sortRows = (rows: DailyRow[]) =>
  rows.sort((a, b) => (a.sensor < b.sensor ? -1 : a.sensor > b.sensor ? 1 : a.day - b.day));

function storedRows(path: string): DailyRow[] {
  const db = new Database(path, { readonly: true });
  try {
    return sortRows(
      db
        .prepare(
          `SELECT s.sensor AS sensor, d.day AS day, d.n AS n, d.total AS total, d.lo AS lo, d.hi AS hi,
            d.last_t AS last_t, d.last_v AS last_v, d.inc AS inc, d.inc_n AS inc_n
          FROM daily d JOIN series s ON s.id = d.series_id`,
        )
        .all() as DailyRow[],
    );
  } finally {
    db.close();
  }
}

const meter = (sensor: string, t: number, v: number): Reading => ({
  building: "b1",
  space: "d1",
  sensor,
  quantity: "electricity",
  t,
  v,
});

async function writeAll(
  batches: Reading[][],
  timeZone = "Europe/Paris",
): Promise<{ rows: DailyRow[]; truth: Map<string, Map<number, number>> }> {
  const path = join(folder, `rollup-${files++}.db`);
  const store = createSqliteTelemetryStore({ path, timeZone });
  await store.connect();
  const truth = new Map<string, Map<number, number>>();
  try {
    for (const batch of batches) {
      await store.write(batch);
      for (const r of batch) {
        const series = truth.get(r.sensor) ?? new Map<number, number>();
        series.set(r.t, r.v);
        truth.set(r.sensor, series);
      }
    }
  } finally {
    await store.close();
  }
  return { rows: storedRows(path), truth };
}

describe("daily rollup", () => {
  it("gives the same rows for a write appending after the newest point and for one inserting before it", async () => {
    const first = [0, 1, 2, 3].map((i) => meter("m1", BASE + i * STEP, 100 + i));
    // Crosses two Paris midnights, and the meter is reset on the way.
    const later = [80, 81, 82, 150, 151].map((i, k) => meter("m1", BASE + i * STEP, k === 3 ? 2 : 120 + k));
    const appended = await writeAll([first, later]);
    const inserted = await writeAll([later, first]);
    const once = await writeAll([[...later, ...first]]);
    expect(appended.rows).toEqual(rebuilt(appended.truth));
    expect(inserted.rows).toEqual(appended.rows);
    expect(once.rows).toEqual(appended.rows);
  });

  it("folds a write whose points are out of order or repeated within it, the last value winning", async () => {
    const first = [meter("m1", BASE, 10)];
    const shuffled = [
      meter("m1", BASE + 3 * STEP, 40),
      meter("m1", BASE + STEP, 20),
      meter("m1", BASE + 3 * STEP, 45),
      meter("m1", BASE + 2 * STEP, 5),
      meter("m1", BASE + 80 * STEP, 50),
    ];
    const { rows, truth } = await writeAll([first, shuffled]);
    expect(truth.get("m1")!.get(BASE + 3 * STEP)).toBe(45);
    expect(rows).toEqual(rebuilt(truth));
  });

  it("plans a series as an append only when all its points come after its newest stored point", () => {
    const db = openDatabase({ path: ":memory:" });
    try {
      const rollup = new DailyRollup(db, PARIS);
      db.prepare(
        "INSERT INTO series (id, building, quantity, space, sensor) VALUES (1, 'b', 'q', 's', 'a')",
      ).run();
      db.prepare("INSERT INTO points (series_id, t, v) VALUES (1, ?, 1)").run(BASE + 10 * STEP);
      const touched = new Map();
      const plan = rollup.planAppends(
        [
          { id: 1, t: [BASE + 11 * STEP, BASE + 12 * STEP], v: [2, 3] },
          { id: 2, t: [BASE, BASE + STEP], v: [1, 2] },
        ],
        touched,
      );
      expect(plan.map((p) => [p.write.id, p.previous])).toEqual([
        [1, { t: BASE + 10 * STEP, v: 1 }],
        [2, undefined],
      ]);
      expect(touched.size).toBe(0);
      for (const t of [BASE + 10 * STEP, BASE + 9 * STEP]) {
        const again = new Map();
        expect(rollup.planAppends([{ id: 1, t: [BASE + 20 * STEP, t], v: [1, 1] }], again)).toEqual([]);
        expect([...again.keys()]).toEqual([1]);
      }
    } finally {
      db.close();
    }
  });

  it.each([
    ["Europe/Paris", 60],
    ["America/Martinique", 20],
  ])(
    "matches a from-scratch rebuild whatever the batches: appends, inserts, overwrites, resets (%s)",
    async (zone, numRuns) => {
      const pointArb = fc.record({
        sensor: fc.constantFrom("m1", "m2", "m3"),
        step: fc.integer({ min: 0, max: STEPS }),
        v: fc.oneof(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 0, max: 20 })),
      });
      await fc.assert(
        fc.asyncProperty(
          fc.array(fc.array(pointArb, { maxLength: 60 }), { minLength: 1, maxLength: 5 }),
          fc.boolean(),
          async (drawn, chronological) => {
            // Half the runs write in time order, as live ingest does, so most writes are appends.
            let batches = drawn;
            if (chronological) {
              const sorted = drawn.flat().sort((a, b) => a.step - b.step);
              batches = drawn.map((b) => sorted.splice(0, b.length));
            }
            const { rows, truth } = await writeAll(
              batches.map((b) => b.map((p) => meter(p.sensor, BASE + p.step * STEP, p.v))),
              zone,
            );
            expect(rows).toEqual(rebuilt(truth, new LocalDays(zone)));
          },
        ),
        { numRuns },
      );
    },
  );
});
