// The embedded aedes broker with ingest inside it, against real SQLite files, with a real
// mqtt.js publisher: every good reading stored exactly once, bad ones in dead letters.
import { execFile } from "node:child_process";
import { Writable } from "node:stream";
import { promisify } from "node:util";
import mqtt, { type MqttClient } from "mqtt";
import { pino } from "pino";
import { afterEach, describe, expect, it } from "vitest";
import { BUILDING, DWELLINGS, type IngestStack, openStack, removeDir } from "../test/support/ingest-stack.ts";
import { createEmbeddedBroker, type EmbeddedBroker } from "./embedded-broker.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function start(stack: IngestStack, fullWaitMs = 2000): Promise<EmbeddedBroker> {
  const broker = createEmbeddedBroker(
    { port: 0, fullWaitMs },
    { pipeline: stack.pipeline, logger: stack.logger },
  );
  await broker.listen();
  cleanups.push(() => broker.close());
  return broker;
}

async function publisher(url: string, clientId: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { clientId, protocolVersion: 4, reconnectPeriod: 100 });
  cleanups.push(() => client.endAsync(true));
  return client;
}

/** A logger keeping what is logged at warn and above. */
function warnings() {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, logger: pino({ level: "warn" }, sink) };
}

/** A broker on a fresh stack whose warnings are kept in `lines`. */
async function startLogged(): Promise<{ broker: EmbeddedBroker; lines: string[] }> {
  const stack = await openStack();
  cleanups.push(async () => {
    await stack.close();
    removeDir(stack.dir);
  });
  const { lines, logger } = warnings();
  const broker = createEmbeddedBroker({ port: 0 }, { pipeline: stack.pipeline, logger });
  await broker.listen();
  cleanups.push(() => broker.close());
  return { broker, lines };
}

const base = Date.now() - 3_600_000;
const everything = {
  building: BUILDING,
  quantity: "temperature" as const,
  from: 0,
  to: Date.now() + 86_400_000,
};

/** 2 000 good readings, one per message, spread over the dwellings, each with its own instant. */
function goodMessages(count = 2000): { topic: string; payload: string }[] {
  return Array.from({ length: count }, (_, i) => ({
    topic: `telemetry/${BUILDING}/d${i % DWELLINGS}/t`,
    payload: JSON.stringify({ t: base + i * 1000, v: 18 + (i % 50) / 10 }),
  }));
}

