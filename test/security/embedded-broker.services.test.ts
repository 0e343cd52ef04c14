// The embedded broker's edge under attack, with real parts (aedes on a real journal and SQLite
// stores) and mqtt.js or raw sockets as the attacker: session takeover by client id, memory
// before the login, $SYS and relays, password guessing, and one account's message rate.
import { type Socket, connect as tcpConnect } from "node:net";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import mqttPacket from "mqtt-packet";
import { afterEach, describe, expect, it } from "vitest";
import type { EmbeddedBrokerConfig } from "../../ingest/embedded-broker.ts";
import { hashSecret } from "../../model/device-credentials.ts";
import { siteSchema } from "../../model/site.ts";
import { BUILDING, type IngestStack, openBrokerStack, testRegistry } from "../support/ingest-stack.ts";
import { sleep, waitFor } from "../support/wait.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SECRET = { d1: "meter-d1-secret-0123", d2: "meter-d2-secret-4567", display: "display-secret-89ab" };

async function start(
  config: EmbeddedBrokerConfig = {},
): Promise<{ stack: IngestStack; url: string; port: number }> {
  const site = siteSchema.parse({
    ...testRegistry().site,
    devices: [
      { id: "meter-d1", building: BUILDING, space: "d1", secretHash: hashSecret(SECRET.d1) },
      { id: "meter-d2", building: BUILDING, space: "d2", secretHash: hashSecret(SECRET.d2) },
      {
        id: "display-b1",
        building: BUILDING,
        space: "common",
        secretHash: hashSecret(SECRET.display),
        subscribe: ["display/b1/#"],
      },
    ],
  });
  const opened = await openBrokerStack(site, config);
  cleanups.push(opened.close);
  return { stack: opened.stack, url: opened.broker.url, port: opened.broker.port };
}

async function client(url: string, options: IClientOptions): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
  cleanups.push(() => c.endAsync(true));
  return c;
}

const closedWithin = (socket: Socket, ms: number) =>
  new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    socket.once("close", () => {
      clearTimeout(timer);
      resolve(true);
    });
  });

/** A CONNECT's fixed header declaring `length` bytes (MQTT's variable-length integer). */
function connectHeader(length: number): Buffer {
  const bytes = [0x10];
  let n = length;
  do {
    let b = n % 128;
    n = Math.floor(n / 128);
    if (n > 0) b |= 0x80;
    bytes.push(b);
  } while (n > 0);
  return Buffer.from(bytes);
}

