// Mosquitto as shipped (deploy/mosquitto/mosquitto.conf's session and broker settings) with the
// files `cli mqtt-auth` generates: a device account cannot take over ingest's persistent session
// or another device's, whatever client id it sends, with mqtt.js (MQTT 5) or mosquitto_pub.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { renderMosquittoAuth } from "../../ingest/mosquitto-auth.ts";
import { writeMosquittoAuthFiles } from "../../ingest/mosquitto-auth-files.ts";
import { hashSecret } from "../../model/device-credentials.ts";
import { siteSchema } from "../../model/site.ts";
import { BUILDING, removeDir, testRegistry } from "../support/ingest-stack.ts";
import { type Mosquitto, shippedSessionSettings, startMosquitto } from "../support/mosquitto.ts";
import { sleep, waitFor } from "../support/wait.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const INGEST = { username: "ingest", password: "ingest-secret-abcdef" };
const METER = { username: "meter-d1", password: "meter-d1-secret-0123" };
const OTHER = { username: "meter-d2", password: "meter-d2-secret-4567" };
const INGEST_CLIENT_ID = "charge-guard-ingest";

async function start(): Promise<Mosquitto> {
  const site = siteSchema.parse({
    ...testRegistry().site,
    devices: [
      { id: METER.username, building: BUILDING, space: "d1", secretHash: hashSecret(METER.password) },
      { id: OTHER.username, building: BUILDING, space: "d2", secretHash: hashSecret(OTHER.password) },
    ],
  });
  const dir = mkdtempSync(join(tmpdir(), "mosquitto-security-"));
  const paths = writeMosquittoAuthFiles(dir, renderMosquittoAuth({ site, ingest: INGEST, ingestWorkers: 2 }));
  const broker = await startMosquitto({
    shippedSettings: true,
    allowAnonymous: false,
    acl: readFileSync(paths.acl, "utf8"),
    extraConfig: [`password_file ${paths.passwd}`, ...shippedSessionSettings()],
  });
  cleanups.push(async () => {
    await broker.stop();
    removeDir(dir);
  });
  return broker;
}

async function connect(url: string, options: IClientOptions): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, {
    protocolVersion: 5,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
  cleanups.push(() => c.endAsync(true));
  return c;
}

/** Ingest as it connects: MQTT 5, a persistent session, QoS 1 on telemetry. */
async function ingestClient(
  url: string,
  account = INGEST,
  clientId = INGEST_CLIENT_ID,
  topic = "telemetry/#",
) {
  const c = await connect(url, {
    ...account,
    clientId,
    clean: false,
    properties: { sessionExpiryInterval: 3600 },
  });
  let closed = 0;
  c.on("close", () => closed++);
  const received: string[] = [];
  c.on("message", (_topic, payload) => received.push(payload.toString()));
  await c.subscribeAsync(topic, { qos: 1 });
  return { client: c, received, closed: () => closed };
}

function mosquittoPub(port: number, args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const child = spawn("mosquitto_pub", ["-h", "127.0.0.1", "-p", String(port), ...args], {
      stdio: "ignore",
    });
    child.once("exit", (code) => resolve(code));
  });
}

describe("Mosquitto as shipped: sessions belong to accounts", () => {
  it("a device sending ingest's client id with a persistent session knocks nobody off; ingest gets all 100 readings", async () => {
    const broker = await start();
    const ingest = await ingestClient(broker.url);
    const intruder = await connect(broker.url, {
      ...METER,
      clientId: INGEST_CLIENT_ID,
      clean: false,
      properties: { sessionExpiryInterval: 3600 },
    });
    for (let i = 0; i < 100; i++)
      await intruder.publishAsync(
        `telemetry/${BUILDING}/d1/t`,
        JSON.stringify({ t: Date.now() - 1000 + i, v: i }),
        {
          qos: 1,
        },
      );
    // mosquitto_pub with ingest's id (and with the ingest account's name as id) as well.
    const pub = (id: string) =>
      mosquittoPub(broker.port, [
        "-u",
        METER.username,
        "-P",
        METER.password,
        "-i",
        id,
        "-q",
        "1",
        "-t",
        `telemetry/${BUILDING}/d1/t`,
        "-m",
        '{"v": 1}',
      ]);
    expect(await pub(INGEST_CLIENT_ID)).toBe(0);
    expect(await pub(INGEST.username)).toBe(0);
    await waitFor("ingest received everything", 5000, () =>
      ingest.received.length >= 102 ? true : undefined,
    );
    await sleep(200);
    expect(ingest.closed()).toBe(0);
    expect(ingest.client.connected).toBe(true);
    expect(ingest.received).toHaveLength(102);
  });

  it("a device sending another device's client id does not take its session", async () => {
    const broker = await start();
    const victim = await connect(broker.url, { ...OTHER, clientId: OTHER.username, clean: false });
    let closed = 0;
    victim.on("close", () => closed++);
    await connect(broker.url, { ...METER, clientId: OTHER.username, clean: false });
    await sleep(300);
    expect(closed).toBe(0);
    expect(victim.connected).toBe(true);
  });

  it("two ingest workers, each its own account on the shared subscription, share the stream; a device cannot pose as the second", async () => {
    const broker = await start();
    const first = await ingestClient(broker.url, INGEST, "worker-1", "$share/ingest/telemetry/#");
    const second = await ingestClient(
      broker.url,
      { ...INGEST, username: "ingest-2" },
      "worker-2",
      "$share/ingest/telemetry/#",
    );
    await connect(broker.url, { ...METER, clientId: "ingest-2", clean: false });
    const meter = await connect(broker.url, METER);
    for (let i = 0; i < 40; i++)
      await meter.publishAsync(
        `telemetry/${BUILDING}/d1/t`,
        JSON.stringify({ t: Date.now() - 1000 + i, v: i }),
        { qos: 1 },
      );
    await waitFor("the workers received everything", 5000, () =>
      first.received.length + second.received.length >= 40 ? true : undefined,
    );
    expect(first.received.length).toBeGreaterThan(0);
    expect(second.received.length).toBeGreaterThan(0);
    expect(first.closed() + second.closed()).toBe(0);
  });
});