describe("embedded broker", () => {
  it("stores 2 000 QoS 1 readings exactly once and dead-letters the bad ones", async () => {
    const stack = await openStack();
    cleanups.push(async () => {
      await stack.close();
      removeDir(stack.dir);
    });
    const broker = await start(stack);
    const client = await publisher(broker.url, "pub-1");
    const bad = [
      { topic: `telemetry/${BUILDING}/nowhere/t`, payload: '{"v": 20}' },
      { topic: `telemetry/${BUILDING}/d1/t`, payload: "not json at all" },
      { topic: `telemetry/${BUILDING}/d1/unknown-sensor`, payload: '{"v": 20}' },
    ];
    await Promise.all(
      [...goodMessages(), ...bad].map((m) => client.publishAsync(m.topic, m.payload, { qos: 1 })),
    );
    // Every PUBACK arrived, so everything is in the journal; the writer gets it to SQLite.
    expect(await stack.writer.flush()).toBe(true);
    expect(await stack.store.count(everything)).toBe(2000);
    const raw = await stack.store.readRaw(everything);
    expect(new Set(raw.map((r) => `${r.space}|${r.t}`)).size).toBe(2000);
    const letters = await stack.deadLetters.list({ limit: 100 });
    expect(letters).toHaveLength(3);
    expect(letters.map((l) => l.topic).sort()).toEqual(bad.map((b) => b.topic).sort());
    expect(stack.metrics.readingsAccepted).toBe(2000);
  });

  it("lets other topics through to subscribers", async () => {
    const stack = await openStack();
    cleanups.push(async () => {
      await stack.close();
      removeDir(stack.dir);
    });
    const broker = await start(stack);
    const sub = await publisher(broker.url, "sub-1");
    await sub.subscribeAsync("commands/#", { qos: 1 });
    const got = new Promise<string>((resolve) => sub.on("message", (_t, p) => resolve(p.toString())));
    const pub = await publisher(broker.url, "pub-2");
    await pub.publishAsync("commands/valve-1", "close", { qos: 1 });
    expect(await got).toBe("close");
    expect(stack.metrics.messages).toBe(0);
  });

  it("does not acknowledge while the journal is full, and stores everything once it drains", async () => {
    // A tiny journal and a writer that cannot write: the store is closed and reopened later.
    const stack = await openStack({ journal: { segmentBytes: 8 * 1024, maxBytes: 16 * 1024 } });
    cleanups.push(async () => {
      await stack.close();
      removeDir(stack.dir);
    });
    await stack.writer.close(0); // stop draining: the journal fills up
    const broker = await start(stack, 50);
    const client = await publisher(broker.url, "pub-3");
    const messages = goodMessages(600);
    const acked = new Set<number>();
    const all = Promise.all(
      messages.map((m, i) => client.publishAsync(m.topic, m.payload, { qos: 1 }).then(() => acked.add(i))),
    );
    // Wait until refusals happened: the journal is full and the publisher got disconnected.
    while (stack.metrics.messagesRefused === 0) await new Promise((r) => setTimeout(r, 10));
    expect(acked.size).toBeLessThan(600);
    // Everything acknowledged so far is in the journal.
    expect(stack.metrics.readingsAccepted).toBeGreaterThanOrEqual(acked.size);
    // Draining resumes: a new writer on the same journal and stores.
    const { createJournalWriter } = await import("./writer.ts");
    const writer = createJournalWriter(
      { maxDelayMs: 5 },
      {
        journal: stack.journal,
        store: stack.store,
        deadLetters: stack.deadLetters,
        logger: stack.logger,
        metrics: stack.metrics,
      },
    );
    writer.start();
    cleanups.push(() => writer.close());
    await all; // mqtt.js resends what was not acknowledged after it reconnects
    expect(await writer.flush()).toBe(true);
    expect(await stack.store.count(everything)).toBe(600);
  });

  it("keeps every acknowledged reading through a crash: the next start replays the journal", async () => {
    const first = await openStack();
    await first.writer.close(0); // nothing reaches SQLite before the "crash"
    const broker = await start(first);
    const client = await publisher(broker.url, "pub-5");
    await Promise.all(goodMessages(1000).map((m) => client.publishAsync(m.topic, m.payload, { qos: 1 })));
    await client.endAsync(true);
    await broker.close();
    await first.crash(); // no flush, journal left as the dead process left it
    const second = await openStack({ dir: first.dir });
    cleanups.push(async () => {
      await second.close();
      removeDir(second.dir);
    });
    expect(await second.writer.flush()).toBe(true);
    expect(await second.store.count(everything)).toBe(1000);
  });

  it("closes cleanly with clients connected, and twice", async () => {
    const stack = await openStack();
    cleanups.push(async () => {
      await stack.close();
      removeDir(stack.dir);
    });
    const never = createEmbeddedBroker({ port: 0 }, { pipeline: stack.pipeline, logger: stack.logger });
    await never.close(); // without listen
    const broker = createEmbeddedBroker({ port: 0 }, { pipeline: stack.pipeline, logger: stack.logger });
    await broker.listen();
    const client = await publisher(broker.url, "pub-4");
    const closed = new Promise<void>((r) => client.once("close", () => r()));
    await broker.close();
    await broker.close();
    await closed;
  });

  it("stores a will on a telemetry topic, and dead-letters a bad one, once the client is gone", async () => {
    const stack = await openStack();
    cleanups.push(async () => {
      await stack.close();
      removeDir(stack.dir);
    });
    const broker = await start(stack);
    const willing = (clientId: string, payload: string) =>
      mqtt.connectAsync(broker.url, {
        clientId,
        protocolVersion: 4,
        reconnectPeriod: 0,
        will: { topic: `telemetry/${BUILDING}/d1/t`, payload: Buffer.from(payload), qos: 1, retain: false },
      });
    const good = await willing("will-good", JSON.stringify({ t: base, v: 19.5 }));
    const bad = await willing("will-bad", "not json");
    // Gone without a DISCONNECT: the broker publishes their wills.
    good.stream.destroy();
    bad.stream.destroy();
    const until = Date.now() + 5000;
    while (stack.metrics.readingsAccepted < 1 && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(await stack.writer.flush()).toBe(true);
    expect(await stack.store.readRaw(everything)).toMatchObject([
      { space: "d1", sensor: "t", t: base, v: 19.5 },
    ]);
    const letters = await stack.deadLetters.list({ limit: 10 });
    expect(letters.map((l) => [l.topic, l.payload])).toEqual([[`telemetry/${BUILDING}/d1/t`, "not json"]]);
  });

  it("refuses shared subscriptions with a failure code and says why, to mosquitto_sub and mqtt.js", async () => {
    const { broker, lines } = await startLogged();
    const port = String(new URL(broker.url).port);
    const sub = await promisify(execFile)("mosquitto_sub", [
      "-h",
      "127.0.0.1",
      "-p",
      port,
      "-q",
      "1",
      "-t",
      "$share/ingest/telemetry/#",
      "-C",
      "1",
      "-W",
      "3",
    ]).catch((error: { stderr?: string }) => error);
    // mosquitto_sub 2.0 says so and gives up without waiting for a message.
    expect(String(sub.stderr)).toMatch(/All subscription requests were denied/);
    const client = await publisher(broker.url, "share-1");
    const granted = await client
      .subscribeAsync({ "$share/g/telemetry/#": { qos: 1 }, "telemetry/#": { qos: 1 } })
      .catch((error: { packet?: { granted?: number[] } }) => error.packet?.granted);
    // The plain subscription is granted; the shared one answers 0x80, failure.
    expect(JSON.stringify(granted)).toMatch(/128/);
    expect(lines.join("")).toMatch(/does not deliver \$share.*Mosquitto/);
  });

  it("refuses an MQTT 5 client and logs which protocol to use instead", async () => {
    const { broker, lines } = await startLogged();
    const refused = await mqtt
      .connectAsync(broker.url, {
        clientId: "v5",
        protocolVersion: 5,
        reconnectPeriod: 0,
        connectTimeout: 3000,
      })
      .then(
        (c) => c.endAsync(true).then(() => "connected"),
        (error: Error) => error.message,
      );
    expect(refused).not.toBe("connected");
    const until = Date.now() + 3000;
    while (!lines.join("").includes("MQTT 3.1.1 only") && Date.now() < until)
      await new Promise((r) => setTimeout(r, 20));
    expect(lines.join("")).toMatch(/speaks MQTT 3\.1\.1 only.*mosquitto_pub -V mqttv311/);
  });
});
