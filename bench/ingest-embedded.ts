// Ingest throughput end to end: publishers → embedded aedes → ingest (accept + journal + PUBACK)
// → writer → SQLite, for single JSON readings and SenML packs of 50, against the limit: what the
// same aedes delivers to a subscriber that only counts. Prints figures; never fails a build.
//
//   npx tsx bench/ingest-embedded.ts [--readings 100000] [--connections 4] [--window 500] [--rounds 2]
//   npx tsx bench/ingest-embedded.ts --only single|senml|limit   (one figure, e.g. under node --cpu-prof)
//
// Rates swing with the load other processes put on the machine; the broker's CPU time per
// reading, printed beside them, is steadier and compares ingest with the limit directly.
//
// Publishers run in a child process (this file with --publisher) so they do not share the
// broker's event loop; the figure is what the broker process sustains.
import { mkdtempSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Aedes } from "aedes";
import mqtt from "mqtt";
import { createEmbeddedBroker } from "../ingest/embedded-broker.ts";
import type { WriterConfig } from "../ingest/writer.ts";
import { writerConfigFor } from "../ingest/writer-batching.ts";
import { BUILDING, type IngestStack, openStack, removeDir } from "../test/support/ingest-stack.ts";
import { argNumber } from "./lib/args.ts";
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

// ---------------------------------------------------------------- publisher (child process)

/** Dwellings in the bench's site, each with a temperature sensor: realistic spread over series
 * (the store keeps per-day rollups, so piling every reading on a few series would be a worst case). */
const SPACES = 500;

/** The writer as `start` and `ingest` configure it for SQLite; --max-batch and --max-delay try others. */
const WRITER: WriterConfig = {
  ...writerConfigFor("sqlite"),
  ...(process.argv.includes("--max-batch") ? { maxBatch: argNumber("max-batch", 0) } : {}),
  ...(process.argv.includes("--max-delay") ? { maxDelayMs: argNumber("max-delay", 0) } : {}),
};

interface Plan extends PublisherPlan {
  mode: PublishMode;
  total: number;
}

/** Messages of publisher connection `c` of `n`: distinct (space, t) across all of them. Single
 * readings are live values 10 s apart; SenML packs are backfills of 15-minute readings. */
function* messages(mode: PublishMode, total: number, c: number, n: number): Generator<Message> {
  const perMessage = mode === "single" ? 1 : SENML_PACK;
  const count = Math.ceil(total / perMessage);
  const base = Date.now() - (mode === "single" ? 6 * 3_600_000 : 60 * 86_400_000);
  for (let m = c; m < count; m += n) {
    const slot = Math.floor(m / SPACES); // per space, slots never overlap in time
    const topic = `telemetry/${BUILDING}/d${m % SPACES}/t`;
    if (mode === "single") {
      yield { topic, payload: `{"t":${base + slot * 10_000},"v":${(18 + (m % 50) / 10).toFixed(1)}}` };
    } else {
      const bt = Math.floor(base / 1000) + slot * SENML_PACK * 900;
      const records = [];
      for (let k = 0; k < SENML_PACK; k++) {
        records.push(k === 0 ? { bt, bu: "Cel", t: 0, v: 19.5 } : { t: k * 900, v: 19 + (k % 20) / 10 });
      }
      yield { topic, payload: JSON.stringify(records) };
    }
  }
}

// ---------------------------------------------------------------- broker side (parent process)

function startPublishers(url: string, mode: PublishMode, total: number, connections: number, window: number) {
  return forkPublishers(fileURLToPath(import.meta.url), { url, mode, total, connections, window });
}

class RssPeak {
  peak = process.memoryUsage().rss;
  #timer = setInterval(() => {
    this.peak = Math.max(this.peak, process.memoryUsage().rss);
  }, 50);
  stop(): number {
    clearInterval(this.#timer);
    return Math.max(this.peak, process.memoryUsage().rss);
  }
}

interface Figure {
  name: string;
  readings: number;
  messages: number;
  seconds: number;
  rssMiB: number;
  stored?: number;
  /** Until the publishers had every PUBACK: the journal's side, before the store caught up. */
  ackedSeconds?: number;
  /** CPU time (user + system) this process spent per reading: steadier than rates on a busy machine. */
  cpuMicros: number;
  /** Store transactions the writer made. */
  batches?: number;
  /** Wall time per reading the event loop spent in journal appends and in store writes. */
  journalMicros?: number;
  storeMicros?: number;
}

