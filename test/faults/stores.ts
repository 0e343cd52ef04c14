// What the fault tests read back: the stored fingerprint (count and value sum per space) from
// InfluxDB with plain InfluxQL, the exact stored set from a SQLite store, ingest's counters from
// /metrics, and the pid of a test influxd so it can be stopped without removing its data.
import { readdirSync, readFileSync } from "node:fs";
import { createSqliteTelemetryStore } from "../../storage/sqlite/telemetry-store.ts";
import { BUILDING, type Fingerprint } from "./stream.ts";

interface InfluxAnswer {
  results?: {
    error?: string;
    series?: { tags?: Record<string, string>; columns: string[]; values: [string | number, ...number[]][] }[];
  }[];
  error?: string;
}

/** COUNT and SUM of the raw temperature points, per series (GROUP BY *): identical points are
 * one point in InfluxDB, so a count equal to what was published with equal sums means the
 * stored set is the published set. */
export async function influxFingerprint(url: string, database = "telemetry"): Promise<Fingerprint> {
  const q = 'SELECT COUNT("value"), SUM("value") FROM "temperature" GROUP BY *';
  const res = await fetch(`${url}/query?${new URLSearchParams({ db: database, q, epoch: "ms" })}`);
  const body = (await res.json()) as InfluxAnswer;
  const result = body.results?.[0];
  if (!res.ok || body.error || result?.error)
    throw new Error(`influx query failed: ${body.error ?? result?.error}`);
  const f: Fingerprint = new Map();
  for (const s of result?.series ?? []) {
    const space = s.tags?.space ?? "?";
    const row = s.values[0]!;
    const e = f.get(space) ?? { count: 0, sum: 0 };
    e.count += Number(row[1]);
    e.sum += Number(row[2]);
    f.set(space, e);
  }
  return f;
}

/** Every stored temperature reading of the fault building in a SQLite telemetry file (the app
 * must be stopped), keyed `space|t` with its value, plus how many rows there were. */
export async function sqliteReadings(path: string): Promise<{ rows: number; byKey: Map<string, number> }> {
  const store = createSqliteTelemetryStore({ path });
  await store.connect();
  try {
    const raw = await store.readRaw({
      building: BUILDING,
      quantity: "temperature",
      from: 0,
      to: Date.now() + 86_400_000,
    });
    return { rows: raw.length, byKey: new Map(raw.map((r) => [`${r.space}|${r.t}`, r.v])) };
  } finally {
    await store.close();
  }
}

/** One counter of ingest's /metrics (prom-client text format). */
export async function ingestCounter(httpPort: number, name: string): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${httpPort}/metrics`)).text();
  const line = text.split("\n").find((l) => l.startsWith(`${name} `));
  return line ? Number(line.split(" ")[1]) : 0;
}

/** The pid of the influxd started by test/services/influxd.ts on `dataDir` (its config path is
 * on the command line), so a test can stop it and let restart() bring it back on the same data. */
export function influxdPid(dataDir: string): number {
  const config = `${dataDir}/influxdb.conf`;
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const cmdline = readFileSync(`/proc/${name}/cmdline`, "utf8").split("\0");
      if (cmdline.includes(config) && cmdline.some((a) => a.endsWith("influxd"))) return Number(name);
    } catch {
      // the process ended meanwhile
    }
  }
  throw new Error(`no influxd running on ${dataDir}`);
}
