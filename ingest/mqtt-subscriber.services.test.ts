// The mqtt.js subscriber against the real Mosquitto, real SQLite files: every reading stored
// once, bad ones dead-lettered, the persistent session keeps what arrives while ingest is away.
import mqtt, { type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { BUILDING, DWELLINGS, type IngestStack, openStack, removeDir } from "../test/support/ingest-stack.ts";
import { type Mosquitto, startMosquitto } from "../test/support/mosquitto.ts";
import { createMqttSubscriber, type MqttSubscriber, type MqttSubscriberConfig } from "./mqtt-subscriber.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function broker(): Promise<Mosquitto> {
  const m = await startMosquitto({ persistence: true });
  cleanups.push(() => m.stop());
  return m;
}

async function stack(): Promise<IngestStack> {
  const s = await openStack({ writer: { maxDelayMs: 5 } });
  cleanups.push(async () => {
    await s.close();
    removeDir(s.dir);
  });
  return s;
}

async function subscriber(s: IngestStack, config: MqttSubscriberConfig): Promise<MqttSubscriber> {
  const sub = createMqttSubscriber(config, { pipeline: s.pipeline, logger: s.logger });
  await sub.connect();
  cleanups.push(() => sub.close());
  return sub;
}

async function publisher(url: string): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, { clientId: `pub-${Math.random()}`, protocolVersion: 5 });
  cleanups.push(() => client.endAsync(true));
  return client;
}

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const base = Date.now() - 3_600_000;
const everything = {
  building: BUILDING,
  quantity: "temperature" as const,
  from: 0,
  to: Date.now() + 86_400_000,
};
const message = (i: number) => ({
  topic: `telemetry/${BUILDING}/d${i % DWELLINGS}/t`,
  payload: JSON.stringify({ t: base + i * 1000, v: 18 + (i % 50) / 10 }),
});
const publishRange = (client: MqttClient, from: number, to: number) =>
  Promise.all(
    Array.from({ length: to - from }, (_, k) => message(from + k)).map((m) =>
      client.publishAsync(m.topic, m.payload, { qos: 1 }),
    ),
  );

async function distinctStored(s: IngestStack): Promise<number> {
  const raw = await s.store.readRaw(everything);
  return new Set(raw.map((r) => `${r.space}|${r.t}`)).size;
}

