// What the fault tests read back: the stored fingerprint (count and value sum per space) from
// InfluxDB with plain InfluxQL, the exact stored set from a SQLite store, ingest's counters from
// /metrics, and the pid of a test influxd so it can be stopped without removing its data.
import { readdirSync, readFileSync } from "node:fs";
import { createSqliteTelemetryStore } from "../../storage/sqlite/telemetry-store.ts";
import { BUILDING, type Fingerprint } from "./fault-stream.ts";

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
export async function influxFingerprint(
  url: string,
  database = "telemetry",
  auth?: InfluxAuth,
): Promise<Fingerprint> {
  const result = await influxQuery(url, 'SELECT COUNT("value"), SUM("value") FROM "temperature" GROUP BY *', {
    database,
    auth,
  });
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

/** A user and password for influxd with authentication on. */
export interface InfluxAuth {
  username: string;
  password: string;
}

/** One InfluxQL statement's result, through plain HTTP; throws on any error. */
export async function influxQuery(
  url: string,
  q: string,
  options: { database?: string; auth?: InfluxAuth } = {},
): Promise<NonNullable<InfluxAnswer["results"]>[number]> {
  const params = new URLSearchParams({ epoch: "ms" });
  if (options.database) params.set("db", options.database);
  if (options.auth) {
    params.set("u", options.auth.username);
    params.set("p", options.auth.password);
  }
  const res = await fetch(`${url}/query?${params}`, { method: "POST", body: new URLSearchParams({ q }) });
  const body = (await res.json()) as InfluxAnswer;
  const result = body.results?.[0];
  if (!res.ok || body.error || result?.error || !result)
    throw new Error(`influx query failed: ${body.error ?? result?.error ?? res.status}`);
  return result;
}

/** Dead letters per reason in InfluxDB, read with plain InfluxQL. */
export async function influxDeadLetters(url: string, auth?: InfluxAuth): Promise<Record<string, number>> {
  const result = await influxQuery(url, 'SELECT COUNT("topic") FROM "dead_letter" GROUP BY "reason"', {
    database: "telemetry",
    auth,
  });
  const counts: Record<string, number> = {};
  for (const s of result.series ?? []) counts[s.tags?.reason ?? "?"] = Number(s.values[0]?.[1] ?? 0);
  return counts;
}

/** What ingest's /readyz answers: its status and the problem's detail. */
export async function ingestReadiness(httpPort: number): Promise<{ status: number; text: string }> {
  const res = await fetch(`http://127.0.0.1:${httpPort}/readyz`);
  return { status: res.status, text: await res.text() };
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

/** The pid of the influxd started by test/support/influxd.ts on `dataDir` (its config path is
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