/** Wraps the stack's journal and store to add up the wall time spent in them: both run on the
 * broker's event loop, so a slow disk shows up here first. */
function timeSpentIn(stack: IngestStack): { journalMs: number; storeMs: number } {
  const spent = { journalMs: 0, storeMs: 0 };
  const append = stack.journal.append.bind(stack.journal);
  stack.journal.append = (entry) => {
    const t0 = performance.now();
    try {
      return append(entry);
    } finally {
      spent.journalMs += performance.now() - t0;
    }
  };
  const write = stack.store.write.bind(stack.store);
  stack.store.write = (readings) => {
    // The SQLite write is synchronous inside: timing up to the returned promise is timing the work.
    const t0 = performance.now();
    const result = write(readings);
    spent.storeMs += performance.now() - t0;
    return result;
  };
  return spent;
}

/** CPU time of this process since `from`, in µs. */
const cpuSince = (from: NodeJS.CpuUsage) => {
  const d = process.cpuUsage(from);
  return d.user + d.system;
};

async function until(check: () => boolean | Promise<boolean>, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("bench timed out");
    await new Promise((r) => setTimeout(r, 2));
  }
}

/** The limit: plain aedes (defaults) and a QoS 1 subscriber that only counts. */
async function limit(total: number, connections: number, window: number): Promise<Figure> {
  const aedes = await Aedes.createBroker();
  const server = createServer(aedes.handle);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  const url = `mqtt://127.0.0.1:${port}`;
  const sub = await mqtt.connectAsync(url, { clientId: "bench-counter", protocolVersion: 4 });
  await sub.subscribeAsync("telemetry/#", { qos: 1 });
  let received = 0;
  sub.on("message", () => {
    received++;
  });
  const pubs = startPublishers(url, "single", total, connections, window);
  await pubs.ready;
  const rss = new RssPeak();
  const cpu = process.cpuUsage();
  const start = performance.now();
  pubs.go();
  await until(() => received >= total);
  const seconds = (performance.now() - start) / 1000;
  const cpuMicros = cpuSince(cpu) / total;
  const rssMiB = rss.stop() / 2 ** 20;
  await pubs.done;
  await sub.endAsync();
  await new Promise<void>((r) => aedes.close(() => r()));
  await new Promise<void>((r) => server.close(() => r()));
  return {
    name: "aedes → counting subscriber (limit)",
    readings: total,
    messages: total,
    seconds,
    rssMiB,
    cpuMicros,
  };
}

/** The real thing: embedded broker with ingest, journal, writer, SQLite. Ends when all is stored. */
async function ingest(
  mode: PublishMode,
  total: number,
  connections: number,
  window: number,
): Promise<Figure> {
  const dir = mkdtempSync(join(tmpdir(), "bench-ingest-"));
  const stack = await openStack({ dir, dwellings: SPACES, writer: WRITER });
  const blocked = timeSpentIn(stack);
  const broker = createEmbeddedBroker({ port: 0 }, { pipeline: stack.pipeline, logger: stack.logger });
  await broker.listen();
  const pubs = startPublishers(broker.url, mode, total, connections, window);
  await pubs.ready;
  const rss = new RssPeak();
  const cpu = process.cpuUsage();
  const start = performance.now();
  pubs.go();
  let ackedSeconds = 0;
  void pubs.done.then(() => {
    ackedSeconds = (performance.now() - start) / 1000;
  });
  await until(() => stack.metrics.readingsStored >= total);
  const seconds = (performance.now() - start) / 1000;
  const cpuMicros = cpuSince(cpu) / total;
  const batches = stack.metrics.storeBatches;
  const journalMicros = (blocked.journalMs * 1000) / total;
  const storeMicros = (blocked.storeMs * 1000) / total;
  const rssMiB = rss.stop() / 2 ** 20;
  await pubs.done;
  const stored = await stack.store.count({
    building: BUILDING,
    quantity: "temperature",
    from: 0,
    to: Date.now() + 86_400_000,
  });
  const letters = await stack.deadLetters.countByReason();
  if (Object.keys(letters).length > 0) console.log("  dead letters:", letters);
  await broker.close();
  await stack.close();
  removeDir(dir);
  return {
    name: mode === "single" ? "ingest, single JSON readings" : `ingest, SenML packs of ${SENML_PACK}`,
    readings: total,
    messages: mode === "single" ? total : Math.ceil(total / SENML_PACK),
    seconds,
    rssMiB,
    stored,
    ackedSeconds,
    cpuMicros,
    batches,
    journalMicros,
    storeMicros,
  };
}

