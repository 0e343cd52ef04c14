// Ingest throughput on the production path: publishers → Mosquitto → `cli ingest` (a child
// process: accept, journal, PUBACK, writer) → influxd, for single JSON readings and SenML packs
// of 50, against two limits: what Mosquitto delivers to a subscriber that only counts, and what
// influxd stores when the same points are posted to /write in batches of 5 000. Then one ingest
// worker against two sharing `$share/ingest/telemetry/#`. Prints figures; never fails a build.
//
//   npx tsx bench/ingest-influx.ts [--readings 60000] [--senml 300000] [--connections 4]
//       [--window 1000] [--rounds 3] [--warmup 10000] [--root /tmp/x] [--ingest-env K=V,K=V]
//       [--profile DIR] [--fsync-env NAME=VALUE] [--bundle] [--broker test|shipped]
//
// Each ingest process first takes --warmup readings (5× that in SenML packs) at other times,
// unmeasured, and the counting subscriber a run of that many: both measured runs are warm.
// --root runs `cli ingest` from another checkout (a copy with a proposed change) and
// --ingest-env gives every ingest run these variables; --profile writes the ingest children's
// --cpu-prof there; --fsync-env adds a run whose ingest gets that variable
// (JOURNAL_FSYNC_INTERVAL_MS=0: fsync before every acknowledgement). --bundle runs ingest as
// docker-compose.yml does, `node [its flags] dist/main.mjs ingest`, building the bundle with
// scripts/build.mjs when it is missing
// (rebuild by hand after a change: `node scripts/build.mjs`); without it ingest runs through tsx.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import mqtt from "mqtt";
import { readComposeFile } from "../deploy/compose-file.ts";
import { siteSchema } from "../model/site.ts";
import { createInfluxClient } from "../storage/influx/client.ts";
import { encodePoint } from "../storage/influx/line-protocol.ts";
import { createInfluxTelemetryStore } from "../storage/influx/telemetry-store.ts";
import { type CliProcess, REPO_ROOT, startCli } from "../test/support/cli-process.ts";
import { type RunningInfluxd, startInfluxd } from "../test/support/influxd.ts";
import { type Mosquitto, startMosquitto } from "../test/support/mosquitto.ts";
import { freePort } from "../test/support/ports.ts";
import { argNumber, argText } from "./lib/args.ts";
import { type CpuSplit, formatCpuSplit, measureCpu } from "./lib/cpu.ts";
import { statusMiB } from "./lib/proc-memory.ts";
import {
  forkPublishers,
  type Message,
  type PublisherPlan,
  type PublishMode,
  publisherPlan,
  runPublishers,
  runScript,
  SENML_PACK,
} from "./lib/publishers.ts";

const BATCH = 5_000;
/** Dwellings of the bench's building, one temperature sensor each: 500 series, like a large residence. */
const SPACES = 500;
const BUILDING = "b1";

// ---------------------------------------------------------------- the data

interface Point {
  space: string;
  t: number;
  v: number;
}

/** Message `m` as its points: distinct (space, t) over the whole run. Single readings are live
 * values 10 s apart; SenML packs are backfills of 15-minute readings. */
function pointsOf(mode: PublishMode, m: number, base: number): Point[] {
  const space = `d${m % SPACES}`;
  const slot = Math.floor(m / SPACES);
  if (mode === "single") return [{ space, t: base + slot * 10_000, v: 18 + (m % 50) / 10 }];
  return Array.from({ length: SENML_PACK }, (_, k) => ({
    space,
    t: base + (slot * SENML_PACK + k) * 900_000,
    v: 19 + (k % 20) / 10,
  }));
}

function payloadOf(mode: PublishMode, points: Point[]): string {
  if (mode === "single") return `{"t":${points[0]!.t},"v":${points[0]!.v}}`;
  const bt = points[0]!.t / 1000;
  return JSON.stringify(
    points.map((p, k) => (k === 0 ? { bt, bu: "Cel", v: p.v } : { t: p.t / 1000 - bt, v: p.v })),
  );
}

/** How much earlier than the measured readings the warm-up's are, so that none coincide. */
const WARMUP_EARLIER_MS: Record<PublishMode, number> = { single: 3_600_000, senml: 8 * 86_400_000 };

const baseOf = (mode: PublishMode, now: number) =>
  Math.floor((mode === "single" ? now - 6 * 3_600_000 : now - 60 * 86_400_000) / 1000) * 1000;

