// HTTP API under load (autocannon): p50/p99 latency and requests/s of the building summary
// (a month and a year, each against the same dates last year), the portfolio, a dwelling's
// daily year and the tenant's monthly page, on one year of 15-minute data for 200 dwellings,
// through the whole stack (helmet, rate limit raised out of the way, token verification,
// access checks). Prints figures. `--store sqlite` (default) builds the database once and
// caches it in os.tmpdir(); `--store influx` starts a throwaway influxd (Debian's), writes the
// same data through the InfluxDB adapter, runs the rollup job as `cli ingest` would, and
// measures the API on it.
//
//   npx tsx bench/api.ts [--store sqlite|influx] [--dwellings 200] [--days 366] [--seconds 10] [--connections 10]
import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { buildApp } from "../api/app.ts";
import { createTokenVerifier, issueToken } from "../api/auth/tokens.ts";
import type { Reading } from "../model/reading.ts";
import { SiteRegistry } from "../model/registry.ts";
import { siteSchema } from "../model/site.ts";
import { createInfluxDailyRollup } from "../storage/influx/daily-rollup.ts";
import { createInfluxTelemetryStore } from "../storage/influx/telemetry-store.ts";
import { createSqliteDeadLetterStore } from "../storage/sqlite/dead-letter-store.ts";
import { createSqliteTelemetryStore } from "../storage/sqlite/telemetry-store.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import { startInfluxd } from "../test/support/influxd.ts";
import { argNumber, argText } from "./lib/args.ts";

interface AutocannonResult {
  latency: { p50: number; p99: number };
  requests: { average: number };
  non2xx: number;
  errors: number;
}
const autocannon = createRequire(import.meta.url)("autocannon") as (options: {
  url: string;
  connections: number;
  duration: number;
  headers: Record<string, string>;
}) => Promise<AutocannonResult>;

const DWELLINGS = argNumber("dwellings", 200);
const DAYS = argNumber("days", 366);
const SECONDS = argNumber("seconds", 10);
const CONNECTIONS = argNumber("connections", 10);
const STORE = argText("store") === "influx" ? "influx" : "sqlite";
const STEP = 15 * 60_000;
const YEAR_START = Date.parse("2023-12-31T23:00:00Z"); // 1 January 2024, 00:00 in Paris (the generated site's zone)
const BUILDING = "bench";

const space = (d: number) => `d${String(d).padStart(3, "0")}`;
const site = siteSchema.parse({
  id: "bench-site",
  name: "Bench",
  buildings: [
    {
      id: BUILDING,
      name: "Bench building",
      dwellings: Array.from({ length: DWELLINGS }, (_, d) => ({
        id: space(d),
        areaM2: 40 + (d % 5) * 10,
        sensors: [
          { id: "heat", quantity: "heating_energy" },
          { id: "cw", quantity: "cold_water" },
        ],
      })),
      common: { sensors: [{ id: "out", quantity: "outdoor_temperature" }] },
    },
  ],
});

/** Synthetic indexes: heating follows the outdoor temperature, water a daily rhythm. */
async function fill(store: TelemetryStore): Promise<void> {
  const heat = Array.from({ length: DWELLINGS }, (_, d) => 1000 + d);
  const water = Array.from({ length: DWELLINGS }, (_, d) => 100 + d / 10);
  const steps = (DAYS * 86_400_000) / STEP;
  const started = performance.now();
  let batch: Reading[] = [];
  for (let step = 0; step < steps; step++) {
    const t = YEAR_START + step * STEP;
    const dayOfYear = step / 96;
    const outdoor =
      11 - 8 * Math.cos((2 * Math.PI * dayOfYear) / 365) + 4 * Math.sin((2 * Math.PI * (step % 96)) / 96);
    batch.push({
      building: BUILDING,
      space: "common",
      sensor: "out",
      quantity: "outdoor_temperature",
      t,
      v: outdoor,
    });
    for (let d = 0; d < DWELLINGS; d++) {
      heat[d] = heat[d]! + Math.max(0, 18 - outdoor) * 0.02;
      water[d] = water[d]! + ((step + d) % 96 > 28 ? 0.0008 : 0);
      batch.push({
        building: BUILDING,
        space: space(d),
        sensor: "heat",
        quantity: "heating_energy",
        t,
        v: heat[d]!,
      });
      batch.push({
        building: BUILDING,
        space: space(d),
        sensor: "cw",
        quantity: "cold_water",
        t,
        v: water[d]!,
      });
    }
    if (batch.length >= 5_000) {
      await store.write(batch);
      batch = [];
    }
    if (step % 5_000 === 0)
      process.stderr.write(`\rbuilding the database: ${Math.round((100 * step) / steps)} %`);
  }
  await store.write(batch);
  process.stderr.write(
    `\rwrote ${(steps * (1 + 2 * DWELLINGS)).toLocaleString("en")} points in ${Math.round((performance.now() - started) / 1000)} s\n`,
  );
}

async function buildSqlite(path: string): Promise<void> {
  const partial = `${path}.partial`;
  rmSync(partial, { force: true });
  const store = createSqliteTelemetryStore({ path: partial });
  await store.connect();
  await fill(store);
  await store.close();
  for (const suffix of ["-wal", "-shm"]) rmSync(`${partial}${suffix}`, { force: true });
  renameSync(partial, path);
}

async function openSqlite(): Promise<{ store: TelemetryStore; stop(): Promise<void> }> {
  const folder = join(tmpdir(), "charge-guard-bench");
  mkdirSync(folder, { recursive: true });
  const path = join(folder, `api-${DWELLINGS}x${DAYS}-v1.db`);
  if (!existsSync(path)) await buildSqlite(path);
  const store = createSqliteTelemetryStore({ path });
  await store.connect();
  return { store, stop: () => store.close() };
}

