// The production path as an operator runs it: the real Mosquitto and influxd, `cli ingest` and
// `cli api` as separate processes configured by environment variables. 20 000 readings sent
// with mosquitto_pub and mqtt.js in the three payload formats land exactly once, and the API
// on InfluxDB answers what the same readings give on SQLite.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import mqtt from "mqtt";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { buildApp } from "../../api/app.ts";
import { loadOrCreateSecret } from "../../api/auth/secret.ts";
import { createTokenVerifier, issueToken } from "../../api/auth/tokens.ts";
import type { Reading } from "../../model/reading.ts";
import { SiteRegistry } from "../../model/registry.ts";
import { localDate, localMidnight } from "../../model/time-zone.ts";
import { generateSite } from "../../simulators/site-generator.ts";
import { createInfluxDeadLetterStore } from "../../storage/influx/dead-letter-store.ts";
import { createInfluxTelemetryStore } from "../../storage/influx/telemetry-store.ts";
import { createSqliteDeadLetterStore } from "../../storage/sqlite/dead-letter-store.ts";
import { createSqliteTelemetryStore } from "../../storage/sqlite/telemetry-store.ts";
import type { TelemetryStore } from "../../storage/telemetry-store.ts";
import { type CliProcess, startCli } from "../support/cli-process.ts";
import { type RunningInfluxd, startInfluxd } from "../support/influxd.ts";
import { type Mosquitto, startMosquitto } from "../support/mosquitto.ts";
import { freePort } from "../support/ports.ts";
import { publishAll } from "../support/publish.ts";
import { until } from "../support/wait.ts";

const site = generateSite({ seed: 7, buildings: 2, dwellingsPerBuilding: 10 });
const building = site.buildings[0]!;
const dwellings = building.dwellings.map((d) => d.id);
const DAY = 86_400_000;
const STEP = 900_000;
const STEPS = 1_000; // 10 dwellings × 2 sensors × 1 000 = 20 000 readings
const TOTAL = dwellings.length * 2 * STEPS;
// Recent enough for the raw retention policy (400 days) and the ingest's age limit.
const start = localDate(Date.now() - 20 * DAY, "Europe/Paris");
const T0 = localMidnight(start.year, start.month, start.day, "Europe/Paris");
const T_END = T0 + 11 * DAY;

const SENSORS = [
  {
    sensor: "temp",
    quantity: "temperature",
    unit: "Cel",
    value: (d: number, s: number) => 19 + ((s * 7 + d) % 10) * 0.25,
  },
  {
    sensor: "heat",
    quantity: "heating_energy",
    unit: "kWh",
    value: (d: number, s: number) => 1000 * (d + 1) + s * 0.25,
  },
] as const;

interface Message {
  topic: string;
  payload: string;
}

/** Every reading once, as readings and as messages: per series, chunks of 10 steps rotating JSON
 * objects, a SenML pack and line protocol. Even dwellings go through mosquitto_pub (one line per
 * message, so line protocol is one line each), odd ones through mqtt.js (multi-line messages). */
function dataset(): { readings: Reading[]; viaCli: Map<string, string[]>; viaMqttJs: Message[] } {
  const readings: Reading[] = [];
  const viaCli = new Map<string, string[]>();
  const viaMqttJs: Message[] = [];
  dwellings.forEach((dwelling, d) => {
    for (const { sensor, quantity, unit, value } of SENSORS) {
      const topic = `telemetry/${building.id}/${dwelling}/${sensor}`;
      const payloads: string[] = [];
      for (let s = 0; s < STEPS; s++) {
        readings.push({
          building: building.id,
          space: dwelling,
          sensor,
          quantity,
          t: T0 + s * STEP,
          v: value(d, s),
        });
      }
      for (let chunk = 0; chunk < STEPS / 10; chunk++) {
        const steps = Array.from({ length: 10 }, (_, i) => chunk * 10 + i);
        const format = (chunk + d) % 3;
        if (format === 0) {
          for (const s of steps) payloads.push(JSON.stringify({ t: T0 + s * STEP, v: value(d, s) }));
        } else if (format === 1) {
          const bt = (T0 + steps[0]! * STEP) / 1000;
          const pack = steps.map((s, i) => ({
            ...(i === 0 ? { bt, bu: unit } : {}),
            t: ((s - steps[0]!) * STEP) / 1000,
            v: value(d, s),
          }));
          payloads.push(JSON.stringify(pack));
        } else {
          const lines = steps.map(
            (s) => `${quantity},unit=${unit} value=${value(d, s)} ${BigInt(T0 + s * STEP) * 1_000_000n}`,
          );
          if (d % 2 === 0) payloads.push(...lines);
          else payloads.push(lines.join("\n"));
        }
      }
      if (d % 2 === 0) viaCli.set(topic, payloads);
      else viaMqttJs.push(...payloads.map((payload) => ({ topic, payload })));
    }
  });
  return { readings, viaCli, viaMqttJs };
}