// ---------------------------------------------------------------- publishers (child process)

interface Plan extends PublisherPlan {
  mode: PublishMode;
  total: number;
  base: number;
}

/** Connection c sends messages c, c + n, c + 2n… */
function queueOf(plan: Plan, c: number): Message[] {
  const queue: Message[] = [];
  const messages = Math.ceil(plan.total / (plan.mode === "single" ? 1 : SENML_PACK));
  for (let m = c; m < messages; m += plan.connections) {
    const points = pointsOf(plan.mode, m, plan.base);
    queue.push({
      topic: `telemetry/${BUILDING}/${points[0]!.space}/t`,
      payload: payloadOf(plan.mode, points),
    });
  }
  return queue;
}

const startPublishers = (plan: Plan) => forkPublishers(fileURLToPath(import.meta.url), plan);

// ---------------------------------------------------------------- measuring

interface Figure {
  name: string;
  readings: number;
  messages: number;
  seconds: number;
  /** Until ingest had appended (and so acknowledged) every message: its side of QoS 1. */
  ackedSeconds?: number;
  /** Points InfluxDB holds at the end (InfluxQL COUNT). */
  stored?: number;
  /** Peak resident memory of each ingest process, MiB (VmHWM). */
  rssMiB?: number[];
  /** Resident memory of each ingest process once ready, before any message, MiB (VmRSS). */
  idleMiB?: number[];
  /** Worker exit codes on SIGTERM. */
  exits?: (number | null)[];
  /** CPU seconds the ingest processes (or the counting subscriber) spent during the run. */
  cpuSeconds?: number;
  /** CPU seconds of every process of the run, and how busy the machine was. */
  split?: CpuSplit;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(
  check: () => boolean | Promise<boolean>,
  timeoutMs: number,
  what: string,
  everyMs = 5,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`bench timed out waiting for ${what}`);
    await sleep(everyMs);
  }
}

/** Ingest's two counters, 20 times a second: the end of a run is known within 50 ms. Asking
 * /metrics for them by name spares ingest the process metrics it reads from /proc on a full
 * scrape (~4 % of its CPU at this rate). */
const SCRAPE_EVERY_MS = 50;

async function influxCount(url: string, db: string): Promise<number> {
  const q = new URLSearchParams({ db, q: "SELECT COUNT(value) FROM temperature" });
  const res = await fetch(`${url}/query?${q}`);
  const body = (await res.json()) as { results: { series?: { values: [string, number][] }[] }[] };
  return body.results[0]?.series?.[0]?.values[0]?.[1] ?? 0;
}

const vmHwmMiB = (pid: number) => statusMiB(pid, "VmHWM");

const COUNTERS = "name=ingest_readings_received_total&name=ingest_readings_stored_total";