describe("MQTT subscriber (Mosquitto)", () => {
  it("stores 2 000 QoS 1 readings exactly once and dead-letters the bad ones (MQTT 5)", async () => {
    const m = await broker();
    const s = await stack();
    await subscriber(s, { url: m.url, clientId: "ingest-a" });
    const pub = await publisher(m.url);
    await publishRange(pub, 0, 2000);
    await pub.publishAsync(`telemetry/${BUILDING}/nowhere/t`, '{"v":1}', { qos: 1 });
    await pub.publishAsync(`telemetry/${BUILDING}/d1/t`, "{{{", { qos: 1 });
    await until(() => s.metrics.messages >= 2002, "all messages");
    expect(await s.writer.flush()).toBe(true);
    expect(await s.store.count(everything)).toBe(2000);
    expect(await distinctStored(s)).toBe(2000);
    expect(await s.deadLetters.list({ limit: 10 })).toHaveLength(2);
  });

  it("keeps its session: what is published while ingest is away arrives when it comes back (MQTT 3.1.1)", async () => {
    const m = await broker();
    const s = await stack();
    const config = { url: m.url, clientId: "ingest-b", protocolVersion: 4 as const };
    const first = await subscriber(s, config);
    const pub = await publisher(m.url);
    await publishRange(pub, 0, 300);
    await until(() => s.metrics.readingsAccepted >= 300, "first part");
    await first.close();
    await publishRange(pub, 300, 1000); // queued by Mosquitto for the absent session
    await m.restart(); // and kept across a broker restart by its persistence
    await subscriber(s, config);
    await until(() => s.metrics.readingsAccepted >= 1000, "queued part");
    expect(await s.writer.flush()).toBe(true);
    expect(await s.store.count(everything)).toBe(1000);
  });

  it("splits the stream between workers with a shared subscription, each reading stored once", async () => {
    const m = await broker();
    const s = await stack();
    const topic = "$share/ingest/telemetry/#";
    await subscriber(s, { url: m.url, clientId: "ingest-c1", topic });
    await subscriber(s, { url: m.url, clientId: "ingest-c2", topic });
    const pub = await publisher(m.url);
    await publishRange(pub, 0, 2000);
    await until(() => s.metrics.messages >= 2000, "all messages");
    expect(await s.writer.flush()).toBe(true);
    expect(await distinctStored(s)).toBe(2000);
    expect(s.metrics.messages).toBe(2000);
  });

  it("hands a worker's share to the rest of the group once it leaves with leaveSharedOnStop", async () => {
    const m = await broker();
    const s = await stack();
    const topic = "$share/ingest/telemetry/#";
    await subscriber(s, { url: m.url, clientId: "ingest-stay", topic });
    const leaving = createMqttSubscriber(
      { url: m.url, clientId: "ingest-leave", topic, leaveSharedOnStop: true },
      { pipeline: s.pipeline, logger: s.logger },
    );
    await leaving.connect();
    const pub = await publisher(m.url);
    await publishRange(pub, 0, 500);
    await leaving.close();
    // Published after it left: without leaving, about half would wait in its session.
    await publishRange(pub, 500, 1000);
    await until(() => s.metrics.messages >= 1000, "every message handled by a member", 15_000);
    expect(await s.writer.flush()).toBe(true);
    expect(await distinctStored(s)).toBe(1000);
  });

  it("sends no PUBACK before the journal has written the message", async () => {
    const m = await broker(); // max_inflight_messages 100: unacknowledged, it sends no more
    const s = await stack();
    // The journal's "written" is held back until the test lets it through.
    let held: (() => void)[] | null = [];
    const pipeline = {
      ...s.pipeline,
      whenWritten(done: (written: boolean) => void) {
        s.pipeline.whenWritten((written) => (held ? held.push(() => done(written)) : done(written)));
      },
    };
    const sub = createMqttSubscriber({ url: m.url, clientId: "ingest-f" }, { pipeline, logger: s.logger });
    await sub.connect();
    cleanups.push(() => sub.close());
    const pub = await publisher(m.url);
    const published = publishRange(pub, 0, 500);
    await until(() => s.metrics.messages >= 100, "the broker's in-flight window");
    await new Promise((r) => setTimeout(r, 300));
    expect(s.metrics.messages).toBe(100);
    const release = held;
    held = null;
    for (const h of release) h();
    await until(() => s.metrics.messages >= 500, "the rest, once acknowledged");
    await published;
    expect(await s.writer.flush()).toBe(true);
    expect(await distinctStored(s)).toBe(500);
  });

  it("acknowledges nothing of a journal write that failed: the broker redelivers it", async () => {
    const m = await broker();
    const s = await stack();
    // The first write is reported failed (its records are on disk all the same: harmless).
    let failures = 1;
    const pipeline = {
      ...s.pipeline,
      whenWritten(done: (written: boolean) => void) {
        s.pipeline.whenWritten((written) => done(failures-- > 0 ? false : written));
      },
    };
    const sub = createMqttSubscriber(
      { url: m.url, clientId: "ingest-g", reconnectPeriodMs: 100 },
      { pipeline, logger: s.logger },
    );
    await sub.connect();
    cleanups.push(() => sub.close());
    const pub = await publisher(m.url);
    await publishRange(pub, 0, 500);
    await until(() => s.metrics.messages > 500, "the redelivery of what was not acknowledged", 10_000);
    expect(await s.writer.flush()).toBe(true);
    expect(await distinctStored(s)).toBe(500);
  });

  it("holds messages unacknowledged while the journal is full, then takes them all", async () => {
    const m = await broker();
    const s = await openStack({ journal: { segmentBytes: 8 * 1024, maxBytes: 16 * 1024 } });
    cleanups.push(async () => {
      await s.close();
      removeDir(s.dir);
    });
    await s.writer.close(0); // the store is "down": the journal fills up
    await subscriber(s, { url: m.url, clientId: "ingest-e" });
    const pub = await publisher(m.url);
    await publishRange(pub, 0, 600);
    await until(() => s.metrics.messagesRefused > 0, "the journal to fill");
    const taken = s.metrics.readingsAccepted;
    expect(taken).toBeLessThan(600);
    const { createJournalWriter } = await import("./writer.ts");
    const writer = createJournalWriter({ maxDelayMs: 5 }, { ...s, deadLetters: s.deadLetters });
    writer.start();
    cleanups.push(() => writer.close());
    await until(() => s.metrics.readingsAccepted >= 600, "the rest");
    expect(await writer.flush()).toBe(true);
    expect(await s.store.count(everything)).toBe(600);
    expect(await distinctStored(s)).toBe(600);
  });

  it("fails to connect with a clear error when the broker refuses the credentials", async () => {
    const m = await startMosquitto({ users: { ingest: "right" } });
    cleanups.push(() => m.stop());
    const s = await stack();
    const sub = createMqttSubscriber(
      { url: m.url, clientId: "ingest-d", username: "ingest", password: "wrong" },
      { pipeline: s.pipeline, logger: s.logger },
    );
    await expect(sub.connect()).rejects.toMatchObject({ code: "mqtt_connect_failed" });
    await sub.close();
  });
});