/** mosquitto_pub -l: one process per topic publishes every line of its stdin at QoS 1. */
function mosquittoPub(port: number, topic: string, lines: string[], id: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "mosquitto_pub",
      ["-h", "127.0.0.1", "-p", String(port), "-q", "1", "-i", id, "-t", topic, "-l"],
      {
        stdio: ["pipe", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr.on("data", (c: Buffer) => {
      stderr += c.toString();
    });
    child.once("error", reject);
    child.once("exit", (code) =>
      code === 0 ? resolve() : reject(new Error(`mosquitto_pub exited ${code}: ${stderr}`)),
    );
    child.stdin.end(`${lines.join("\n")}\n`);
  });
}

/** Equal within 1e-9 of the larger magnitude (exact for zeros). */
function expectClose(actual: number, expected: number, where: string): void {
  const scale = Math.max(Math.abs(actual), Math.abs(expected));
  expect(Math.abs(actual - expected), `${where}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-9 * scale);
}

interface SeriesBody {
  fn: string;
  points: { start: string; value: number }[];
}

describe("production path: Mosquitto → cli ingest → InfluxDB ← cli api", () => {
  const { readings, viaCli, viaMqttJs } = dataset();
  let dir: string;
  let mosquitto: Mosquitto;
  let influxd: RunningInfluxd;
  let ingest: CliProcess;
  let api: CliProcess;
  let apiUrl: string;
  let influxStore: TelemetryStore;
  let sqliteStore: TelemetryStore;
  let sqliteApp: FastifyInstance;
  let token: string;
  const exitCodes: Record<string, number | null> = {};

  let ingestPort: number;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "production-"));
    const siteFile = join(dir, "site.yaml");
    writeFileSync(siteFile, stringify(site));
    [mosquitto, influxd] = await Promise.all([startMosquitto(), startInfluxd()]);
    const common = { STORE: "influx", INFLUX_URL: influxd.url, SITE_FILE: siteFile, LOG_LEVEL: "warn" };

    ingestPort = await freePort();
    ingest = startCli("ingest", {
      env: {
        ...common,
        MQTT_URL: mosquitto.url,
        MQTT_CLIENT_ID: "production-test-ingest",
        DATA_DIR: join(dir, "ingest"),
        INGEST_HTTP_PORT: String(ingestPort),
      },
    });
    const apiDataDir = join(dir, "api");
    // The API reads this secret at start (it creates it when absent); our tokens are signed with it.
    const secret = loadOrCreateSecret(apiDataDir);
    token = await issueToken(secret, { role: "admin", sub: "production-test" }, 3_600);
    const apiPort = await freePort();
    apiUrl = `http://127.0.0.1:${apiPort}`;
    await ingest.waitReady(`http://127.0.0.1:${ingestPort}/readyz`);
    api = startCli("api", { env: { ...common, DATA_DIR: apiDataDir, API_PORT: String(apiPort) } });
    await api.waitReady(`${apiUrl}/readyz`);

    influxStore = createInfluxTelemetryStore({ url: influxd.url, database: "telemetry" });
    await influxStore.connect();

    // The embedded store and the same app code, in process, fed the same readings directly.
    sqliteStore = createSqliteTelemetryStore({ path: join(dir, "reference.db") });
    await sqliteStore.connect();
    await sqliteStore.write(readings);
    const deadLetters = createSqliteDeadLetterStore({ path: join(dir, "reference-dead-letters.db") });
    await deadLetters.connect();
    sqliteApp = await buildApp(
      { registry: new SiteRegistry(site), store: sqliteStore, deadLetters, readiness: [] },
      { logger: pino({ level: "silent" }), verifyToken: createTokenVerifier({ secret }) },
    );
    sqliteApp.addHook("onClose", () => deadLetters.close());
  });

  afterAll(async () => {
    await api?.stop();
    await ingest?.stop();
    await sqliteApp?.close();
    await sqliteStore?.close();
    await influxStore?.close();
    await mosquitto?.stop();
    await influxd?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  const countOf = (quantity: "temperature" | "heating_energy") =>
    influxStore.count({ building: building.id, quantity, from: T0, to: T_END });

  it("stores 20 000 readings sent by mosquitto_pub and mqtt.js exactly once", async () => {
    const client = await mqtt.connectAsync(mosquitto.url, {
      clientId: "production-test-publisher",
      reconnectPeriod: 0,
    });
    try {
      await Promise.all([
        ...[...viaCli].map(([topic, lines], i) =>
          mosquittoPub(mosquitto.port, topic, lines, `production-test-pub-${i}`),
        ),
        publishAll(client, viaMqttJs),
      ]);
      // A device that missed its PUBACK sends again: nothing may be duplicated.
      await publishAll(client, viaMqttJs.slice(0, 300));
    } finally {
      await client.endAsync();
    }
    await until(
      "every reading stored",
      45_000,
      async () => (await countOf("temperature")) + (await countOf("heating_energy")) >= TOTAL,
      200,
    );
    expect(await countOf("temperature")).toBe(TOTAL / 2);
    expect(await countOf("heating_energy")).toBe(TOTAL / 2);
    for (const space of [dwellings[0]!, dwellings[1]!]) {
      const raw = await influxStore.readRaw({
        building: building.id,
        quantity: "heating_energy",
        space,
        from: T0,
        to: T_END,
      });
      const expected = readings.filter((r) => r.space === space && r.sensor === "heat");
      expect(raw).toEqual(expected);
    }
    const letters = createInfluxDeadLetterStore({ url: influxd.url, database: "telemetry" });
    expect(await letters.countByReason()).toEqual({});
    await letters.close();
  });

  it("serves ingest's metrics, all of them or only those named", async () => {
    const metrics = `http://127.0.0.1:${ingestPort}/metrics`;
    const all = await (await fetch(metrics)).text();
    expect(all).toMatch(/^ingest_readings_stored_total \d+$/m);
    expect(all).toMatch(/^process_cpu_seconds_total /m);
    const named = await fetch(
      `${metrics}?name=ingest_readings_received_total&name=ingest_readings_stored_total`,
    );
    expect(named.headers.get("content-type")).toMatch(/^text\/plain/);
    const text = await named.text();
    expect(text).toMatch(/^ingest_readings_received_total \d+$/m);
    expect(text).toMatch(/^ingest_readings_stored_total \d+$/m);
    expect(text).not.toMatch(/process_cpu_seconds_total|ingest_messages_total/);
    const unknown = await fetch(`${metrics}?name=no_such_metric`);
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ detail: "no metric named no_such_metric" });
    expect((await fetch(`${metrics}?name=not%20a%20name`)).status).toBe(400);
  });

  const get = async (path: string) => {
    const headers = { authorization: `Bearer ${token}` };
    const res = await fetch(`${apiUrl}${path}`, { headers });
    const influxBody = await res.text();
    expect(res.status, `${path} on cli api: ${influxBody}`).toBe(200);
    const reference = await sqliteApp.inject({ url: path, headers });
    expect(reference.statusCode, `${path} in process on SQLite: ${reference.body}`).toBe(200);
    return { influx: JSON.parse(influxBody), sqlite: reference.json() };
  };

  const compareSeries = (path: string, influx: SeriesBody, sqlite: SeriesBody, windows: number) => {
    expect(influx.fn).toBe(sqlite.fn);
    expect(influx.points.map((p) => p.start)).toEqual(sqlite.points.map((p) => p.start));
    expect(influx.points).toHaveLength(windows);
    for (const [i, p] of influx.points.entries()) {
      expectClose(p.value, sqlite.points[i]!.value, `${path} window ${p.start}`);
    }
  };

  it("answers consumption per day and mean temperature as the SQLite mode does", async () => {
    const range = `from=${T0}&to=${T_END}`;
    const base = `/buildings/${encodeURIComponent(building.id)}/series`;
    const queries: [string, number][] = [
      [`${base}?quantity=heating_energy&every=1d&${range}`, 11],
      [`${base}?quantity=temperature&every=1d&${range}`, 11],
      [`${base}?quantity=temperature&every=1d&space=${dwellings[3]}&${range}`, 11],
      [`${base}?quantity=temperature&fn=max&every=1d&space=${dwellings[4]}&sensor=temp&${range}`, 11],
      [`${base}?quantity=heating_energy&every=1h&space=${dwellings[5]}&from=${T0}&to=${T0 + 2 * DAY}`, 48],
      [`${base}?quantity=temperature&every=15m&space=${dwellings[6]}&from=${T0}&to=${T0 + DAY}`, 96],
    ];
    for (const [path, windows] of queries) {
      const { influx, sqlite } = await get(path);
      compareSeries(path, influx, sqlite, windows);
    }
    // Independently of both stores: every meter rose 0.25 kWh per step after its first point.
    const heat = (await get(queries[0]![0])).influx as SeriesBody;
    expectClose(
      heat.points.reduce((sum, p) => sum + p.value, 0),
      dwellings.length * (STEPS - 1) * 0.25,
      "total consumption",
    );
  });

  it("answers the latest reading of every sensor as the SQLite mode does", async () => {
    const { influx, sqlite } = await get(`/buildings/${encodeURIComponent(building.id)}/latest`);
    type Latest = { space: string; sensor: string; t: string; value: number; unit: string };
    const order = (a: Latest, b: Latest) => `${a.space}/${a.sensor}`.localeCompare(`${b.space}/${b.sensor}`);
    const got = (influx.readings as Latest[]).sort(order);
    const expected = (sqlite.readings as Latest[]).sort(order);
    expect(got).toHaveLength(dwellings.length * 2);
    expect(got.map(({ value: _, ...rest }) => rest)).toEqual(expected.map(({ value: _, ...rest }) => rest));
    for (const [i, r] of got.entries()) expectClose(r.value, expected[i]!.value, `${r.space}/${r.sensor}`);
    expect(new Set(got.map((r) => r.t))).toEqual(new Set([new Date(T0 + (STEPS - 1) * STEP).toISOString()]));
  });

  it("stops both processes cleanly on SIGTERM", async () => {
    exitCodes.api = await api.stop();
    exitCodes.ingest = await ingest.stop();
    expect(exitCodes, `${api.output()}\n${ingest.output()}`).toEqual({ api: 0, ingest: 0 });
  });
});