/** Reads ingest's counters from its /metrics. */
async function counters(port: number): Promise<{ received: number; stored: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics?${COUNTERS}`)).text();
  const read = (name: string) => Number(text.match(new RegExp(`^${name} (\\S+)$`, "m"))?.[1] ?? 0);
  return { received: read("ingest_readings_received_total"), stored: read("ingest_readings_stored_total") };
}

/** Forgets a persistent session, so the broker stops queueing for a finished run's client id. */
async function dropSession(url: string, clientId: string): Promise<void> {
  const c = await mqtt.connectAsync(url, { clientId, protocolVersion: 5, clean: true, reconnectPeriod: 0 });
  await c.endAsync();
}

interface Services {
  mosquitto: Mosquitto;
  influxd: RunningInfluxd;
  siteFile: string;
  dir: string;
  root?: string;
  profileDir?: string;
  /** Run `node dist/main.mjs` (the bundle, as in the Docker image) instead of tsx. */
  bundle: boolean;
  /** With the bundle: the node flags docker-compose.yml gives ingest. */
  nodeFlags: string[];
  /** Added to every ingest run's environment. */
  ingestEnv: Record<string, string>;
}

/** The node flags docker-compose.yml gives the ingest service (between `node` and the bundle in
 * its entrypoint), so that --bundle runs ingest exactly as compose does. */
function imageNodeFlags(root: string): string[] {
  const { compose } = readComposeFile(join(root, "docker-compose.yml"));
  const entrypoint = compose.services.ingest?.entrypoint ?? [];
  const bundle = entrypoint.indexOf("dist/main.mjs");
  return bundle > 1 ? entrypoint.slice(1, bundle) : [];
}

/** Builds dist/main.mjs in `root` unless it is there. */
function ensureBundle(root: string): void {
  if (existsSync(join(root, "dist/main.mjs"))) return;
  execFileSync(process.execPath, [join(root, "scripts/build.mjs")], { cwd: root, stdio: "inherit" });
}

let runNo = 0;

/** The processes a run's CPU is split between besides the publishers: the servers and `measured`. */
function serverPids(s: Services, measured: Record<string, number[]>): Record<string, number[]> {
  const pid = (p: number | undefined) => (p === undefined ? [] : [p]);
  return {
    mosquitto: pid(s.mosquitto.pid()),
    ...measured,
    influxd: pid(s.influxd.pid()),
  };
}

/** The limit of the broker side: Mosquitto and an mqtt.js QoS 1 subscriber that only counts,
 * with ingest's protocol (MQTT 5) and one message at a time, as mqtt.js hands them. */
async function deliveryLimit(
  s: Services,
  total: number,
  connections: number,
  window: number,
): Promise<Figure> {
  const clientId = `bench-counter-${++runNo}`;
  const sub = await mqtt.connectAsync(s.mosquitto.url, { clientId, protocolVersion: 5, clean: true });
  await sub.subscribeAsync("telemetry/#", { qos: 1 });
  let received = 0;
  sub.on("message", () => {
    received++;
  });
  const pubs = startPublishers({
    url: s.mosquitto.url,
    mode: "single",
    total,
    connections,
    window,
    base: baseOf("single", Date.now()),
  });
  await pubs.ready;
  // This process only counts meanwhile, so its CPU time is the subscriber's.
  const cpuBefore = process.cpuUsage();
  const split = measureCpu(serverPids(s, { "counting subscriber": [process.pid] }));
  const start = performance.now();
  pubs.go();
  await until(() => received >= total, 120_000, "the counting subscriber");
  const seconds = (performance.now() - start) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSplit = split.stop();
  // The publishers measure themselves: they may have exited by now.
  cpuSplit.seconds = { publishers: await pubs.done, ...cpuSplit.seconds };
  await sub.endAsync();
  return {
    name: "Mosquitto → counting subscriber (limit)",
    readings: total,
    messages: total,
    seconds,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
    split: cpuSplit,
  };
}

/** The real thing: `cli ingest` child processes (one or several sharing the subscription) into a
 * fresh database; ends when their counters say everything is stored, then counts in InfluxDB. */
async function ingestRun(
  s: Services,
  name: string,
  mode: PublishMode,
  total: number,
  options: {
    connections: number;
    window: number;
    workers?: number;
    env?: Record<string, string>;
    /** Readings sent through ingest, and stored, before the measured ones. */
    warmup?: number;
  },
): Promise<Figure> {
  const run = ++runNo;
  const db = `bench_${run}`;
  const workers = options.workers ?? 1;
  const ports: number[] = [];
  const procs: CliProcess[] = [];
  const clientIds: string[] = [];
  for (let w = 0; w < workers; w++) {
    const port = await freePort();
    const clientId = `bench-ingest-${run}-${w}`;
    ports.push(port);
    clientIds.push(clientId);
    // Node names each thread's profile CPU.<date>.<time>.<pid>.<thread>.<n>; thread 0 is ingest's
    // own (tsx's loader runs in a worker thread beside it).
    const profiling = s.profileDir ? ["--cpu-prof", "--cpu-prof-dir", s.profileDir] : [];
    procs.push(
      startCli("ingest", {
        root: s.root,
        nodeArgs: [...s.nodeFlags, ...profiling],
        entry: s.bundle ? "dist/main.mjs" : undefined,
        env: {
          STORE: "influx",
          INFLUX_URL: s.influxd.url,
          INFLUX_DATABASE: db,
          SITE_FILE: s.siteFile,
          DATA_DIR: join(s.dir, `ingest-${run}-${w}`),
          MQTT_URL: s.mosquitto.url,
          MQTT_CLIENT_ID: clientId,
          MQTT_TOPIC: workers > 1 ? "$share/ingest/telemetry/#" : "telemetry/#",
          // One process rolls the daily rollups.
          INFLUX_ROLLUP_JOB: String(w === 0),
          INGEST_HTTP_PORT: String(port),
          LOG_LEVEL: "warn",
          ...s.ingestEnv,
          ...options.env,
        },
      }),
    );
  }
  await Promise.all(procs.map((p, w) => p.waitReady(`http://127.0.0.1:${ports[w]}/readyz`)));
  const idleMiB = procs.map((p) => statusMiB(p.pid, "VmRSS"));
  // All workers' counters added up.
  const totals = async () =>
    (await Promise.all(ports.map(counters))).reduce(
      (sum, c) => ({ received: sum.received + c.received, stored: sum.stored + c.stored }),
      { received: 0, stored: 0 },
    );
  // Ingest is a fresh process whose code V8 has not optimised yet, while the counting subscriber
  // runs warm in this process: readings at other times go through first, unmeasured.
  const warmup = options.warmup ?? 0;
  if (warmup > 0) {
    const early = startPublishers({
      url: s.mosquitto.url,
      mode,
      total: warmup,
      connections: options.connections,
      window: options.window,
      base: baseOf(mode, Date.now()) - WARMUP_EARLIER_MS[mode],
    });
    await early.ready;
    early.go();
    await until(
      async () => (await totals()).stored >= warmup,
      60_000,
      `${name}: the warm-up stored`,
      SCRAPE_EVERY_MS,
    );
    await early.done;
  }
  const pubs = startPublishers({
    url: s.mosquitto.url,
    mode,
    total,
    connections: options.connections,
    window: options.window,
    base: baseOf(mode, Date.now()),
  });
  await pubs.ready;
  const split = measureCpu(serverPids(s, { ingest: procs.map((p) => p.pid) }));
  const start = performance.now();
  pubs.go();
  let ackedSeconds: number | undefined;
  await until(
    async () => {
      const { received, stored } = await totals();
      if (ackedSeconds === undefined && received >= warmup + total)
        ackedSeconds = (performance.now() - start) / 1000;
      return stored >= warmup + total;
    },
    180_000,
    `${name}: every reading stored`,
    SCRAPE_EVERY_MS,
  ).catch((error: Error) => {
    throw new Error(`${error.message}\n${procs.map((p) => p.output()).join("\n")}`);
  });
  const seconds = (performance.now() - start) / 1000;
  const cpuSplit = split.stop();
  // The publishers measure themselves: they may have exited by now.
  cpuSplit.seconds = { publishers: await pubs.done, ...cpuSplit.seconds };
  const rssMiB = procs.map((p) => vmHwmMiB(p.pid));
  if (s.profileDir)
    console.log(`  (${name}: CPU profiles of pid ${procs.map((p) => p.pid).join(", ")} in ${s.profileDir})`);
  const exits = await Promise.all(procs.map((p) => p.stop()));
  await Promise.all(clientIds.map((id) => dropSession(s.mosquitto.url, id)));
  const stored = (await influxCount(s.influxd.url, db)) - warmup;
  const messages = Math.ceil(total / (mode === "single" ? 1 : SENML_PACK));
  return {
    name,
    readings: total,
    messages,
    seconds,
    ackedSeconds,
    stored,
    rssMiB,
    idleMiB,
    exits,
    cpuSeconds: cpuSplit.seconds.ingest,
    split: cpuSplit,
  };
}