async function openInflux(): Promise<{ store: TelemetryStore; stop(): Promise<void> }> {
  const folder = join(tmpdir(), "charge-guard-bench", `influxd-${DWELLINGS}x${DAYS}-v1`);
  const built = join(folder, "built");
  if (!existsSync(built)) rmSync(folder, { recursive: true, force: true });
  const influxd = await startInfluxd({ keepIn: folder });
  const options = { url: influxd.url, database: "bench", createDatabase: true, rawRetention: "INF" };
  const store = createInfluxTelemetryStore(options);
  await store.connect();
  const stop = async () => {
    await store.close();
    await influxd.stop();
  };
  if (existsSync(built)) return { store, stop };
  await fill(store);
  // What cli ingest's scheduled job does once the days are over; the clock margin (10 s by
  // default, for several hosts) is waited out here rather than set to zero.
  await new Promise((resolve) => setTimeout(resolve, 10_500));
  const started = performance.now();
  const { days, points } = await createInfluxDailyRollup(options).runDue();
  process.stderr.write(
    `rolled ${days} days into ${points.toLocaleString("en")} rollup points in ${Math.round((performance.now() - started) / 1000)} s\n`,
  );
  writeFileSync(built, "");
  return { store, stop };
}

const opened = STORE === "influx" ? await openInflux() : await openSqlite();
const { stop } = opened;
/** Store calls of the current traced request: method and ms. */
let trace: string[] | undefined;
const store = new Proxy(opened.store, {
  get(target, key, receiver) {
    const value = Reflect.get(target, key, receiver);
    if (typeof value !== "function") return value;
    return async (...args: unknown[]) => {
      const started = performance.now();
      try {
        return await value.apply(target, args);
      } finally {
        trace?.push(`${String(key)} ${Math.round(performance.now() - started)}`);
      }
    };
  },
});
const deadLetters = createSqliteDeadLetterStore({ path: ":memory:" });
await deadLetters.connect();
const secret = new Uint8Array(randomBytes(32));
const app = await buildApp(
  { registry: new SiteRegistry(site), store, deadLetters, readiness: [] },
  {
    logger: pino({ level: "silent" }),
    verifyToken: createTokenVerifier({ secret }),
    rateLimit: { max: 1_000_000_000, windowMs: 60_000 },
  },
);
// autocannon stops at its deadline without waiting for answers still coming: the next target
// starts once they are in, so that it is measured alone.
const inFlight = new Set<unknown>();
app.addHook("onRequest", async (request) => {
  inFlight.add(request);
});
app.addHook("onResponse", async (request) => {
  inFlight.delete(request);
});
app.addHook("onRequestAbort", (request, done) => {
  inFlight.delete(request);
  done();
});
const settled = async () => {
  const deadline = Date.now() + 120_000;
  while (inFlight.size > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
};
const base = await app.listen({ host: "127.0.0.1", port: 0 });
const token = await issueToken(secret, { role: "manager", sub: "bench", buildings: [BUILDING] }, 3_600);
const tenantToken = await issueToken(
  secret,
  { role: "tenant", sub: "bench-tenant", building: BUILDING, dwelling: "d007" },
  3_600,
);

const targets: [string, string, string?][] = [
  [
    "building summary, one month vs last year",
    `/buildings/${BUILDING}/summary?from=2024-11-01&to=2024-12-01`,
  ],
  ["building summary, one year vs last year", `/buildings/${BUILDING}/summary?from=2024-01-01&to=2025-01-01`],
  ["portfolio (1 building), one month", "/portfolio?from=2024-11-01&to=2024-12-01"],
  [
    "one dwelling, daily heating for a year",
    `/buildings/${BUILDING}/dwellings/d007/series?quantity=heating_energy&every=1d&from=2024-01-01T00:00:00%2B01:00&to=2025-01-01T00:00:00%2B01:00`,
  ],
  ["tenant's monthly page (HTML), November 2024", "/tenant?month=2024-11", tenantToken],
  ["tenant's monthly usage (JSON), November 2024", "/tenant/api/usage?month=2024-11", tenantToken],
];

console.log(
  `\nAPI bench (${STORE}): ${DWELLINGS} dwellings × ${DAYS} days of 15-minute data, ${CONNECTIONS} connections, ${SECONDS} s each\n`,
);
console.log("| request | p50 ms | p99 ms | requests/s | non-2xx |");
console.log("| --- | ---: | ---: | ---: | ---: |");
for (const [label, url, bearer = token] of targets) {
  await settled();
  trace = [];
  const started = performance.now();
  const check = await app.inject({ url, headers: { authorization: `Bearer ${bearer}` } });
  if (check.statusCode !== 200) throw new Error(`${url} answered ${check.statusCode}: ${check.body}`);
  if (process.argv.includes("--trace")) {
    process.stderr.write(
      `${label}: ${Math.round(performance.now() - started)} ms alone; store calls (ms): ${trace.join(", ")}\n`,
    );
  }
  trace = undefined;
  const r = await autocannon({
    url: `${base}${url}`,
    connections: CONNECTIONS,
    duration: SECONDS,
    headers: { authorization: `Bearer ${bearer}` },
  });
  console.log(
    `| ${label} | ${r.latency.p50} | ${r.latency.p99} | ${Math.round(r.requests.average)} | ${r.non2xx + r.errors} |`,
  );
}

await app.close();
await deadLetters.close();
await stop();