const n = (x: number) => Math.round(x).toLocaleString("en");

function print(f: Figure): void {
  const stored =
    f.stored === undefined ? "" : `  stored ${n(f.stored)}/${n(f.readings)} in ${n(f.batches ?? 0)} batches`;
  console.log(
    `${f.name.padEnd(40)} ${n(f.readings / f.seconds).padStart(9)} readings/s ${n(f.messages / f.seconds).padStart(8)} msg/s` +
      `  ${f.seconds.toFixed(2)} s  CPU ${f.cpuMicros.toFixed(1)} µs/reading  peak RSS ${f.rssMiB.toFixed(0)} MiB${stored}`,
  );
  if (f.journalMicros !== undefined && f.storeMicros !== undefined) {
    console.log(
      `${"".padEnd(40)} event loop in journal appends ${f.journalMicros.toFixed(1)} µs/reading, in store writes ${f.storeMicros.toFixed(1)} µs/reading`,
    );
  }
  if (f.ackedSeconds) {
    console.log(
      `${"".padEnd(40)} ${n(f.readings / f.ackedSeconds).padStart(9)} readings/s acknowledged (every PUBACK after ${f.ackedSeconds.toFixed(2)} s)`,
    );
  }
}

const rate = (f: Figure) => f.readings / f.seconds;
const best = (a: Figure, b: Figure) => (rate(a) >= rate(b) ? a : b);
const minCpu = (figures: Figure[]) => Math.min(...figures.map((f) => f.cpuMicros));

/** `--only single` (or senml, limit) runs that one figure once: for profiling the broker process. */
async function only(what: string, total: number, connections: number, window: number): Promise<void> {
  if (what === "limit") print(await limit(total, connections, window));
  else if (what === "single") print(await ingest("single", total, connections, window));
  else if (what === "senml")
    print(await ingest("senml", total * 5, connections, Math.max(10, Math.floor(window / 10))));
  else throw new Error(`--only expects limit, single or senml, not ${what}`);
}

async function main(): Promise<void> {
  const total = argNumber("readings", 100_000);
  const connections = argNumber("connections", 4);
  const window = argNumber("window", 500);
  const rounds = argNumber("rounds", 2);
  const onlyAt = process.argv.indexOf("--only");
  if (onlyAt >= 0) return only(process.argv[onlyAt + 1] ?? "", total, connections, window);
  console.log(
    `${n(total)} readings per run, ${connections} publisher connections, ${window} in flight each, QoS 1, ` +
      `${SPACES} sensors, writer batches ≤ ${n(WRITER.maxBatch ?? 0)} or ${WRITER.maxDelayMs} ms; limit and single readings alternate over ${rounds} rounds (machine shared: best of each)`,
  );
  let limitBest: Figure | undefined;
  let singleBest: Figure | undefined;
  const limits: Figure[] = [];
  const singles: Figure[] = [];
  for (let r = 0; r < rounds; r++) {
    const a = await limit(total, connections, window);
    print(a);
    limitBest = limitBest ? best(limitBest, a) : a;
    limits.push(a);
    const b = await ingest("single", total, connections, window);
    print(b);
    singleBest = singleBest ? best(singleBest, b) : b;
    singles.push(b);
  }
  const c = await ingest("senml", total * 5, connections, Math.max(10, Math.floor(window / 10)));
  print(c);
  const ratio = rate(singleBest!) / rate(limitBest!);
  console.log(
    `single readings: ${n(rate(singleBest!))}/s = ${(ratio * 100).toFixed(0)}% of the limit ${n(rate(limitBest!))}/s (target ≥ 70%)`,
  );
  console.log(
    `broker CPU per single reading: ${minCpu(singles).toFixed(1)} µs vs ${minCpu(limits).toFixed(1)} µs for the limit ` +
      `(best of each: ingest takes ${((100 * minCpu(singles)) / minCpu(limits)).toFixed(0)}% of the limit's CPU per reading)`,
  );
  console.log(
    `SenML packs: ${n(rate(c))} readings/s = ${(rate(c) / rate(limitBest!)).toFixed(1)}× the limit`,
  );
  console.log(`peak RSS of this process overall: ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`);
}

const plan = publisherPlan<Plan>();
runScript(
  plan ? () => runPublishers(plan, (c) => [...messages(plan.mode, plan.total, c, plan.connections)]) : main,
);