/** The store's limit: the SenML run's points posted straight to /write, 5 000 per request, one
 * request at a time (as ingest's writer does), into a database made by the adapter. */
async function rawWrite(s: Services, total: number): Promise<Figure> {
  const db = `bench_${++runNo}`;
  const store = createInfluxTelemetryStore({ url: s.influxd.url, database: db, createDatabase: true });
  await store.connect();
  await store.close();
  const base = baseOf("senml", Date.now());
  const lines: string[] = [];
  for (let m = 0; lines.length < total; m++) {
    for (const p of pointsOf("senml", m, base)) {
      lines.push(
        encodePoint({
          measurement: "temperature",
          tags: { building: BUILDING, space: p.space, sensor: "t" },
          fields: { value: p.v },
          time: p.t,
        }),
      );
    }
  }
  // Bodies encoded beforehand, posted with the adapter's client: the limit is influxd's alone.
  const bodies: Buffer[] = [];
  for (let i = 0; i < total; i += BATCH) bodies.push(Buffer.from(lines.slice(i, i + BATCH).join("\n")));
  const client = createInfluxClient({ url: s.influxd.url, auth: { kind: "none" }, timeoutMs: 30_000 });
  const split = measureCpu({
    "bench posting": [process.pid],
    influxd: s.influxd.pid() ? [s.influxd.pid()!] : [],
  });
  const start = performance.now();
  for (const body of bodies) await client.write(body, { db, precision: "ms" });
  const seconds = (performance.now() - start) / 1000;
  const cpuSplit = split.stop();
  const stored = await influxCount(s.influxd.url, db);
  return {
    name: `influxd /write, batches of ${n(BATCH)} (limit)`,
    readings: total,
    messages: bodies.length,
    seconds,
    stored,
    split: cpuSplit,
  };
}

