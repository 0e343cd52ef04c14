// SQLite TelemetryStore: write throughput in batches of 5 000, and the latency of the reads the
// API and the guard make on one year of 15-minute electricity indexes for 200 dwellings
// (7 M points). Prints figures; never fails a build. Data in a temporary file, removed after.
//
//   npx tsx bench/store-sqlite.ts [--dwellings 200] [--days 366]
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Reading } from "../model/reading.ts";
import { createSqliteTelemetryStore } from "../storage/sqlite/telemetry-store.ts";
import { argNumber } from "./lib/args.ts";

const DWELLINGS = argNumber("dwellings", 200);
const DAYS = argNumber("days", 366);
const BATCH = 5_000;
const STEP = 15 * 60_000;
const YEAR_START = Date.parse("2023-12-31T23:00:00Z"); // 1 January 2024, 00:00 in Paris (the store's default zone)
const YEAR_END = Date.parse("2024-12-31T23:00:00Z");
const BUILDING = "bench-building";

const folder = mkdtempSync(join(tmpdir(), "bench-store-sqlite-"));
const path = join(folder, "telemetry.db");
const store = createSqliteTelemetryStore({ path });

// A deterministic generator: each dwelling's index rises by 0 to 0.5 kWh per quarter hour;
// a few meters are replaced mid-year (reset to a small index).
let seed = 42;
const random = () => {
  seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
  return seed / 2_147_483_648;
};
const space = (d: number) => `d${String(d).padStart(3, "0")}`;

async function load(): Promise<{ points: number; seconds: number }> {
  const index = Array.from({ length: DWELLINGS }, () => 1000 * random());
  const steps = (DAYS * 86_400_000) / STEP;
  let batch: Reading[] = [];
  let points = 0;
  let writing = 0;
  for (let step = 0; step < steps; step++) {
    const t = YEAR_START + step * STEP;
    for (let d = 0; d < DWELLINGS; d++) {
      index[d] = d % 50 === 7 && step === 20_000 ? 0.25 : index[d]! + Math.round(random() * 500) / 1000;
      batch.push({
        building: BUILDING,
        space: space(d),
        sensor: "elec",
        quantity: "electricity",
        t,
        v: index[d]!,
      });
      if (batch.length === BATCH) {
        const started = performance.now();
        await store.write(batch);
        writing += performance.now() - started;
        points += batch.length;
        batch = [];
      }
    }
  }
  if (batch.length > 0) {
    const started = performance.now();
    await store.write(batch);
    writing += performance.now() - started;
    points += batch.length;
  }
  return { points, seconds: writing / 1000 };
}

async function time(label: string, runs: number, query: () => Promise<unknown[]>): Promise<void> {
  let rows = 0;
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    rows = (await query()).length;
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  const median = ms[Math.floor(ms.length / 2)]!;
  console.log(`${label.padEnd(58)} ${median.toFixed(1).padStart(8)} ms median of ${runs} (${rows} rows)`);
}

async function main(): Promise<void> {
  await store.connect();
  console.log(`SQLite TelemetryStore bench: ${DWELLINGS} dwellings x ${DAYS} days of 15-minute indexes`);
  const { points, seconds } = await load();
  console.log(
    `write: ${points.toLocaleString("en")} points in batches of ${BATCH} in ${seconds.toFixed(1)} s = ` +
      `${Math.round(points / seconds).toLocaleString("en")} points/s (file ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB + WAL)`,
  );
  const year = { building: BUILDING, quantity: "electricity" as const, from: YEAR_START, to: YEAR_END };
  await time("building: monthly consumption, one year", 5, () =>
    store.consumption({ ...year, every: "1mo" }),
  );
  await time("building: monthly consumption per dwelling, one year", 5, () =>
    store.consumptionBySpace({ ...year, every: "1mo" }),
  );
  await time("one dwelling: daily consumption, one year (the guard)", 10, () =>
    store.consumption({ ...year, space: space(42), every: "1d" }),
  );
  await time("building: daily consumption, one year", 5, () => store.consumption({ ...year, every: "1d" }));
  await time("building: monthly, range not on day bounds (raw ends)", 5, () =>
    store.consumption({
      ...year,
      from: YEAR_START + 13 * 3_600_000,
      to: YEAR_END - 5 * 3_600_000,
      every: "1mo",
    }),
  );
  await time("building: mean index per month, one year", 5, () =>
    store.aggregate({ ...year, fn: "mean", every: "1mo" }),
  );
  await time("building: 15-minute consumption, one day", 10, () =>
    store.consumption({
      ...year,
      from: YEAR_START + 100 * 86_400_000,
      to: YEAR_START + 101 * 86_400_000,
      every: "15m",
    }),
  );
  await time("building: latest point of every sensor", 10, () => store.latest({ building: BUILDING }));
  await time("building: count, one year", 5, async () => [await store.count(year)]);
}

try {
  await main();
} finally {
  await store.close();
  rmSync(folder, { recursive: true, force: true });
}
