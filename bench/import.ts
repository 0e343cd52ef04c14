// `cli import` on a large long CSV, as a user runs it (a child process), into SQLite and
// InfluxDB: rows/s and resident memory sampled through the import, against the store's own
// write rate for the same readings in the same batches on this machine.
//
//   npx tsx bench/import.ts [--bytes 2e9] [--order by-meter|by-time] [--stores sqlite,influx]
//                           [--store-rows 2000000] [--bundle]
//
// The file is made once per size and order in the temp folder (simulators/synthetic-history.ts).
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import {
  createReadStream,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { csvRecords } from "../imports/csv-records.ts";
import type { Reading } from "../model/reading.ts";
import { SiteRegistry } from "../model/registry.ts";
import { type Site, siteSchema } from "../model/site.ts";
import { writeSyntheticHistory } from "../simulators/synthetic-history.ts";
import { createInfluxTelemetryStore } from "../storage/influx/telemetry-store.ts";
import { createSqliteTelemetryStore } from "../storage/sqlite/telemetry-store.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import { REPO_ROOT } from "../test/support/cli-process.ts";
import { type RunningInfluxd, startInfluxd } from "../test/support/influxd.ts";
import { argNumber, argText } from "./lib/args.ts";
import { statusMiB } from "./lib/proc-memory.ts";

const bytes = argNumber("bytes", 2e9);
const order = (argText("order") ?? "by-meter") as "by-meter" | "by-time";
const stores = (argText("stores") ?? "sqlite,influx").split(",") as ("sqlite" | "influx")[];
const storeRows = argNumber("store-rows", 2_000_000);
const bundle = process.argv.includes("--bundle");
const BATCH = 20_000;

async function theFile(): Promise<{ path: string; site: Site; rows: number }> {
  const path = join(tmpdir(), `import-bench-${order}-${bytes}.csv`);
  const sitePath = `${path}.site.json`;
  const rowsPath = `${path}.rows`;
  if (existsSync(path) && existsSync(sitePath) && existsSync(rowsPath)) {
    return {
      path,
      site: siteSchema.parse(JSON.parse(readFileSync(sitePath, "utf8"))),
      rows: Number(readFileSync(rowsPath, "utf8")),
    };
  }
  const started = performance.now();
  const made = await writeSyntheticHistory({ path, bytes, order });
  writeFileSync(sitePath, JSON.stringify(made.site));
  writeFileSync(rowsPath, String(made.rows));
  console.log(
    `made ${path}: ${made.rows.toLocaleString("en")} rows, ${(made.bytes / 1e9).toFixed(2)} GB in ${((performance.now() - started) / 1000).toFixed(0)} s`,
  );
  return { path, site: made.site, rows: made.rows };
}

/** The first `count` rows of the file as readings, read outside any timing. */
async function firstReadings(path: string, registry: SiteRegistry, count: number): Promise<Reading[]> {
  const readings: Reading[] = [];
  const text = createReadStream(path, { encoding: "utf8", highWaterMark: 1 << 20 });
  for await (const group of csvRecords(text as AsyncIterable<string>, ";")) {
    for (const { cells, line } of group) {
      if (line === 1) continue;
      const [building, space, sensor, time, value] = cells as [string, string, string, string, string];
      const found = registry.lookup(building, space, sensor);
      if (!found.found) continue;
      readings.push({
        building,
        space,
        sensor,
        quantity: found.sensor.quantity,
        t: Date.parse(time),
        v: Number(value.replace(",", ".")),
      });
      if (readings.length >= count) return readings;
    }
  }
  return readings;
}

async function storeRate(store: TelemetryStore, readings: Reading[]): Promise<number> {
  await store.connect();
  const started = performance.now();
  for (let i = 0; i < readings.length; i += BATCH) await store.write(readings.slice(i, i + BATCH));
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return readings.length / seconds;
}

interface ImportRun {
  rowsPerSecond: number;
  seconds: number;
  peakMiB: number;
  /** Resident memory at a quarter, half, three quarters of the run and at its end. */
  quarters: number[];
  summary: string;
}

async function importRun(path: string, env: Record<string, string>): Promise<ImportRun> {
  const args = bundle
    ? [join(REPO_ROOT, "dist", "main.mjs"), "import", path, "--quiet"]
    : ["--import", "tsx", "cli/main.ts", "import", path, "--quiet"];
  const started = performance.now();
  const child: ChildProcess = spawn(process.execPath, args, {
    cwd: REPO_ROOT,
    env: { ...process.env, ...env, LOG_LEVEL: "warn" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout?.on("data", (c: Buffer) => {
    out += c.toString();
  });
  const samples: number[] = [];
  let peak = 0;
  const timer = setInterval(() => {
    const rss = statusMiB(child.pid!, "VmRSS");
    if (rss > 0) samples.push(rss);
    peak = Math.max(peak, statusMiB(child.pid!, "VmHWM"));
  }, 200);
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  clearInterval(timer);
  const seconds = (performance.now() - started) / 1000;
  if (code !== 0) throw new Error(`import exited ${code}: ${out}`);
  const rows = Number(out.match(/\n {2}(\d+) rows:/)?.[1] ?? 0);
  const at = (f: number) => samples[Math.min(samples.length - 1, Math.floor(f * samples.length))] ?? 0;
  return {
    rowsPerSecond: rows / seconds,
    seconds,
    peakMiB: Math.max(peak, ...samples),
    quarters: [at(0.25), at(0.5), at(0.75), at(0.999)],
    summary: out.trim().split("\n")[1]?.trim() ?? out,
  };
}

const file = await theFile();
const registry = new SiteRegistry(file.site);
const size = statSync(file.path).size;
if (bundle && !existsSync(join(REPO_ROOT, "dist", "main.mjs")))
  execFileSync("npm", ["run", "build"], { cwd: REPO_ROOT, stdio: "inherit" });
console.log(
  `import bench: ${(size / 1e9).toFixed(2)} GB, ${file.rows.toLocaleString("en")} rows, ${order}, ${registry.sensorCount} sensors; batches of ${BATCH}; CLI via ${bundle ? "dist/main.mjs" : "tsx"}`,
);
const readings = await firstReadings(file.path, registry, storeRows);
const work = mkdtempSync(join(tmpdir(), "import-bench-"));
let influxd: RunningInfluxd | undefined;
try {
  for (const kind of stores) {
    const dataDir = join(work, kind);
    const sitePath = join(work, "site.json");
    writeFileSync(sitePath, JSON.stringify(file.site));
    let rate: number;
    let env: Record<string, string>;
    if (kind === "influx") {
      influxd ??= await startInfluxd();
      const common = {
        url: influxd.url,
        timeZone: file.site.timezone,
        createDatabase: true,
        rawRetention: "INF",
      };
      rate = await storeRate(createInfluxTelemetryStore({ ...common, database: "store_rate" }), readings);
      env = {
        SITE_FILE: sitePath,
        DATA_DIR: dataDir,
        STORE: "influx",
        INFLUX_URL: influxd.url,
        INFLUX_DATABASE: "imported",
        INFLUX_RAW_RETENTION: "INF",
      };
    } else {
      rate = await storeRate(
        createSqliteTelemetryStore({ path: join(work, "store-rate.db"), timeZone: file.site.timezone }),
        readings,
      );
      env = { SITE_FILE: sitePath, DATA_DIR: dataDir };
    }
    const run = await importRun(file.path, env);
    console.log(
      [
        `\n${kind}: store's own write rate ${Math.round(rate).toLocaleString("en")} readings/s (${readings.length.toLocaleString("en")} readings)`,
        `  import: ${Math.round(run.rowsPerSecond).toLocaleString("en")} rows/s (${(run.rowsPerSecond / rate).toFixed(2)} × the store; target ≥ 0.5), ${run.seconds.toFixed(0)} s`,
        `  resident memory: peak ${run.peakMiB.toFixed(0)} MiB (target < 200); at 25/50/75/100 % of the run ${run.quarters.map((q) => q.toFixed(0)).join(" / ")} MiB`,
        `  ${run.summary}`,
      ].join("\n"),
    );
  }
} finally {
  await influxd?.stop();
  rmSync(work, { recursive: true, force: true });
}