// ---------------------------------------------------------------- report

const n = (x: number) => Math.round(x).toLocaleString("en");
const rate = (f: Figure) => f.readings / f.seconds;
const best = (a: Figure | undefined, b: Figure) => (a && rate(a) >= rate(b) ? a : b);

function print(f: Figure): void {
  const extra = [
    f.stored === undefined
      ? ""
      : `stored ${n(f.stored)}/${n(f.readings)}${f.stored === f.readings ? "" : "  MISSING OR EXTRA"}`,
    f.cpuSeconds === undefined ? "" : `CPU ${((f.cpuSeconds / f.readings) * 1e6).toFixed(1)} µs/reading`,
    f.idleMiB ? `idle VmRSS ${f.idleMiB.map((r) => r.toFixed(0)).join("+")} MiB` : "",
    f.rssMiB ? `ingest VmHWM ${f.rssMiB.map((r) => r.toFixed(0)).join("+")} MiB` : "",
    f.exits ? `exit ${f.exits.join(",")}` : "",
  ].filter(Boolean);
  console.log(
    `${f.name.padEnd(46)} ${n(rate(f)).padStart(9)} readings/s ${n(f.messages / f.seconds).padStart(8)} msg/s  ${f.seconds.toFixed(2).padStart(6)} s  ${extra.join("  ")}`,
  );
  if (f.split) console.log(`${"".padEnd(46)} ${formatCpuSplit(f.split)}`);
  if (f.ackedSeconds !== undefined) {
    console.log(
      `${"".padEnd(46)} ${n(f.readings / f.ackedSeconds).padStart(9)} readings/s acknowledged by ingest after the journal (all after ${f.ackedSeconds.toFixed(2)} s)`,
    );
  }
}

function verdict(label: string, value: number, target: number): string {
  return `${label}: ${(value * 100).toFixed(1)}% (target ≥ ${(target * 100).toFixed(0)}%) ${value >= target ? "met" : "MISSED"}`;
}