describe("embedded broker edge", () => {
  it("names each device's session after its account: another device reusing its client id knocks nobody off", async () => {
    const { stack, url } = await start();
    const victim = await client(url, { clientId: "meter-d1", username: "meter-d1", password: SECRET.d1 });
    let victimClosed = false;
    victim.on("close", () => {
      victimClosed = true;
    });
    const intruder = await client(url, {
      clientId: "meter-d1",
      username: "meter-d2",
      password: SECRET.d2,
      clean: false,
    });
    await intruder.publishAsync(
      `telemetry/${BUILDING}/d2/t`,
      JSON.stringify({ t: Date.now() - 1000, v: 20 }),
      { qos: 1 },
    );
    await victim.publishAsync(`telemetry/${BUILDING}/d1/t`, JSON.stringify({ t: Date.now() - 1000, v: 21 }), {
      qos: 1,
    });
    await sleep(300);
    expect(victimClosed).toBe(false);
    expect(victim.connected).toBe(true);
    expect(stack.metrics.readingsAccepted).toBe(2);
  });

  it("cuts a CONNECT that declares 64 MB at its header, before buffering it", async () => {
    const { port, url } = await start();
    const before = process.memoryUsage().rss;
    const sockets = await Promise.all(
      Array.from({ length: 4 }, async () => {
        const socket = tcpConnect({ port, host: "127.0.0.1" });
        socket.on("error", () => {});
        await new Promise((r) => socket.once("connect", r));
        socket.write(connectHeader(64 * 1024 * 1024));
        for (let i = 0; i < 4 && !socket.destroyed; i++) socket.write(Buffer.alloc(1024 * 1024, 0x41));
        return socket;
      }),
    );
    const closed = await Promise.all(sockets.map((s) => closedWithin(s, 3000)));
    expect(closed).toEqual([true, true, true, true]);
    // The broker still serves a real device.
    await client(url, { username: "meter-d1", password: SECRET.d1 });
    console.log(JSON.stringify({ rssGrowthMiB: Math.round((process.memoryUsage().rss - before) / 2 ** 20) }));
  });

  it("takes a PUBLISH larger than a CONNECT sent right behind the CONNECT, before the CONNACK", async () => {
    const { stack, port } = await start();
    const socket = tcpConnect({ port, host: "127.0.0.1" });
    socket.on("error", () => {});
    await new Promise((r) => socket.once("connect", r));
    const replies: Buffer[] = [];
    socket.on("data", (d: Buffer) => replies.push(d));
    const connect = mqttPacket.generate({
      cmd: "connect",
      protocolId: "MQTT",
      protocolVersion: 4,
      clean: true,
      clientId: "meter-d1",
      keepalive: 30,
      username: "meter-d1",
      password: Buffer.from(SECRET.d1),
    });
    const pack = JSON.stringify(
      Array.from({ length: 900 }, (_, i) => ({
        bt: Math.floor(Date.now() / 1000) - 3600 + i,
        v: 20,
        pad: "x".repeat(100),
      })),
    );
    const publish = mqttPacket.generate({
      cmd: "publish",
      topic: `telemetry/${BUILDING}/d1/t`,
      payload: Buffer.from(pack),
      qos: 1,
      messageId: 1,
      retain: false,
      dup: false,
    });
    expect(publish.length).toBeGreaterThan(64 * 1024);
    socket.write(Buffer.concat([connect, publish]));
    await waitFor("the readings", 5000, () => (stack.metrics.readingsAccepted >= 900 ? true : undefined));
    // CONNACK (0x20) then PUBACK (0x40) of message 1.
    await waitFor("the PUBACK", 2000, () =>
      Buffer.concat(replies).includes(Buffer.from([0x40, 0x02, 0x00, 0x01])) ? true : undefined,
    );
    expect(Buffer.concat(replies)[0]).toBe(0x20);
    socket.destroy();
  });

  it("keeps one address from holding every slot of the sockets waiting to log in", async () => {
    const { port, url } = await start({ maxPendingConnections: 200, maxPendingPerAddress: 5 });
    const idle = await Promise.all(
      Array.from({ length: 12 }, async () => {
        const socket = tcpConnect({ port, host: "127.0.0.1" });
        socket.on("error", () => {});
        await new Promise((r) => socket.once("connect", r));
        return socket;
      }),
    );
    const closed = await Promise.all(idle.map((s) => closedWithin(s, 300)));
    expect(closed.filter(Boolean).length).toBe(7);
    for (const s of idle) s.destroy();
    await sleep(100);
    await client(url, { username: "meter-d1", password: SECRET.d1 });
  });

  it("bounds the sockets waiting to log in, and the time they have", async () => {
    const { port, url } = await start({
      maxPendingConnections: 20,
      maxPendingPerAddress: 100,
      connectTimeoutMs: 500,
    });
    const idle = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const socket = tcpConnect({ port, host: "127.0.0.1" });
        socket.on("error", () => {});
        await new Promise((r) => socket.once("connect", r));
        return socket;
      }),
    );
    const quickly = await Promise.all(idle.map((s) => closedWithin(s, 200)));
    expect(quickly.filter(Boolean).length).toBeGreaterThanOrEqual(10);
    // The others are closed when their time to CONNECT runs out; then a device gets in.
    const eventually = await Promise.all(idle.map((s) => (s.destroyed ? true : closedWithin(s, 3000))));
    expect(eventually.every(Boolean)).toBe(true);
    await client(url, { username: "meter-d1", password: SECRET.d1 });
  });

  it("lets a device read neither $SYS nor anything not granted, and relays none of its non-telemetry publishes", async () => {
    const { stack, url } = await start();
    const meter = await client(url, { username: "meter-d1", password: SECRET.d1 });
    const display = await client(url, { username: "display-b1", password: SECRET.display });
    const grant = async (c: MqttClient, filter: string) =>
      c.subscribeAsync(filter, { qos: 1 }).then(
        (g) => g[0]!.qos,
        (e: { packet?: { granted?: number[] } }) => e.packet?.granted?.[0] ?? -1,
      );
    expect(await grant(meter, "$SYS/#")).toBe(128);
    expect(await grant(meter, "display/b1/#")).toBe(128);
    expect(await grant(display, "$SYS/#")).toBe(128);
    expect(await grant(display, "display/b1/#")).toBe(1);
    const received: string[] = [];
    display.on("message", (topic) => received.push(topic));
    await meter.publishAsync("display/b1/lobby", "spoofed", { qos: 1 });
    await sleep(300);
    expect(received).toEqual([]);
    expect(meter.connected).toBe(true);
    await waitFor("the dead letter", 5000, () =>
      (stack.metrics.deadLetters.not_authorised ?? 0) >= 1 ? true : undefined,
    );
  });

  it("slows down wrong passwords from one address, and a right one still gets in", async () => {
    const { stack, url } = await start({
      loginThrottle: { freeFailures: 3, baseDelayMs: 100, maxDelayMs: 400 },
    });
    const times: number[] = [];
    for (let i = 0; i < 8; i++) {
      const started = Date.now();
      await mqtt
        .connectAsync(url, {
          username: "meter-d1",
          password: `guess ${i}`,
          reconnectPeriod: 0,
          protocolVersion: 4,
        })
        .then(
          (c) => c.endAsync(true).then(() => expect.fail("a wrong password was accepted")),
          () => {},
        );
      times.push(Date.now() - started);
    }
    console.log(JSON.stringify({ failedLoginMs: times }));
    expect(stack.metrics.loginsRefused).toBe(8);
    // Three failures go free; the next logins wait 100, 200, 400, 400 ms before their check.
    expect(times[4]).toBeGreaterThanOrEqual(95);
    expect(times.slice(5).every((ms) => ms >= 195)).toBe(true);
    await client(url, { username: "meter-d1", password: SECRET.d1 });
  });

  it("keeps an account's message rate across reconnections", async () => {
    const { stack, url } = await start({ clientRate: { perSecond: 2, burst: 5 } });
    const first = await client(url, { username: "meter-d1", password: SECRET.d1 });
    for (let i = 0; i < 5; i++)
      await first.publishAsync(
        `telemetry/${BUILDING}/d1/t`,
        JSON.stringify({ t: Date.now() - 10_000 + i, v: 20 }),
        { qos: 1 },
      );
    expect(stack.metrics.messagesThrottled).toBe(0);
    await first.endAsync();
    const again = await client(url, { username: "meter-d1", password: SECRET.d1 });
    await again.publishAsync(`telemetry/${BUILDING}/d1/t`, JSON.stringify({ t: Date.now() - 5000, v: 20 }), {
      qos: 1,
    });
    expect(stack.metrics.messagesThrottled).toBe(1);
  });
});