async function main(): Promise<void> {
  const total = argNumber("readings", 60_000);
  const senml = argNumber("senml", 300_000);
  const connections = argNumber("connections", 4);
  const window = argNumber("window", 1_000);
  const rounds = argNumber("rounds", 3);
  const warmup = argNumber("warmup", 10_000);
  const fsyncEnv = argText("fsync-env");
  const dir = mkdtempSync(join(tmpdir(), "bench-influx-"));
  const siteFile = join(dir, "site.json");
  const site = siteSchema.parse({
    id: "bench",
    name: "Bench site",
    buildings: [
      {
        id: BUILDING,
        name: "Résidence des Tilleuls",
        dwellings: Array.from({ length: SPACES }, (_, i) => ({
          id: `d${i}`,
          areaM2: 50,
          sensors: [{ id: "t", quantity: "temperature" }],
        })),
      },
    ],
  });
  writeFileSync(siteFile, JSON.stringify(site));
  // --broker shipped: Mosquitto with deploy/mosquitto/mosquitto.conf's persistence, autosave and
  // queue settings (what compose runs); the default is the tests' broker, without persistence.
  const shippedBroker = argText("broker") === "shipped";
  const [mosquitto, influxd] = await Promise.all([
    startMosquitto(shippedBroker ? { shippedSettings: true } : {}),
    startInfluxd(),
  ]);
  console.log(
    `broker: ${shippedBroker ? "shipped settings (deploy/mosquitto/mosquitto.conf)" : "test settings, no persistence"}`,
  );
  const ingestEnv = Object.fromEntries(
    (argText("ingest-env") ?? "")
      .split(",")
      .filter((kv) => kv.includes("="))
      .map((kv) => [kv.slice(0, kv.indexOf("=")), kv.slice(kv.indexOf("=") + 1)]),
  );
  const s: Services = {
    mosquitto,
    influxd,
    siteFile,
    dir,
    root: argText("root"),
    profileDir: argText("profile"),
    bundle: process.argv.includes("--bundle"),
    nodeFlags: [],
    ingestEnv,
  };
  if (s.bundle) s.nodeFlags = imageNodeFlags(s.root ?? REPO_ROOT);
  if (s.bundle) ensureBundle(s.root ?? REPO_ROOT);
  const started = performance.now();
  try {
    console.log(
      `${n(total)} single readings and ${n(senml)} in SenML packs of ${SENML_PACK} per run; ${connections} publisher connections ` +
        `(child process) with ${window} in flight each, QoS 1; ${SPACES} sensors; Mosquitto 2.0, influxd 1.6; ` +
        `limit and single alternate over ${rounds} rounds, best of each (the 2 cores are shared)`,
    );
    if (s.root) console.log(`ingest runs from ${s.root}`);
    console.log(
      s.bundle
        ? `ingest runs as docker-compose.yml runs it: \`${["node", ...s.nodeFlags, "dist/main.mjs", "ingest"].join(" ")}\``
        : "ingest runs as `node --import tsx cli/main.ts ingest`",
    );
    if (Object.keys(ingestEnv).length > 0) console.log(`ingest environment: ${JSON.stringify(ingestEnv)}`);
    let limitBest: Figure | undefined;
    let singleBest: Figure | undefined;
    // The counting subscriber's code warms up once, unmeasured, as each ingest process does.
    if (warmup > 0) await deliveryLimit(s, warmup, connections, window);
    for (let r = 0; r < rounds; r++) {
      const a = await deliveryLimit(s, total, connections, window);
      print(a);
      limitBest = best(limitBest, a);
      const b = await ingestRun(s, "cli ingest, single JSON readings", "single", total, {
        connections,
        window,
        warmup,
      });
      print(b);
      singleBest = best(singleBest, b);
    }
    const packWindow = Math.max(10, Math.floor(window / 20));
    const c = await ingestRun(s, `cli ingest, SenML packs of ${SENML_PACK}`, "senml", senml, {
      connections,
      window: packWindow,
      warmup: warmup * 5,
    });
    print(c);
    const w = await rawWrite(s, senml);
    print(w);
    const two = await ingestRun(s, "2 workers on $share, single JSON", "single", total, {
      connections,
      window,
      workers: 2,
      warmup,
    });
    print(two);
    let fsync: Figure | undefined;
    if (fsyncEnv) {
      const [key, value] = fsyncEnv.split("=") as [string, string];
      fsync = await ingestRun(s, `single JSON, ${fsyncEnv}`, "single", total, {
        connections,
        window,
        env: { [key]: value },
        warmup,
      });
      print(fsync);
    }

    console.log("");
    console.log(
      verdict(
        "single JSON readings stored / Mosquitto's delivery to a counter",
        rate(singleBest!) / rate(limitBest!),
        0.8,
      ),
    );
    console.log(
      verdict(`SenML packs of ${SENML_PACK} stored / influxd's raw /write`, rate(c) / rate(w), 0.5),
    );
    const rss = Math.max(...[singleBest!, c, two].flatMap((f) => f.rssMiB ?? []));
    console.log(
      `ingest peak RSS (VmHWM): ${rss.toFixed(0)} MiB (target < 200) ${rss < 200 ? "met" : "MISSED"}`,
    );
    console.log(
      `QoS 1 ack after the journal: ingest acknowledged single readings at ${n(total / singleBest!.ackedSeconds!)}/s, ` +
        `stored them at ${n(rate(singleBest!))}/s; SenML: ${n(senml / c.ackedSeconds!)}/s acknowledged, ${n(rate(c))}/s stored`,
    );
    const µs = (f: Figure) => (((f.cpuSeconds ?? 0) / f.readings) * 1e6).toFixed(1);
    console.log(
      `CPU per single reading: counting subscriber ${µs(limitBest!)} µs, cli ingest ${µs(singleBest!)} µs; per reading in SenML packs: ${µs(c)} µs`,
    );
    console.log(`2 workers / 1 worker (single JSON): ${(rate(two) / rate(singleBest!)).toFixed(2)}×`);
    if (fsync)
      console.log(`${fsyncEnv} / default (single JSON): ${(rate(fsync) / rate(singleBest!)).toFixed(2)}×`);
    else
      console.log(
        "journal fsync before every acknowledgement: not measured (add --fsync-env JOURNAL_FSYNC_INTERVAL_MS=0)",
      );
    console.log(`bench took ${((performance.now() - started) / 1000).toFixed(0)} s`);
  } finally {
    await mosquitto.stop();
    await influxd.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const plan = publisherPlan<Plan>();
runScript(plan ? () => runPublishers(plan, (c) => queueOf(plan, c)) : main);
