// Device logins and topic scopes, with real parts: the embedded aedes broker on a real journal
// and SQLite stores, and the real Mosquitto reading the files `cli mqtt-auth` generates.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { hashSecret } from "../model/device-credentials.ts";
import { type Site, siteSchema } from "../model/site.ts";
import {
  BUILDING,
  type IngestStack,
  openBrokerStack,
  removeDir,
  testRegistry,
} from "../test/support/ingest-stack.ts";
import { shippedSessionSettings, startMosquitto } from "../test/support/mosquitto.ts";
import type { EmbeddedBroker } from "./embedded-broker.ts";
import { renderMosquittoAuth } from "./mosquitto-auth.ts";
import { writeMosquittoAuthFiles } from "./mosquitto-auth-files.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

const SECRETS = {
  meter: "meter-d1-secret-0123",
  gateway: "gateway-b1-secret-4567",
  acacias: "acacias secret é 890",
};
const ACACIAS_DEVICE = "passerelle Acacias é";

/** The stack's site (building b1, dwellings d0…d19) plus a building with blanks in its ids, and devices. */
function siteWith(extra: { allowAnonymous?: boolean; devices?: boolean } = {}): Site {
  const base = testRegistry().site;
  return siteSchema.parse({
    ...base,
    buildings: [
      ...base.buildings,
      {
        id: "Les Acacias",
        name: "Résidence Les Acacias",
        dwellings: [{ id: "porte 1", areaM2: 40, sensors: [{ id: "t", quantity: "temperature" }] }],
      },
    ],
    devices:
      extra.devices === false
        ? []
        : [
            { id: "meter-d1", building: BUILDING, space: "d1", secretHash: hashSecret(SECRETS.meter) },
            {
              id: "gw-b1",
              building: BUILDING,
              secretHash: hashSecret(SECRETS.gateway),
              subscribe: ["commands/b1/#"],
            },
            { id: ACACIAS_DEVICE, building: "Les Acacias", secretHash: hashSecret(SECRETS.acacias) },
          ],
    ...(extra.allowAnonymous !== undefined && { allowAnonymous: extra.allowAnonymous }),
  });
}

const reading = (t: number, v = 20) => JSON.stringify({ t, v });
const base = Date.now() - 3_600_000;

async function connect(url: string, options: IClientOptions): Promise<MqttClient> {
  const client = await mqtt.connectAsync(url, {
    protocolVersion: 4,
    reconnectPeriod: 0,
    connectTimeout: 5000,
    ...options,
  });
  cleanups.push(() => client.endAsync(true));
  return client;
}

/** The CONNACK return code of a refused login (mqtt.js puts it on the error as `code`). */
async function refusedCode(url: string, options: IClientOptions): Promise<number | undefined> {
  try {
    await connect(url, options);
  } catch (error) {
    return (error as { code?: number }).code;
  }
  throw new Error("the login was accepted");
}

/** The QoS a SUBSCRIBE was granted, 128 when refused (mqtt.js rejects then, with the SUBACK). */
async function grantedQos(client: MqttClient, filter: string): Promise<number> {
  try {
    const [grant] = await client.subscribeAsync(filter, { qos: 1 });
    return grant!.qos;
  } catch (error) {
    const granted = (error as { packet?: { granted?: number[] } }).packet?.granted;
    if (!granted) throw error;
    return granted[0]!;
  }
}

describe("embedded broker with device accounts", () => {
  async function start(site: Site): Promise<{ stack: IngestStack; broker: EmbeddedBroker }> {
    const opened = await openBrokerStack(site);
    cleanups.push(opened.close);
    return opened;
  }

  it("refuses a wrong secret, an unknown device and, when the site lists devices, anonymous clients", async () => {
    const { stack, broker } = await start(siteWith());
    expect(await refusedCode(broker.url, { username: "meter-d1", password: "wrong" })).toBe(5);
    expect(await refusedCode(broker.url, { username: "nobody", password: SECRETS.meter })).toBe(5);
    expect(await refusedCode(broker.url, {})).toBe(5);
    expect(stack.metrics.loginsRefused).toBe(3);
    await connect(broker.url, { username: "meter-d1", password: SECRETS.meter });
  });

  it("accepts anonymous clients when the site allows them, or lists no devices", async () => {
    for (const site of [siteWith({ allowAnonymous: true }), siteWith({ devices: false })]) {
      const { stack, broker } = await start(site);
      const anon = await connect(broker.url, {});
      await anon.publishAsync(`telemetry/${BUILDING}/d3/t`, reading(base), { qos: 1 });
      expect(await stack.writer.flush()).toBe(true);
      expect(
        await stack.store.count({ building: BUILDING, quantity: "temperature", from: 0, to: Date.now() }),
      ).toBe(1);
    }
  });

  it("stores a device's own readings, dead-letters and counts those for another dwelling", async () => {
    const { stack, broker } = await start(siteWith());
    const meter = await connect(broker.url, { username: "meter-d1", password: SECRETS.meter });
    await meter.publishAsync(`telemetry/${BUILDING}/d1/t`, reading(base), { qos: 1 });
    // Another dwelling: acknowledged (the device is not disconnected), never stored.
    await meter.publishAsync(`telemetry/${BUILDING}/d2/t`, reading(base + 1000, 99), { qos: 1 });
    await meter.publishAsync(`telemetry/${BUILDING}/d1/t`, reading(base + 2000), { qos: 1 });
    expect(meter.connected).toBe(true);

    const gateway = await connect(broker.url, { username: "gw-b1", password: SECRETS.gateway });
    await gateway.publishAsync(`telemetry/${BUILDING}/d7/t`, reading(base + 3000), { qos: 1 });
    await gateway.publishAsync(`telemetry/${BUILDING}/common/t`, reading(base + 4000), { qos: 1 });
    await gateway.publishAsync("telemetry/Les Acacias/porte 1/t", reading(base + 5000), { qos: 1 });

    expect(await stack.writer.flush()).toBe(true);
    const raw = await stack.store.readRaw({
      building: BUILDING,
      quantity: "temperature",
      from: 0,
      to: Date.now(),
    });
    expect(raw.map((r) => `${r.space}@${r.t - base}`).sort()).toEqual(["d1@0", "d1@2000", "d7@3000"]);
    expect(
      await stack.store.count({ building: "Les Acacias", quantity: "temperature", from: 0, to: Date.now() }),
    ).toBe(0);

    const letters = await stack.deadLetters.list({ limit: 10 });
    const refused = letters.filter((l) => l.reason === "not_authorised");
    expect(refused.map((l) => l.topic).sort()).toEqual([
      "telemetry/Les Acacias/porte 1/t",
      `telemetry/${BUILDING}/d2/t`,
    ]);
    expect(refused.find((l) => l.topic.endsWith("/d2/t"))).toMatchObject({
      building: BUILDING,
      payload: reading(base + 1000, 99),
    });
    expect(refused[0]!.detail).toMatch(/may publish only under telemetry\//);
    // common/t is not a sensor of the test site: an ordinary dead letter, not an authorisation one.
    expect(letters.find((l) => l.topic === `telemetry/${BUILDING}/common/t`)?.reason).toBe("unknown_sensor");
    expect(stack.metrics.deadLetters.not_authorised).toBe(2);
  });

  it("lets a device subscribe only where the site file grants it: never telemetry nor $SYS", async () => {
    const { broker } = await start(siteWith());
    const meter = await connect(broker.url, { username: "meter-d1", password: SECRETS.meter });
    const gateway = await connect(broker.url, { username: "gw-b1", password: SECRETS.gateway });
    const filters = [
      "telemetry/#",
      "#",
      "+/b1/#",
      "$SYS/#",
      "commands/d1",
      "commands/b1/d1",
      "commands/b1/#",
    ];
    const granted = { meter: [] as number[], gateway: [] as number[] };
    for (const filter of filters) {
      granted.meter.push(await grantedQos(meter, filter));
      granted.gateway.push(await grantedQos(gateway, filter));
    }
    expect(granted.meter).toEqual([128, 128, 128, 128, 128, 128, 128]);
    expect(granted.gateway).toEqual([128, 128, 128, 128, 128, 1, 1]);
  });

  it("accepts a hash written by the real mosquitto_passwd", async () => {
    const dir = mkdtempSync(join(tmpdir(), "passwd-"));
    cleanups.push(async () => removeDir(dir));
    const file = join(dir, "passwd");
    execFileSync("mosquitto_passwd", ["-c", "-b", file, "meter-d1", "from mosquitto_passwd"]);
    const secretHash = readFileSync(file, "utf8").trim().split(":")[1]!;
    const site = siteWith();
    site.devices[0] = { ...site.devices[0]!, secretHash };
    const { broker } = await start(siteSchema.parse(site));
    await connect(broker.url, { username: "meter-d1", password: "from mosquitto_passwd" });
    expect(await refusedCode(broker.url, { username: "meter-d1", password: SECRETS.meter })).toBe(5);
  });
});

describe("Mosquitto with the files of `cli mqtt-auth`", () => {
  const INGEST = { username: "ingest", password: "ingest-secret-abcdef" };

  async function start() {
    const site = siteWith();
    const dir = mkdtempSync(join(tmpdir(), "mqtt-auth-"));
    const paths = writeMosquittoAuthFiles(dir, renderMosquittoAuth({ site, ingest: INGEST }));
    const broker = await startMosquitto({
      allowAnonymous: false,
      acl: readFileSync(paths.acl, "utf8"),
      extraConfig: [
        `password_file ${paths.passwd}`,
        // The service's "max_queued_messages 0" (unbounded) makes Mosquitto 2.0.11 drop a client's
        // connection after it denies one of its QoS 1 publishes; a bound (as deploy/ sets) does not.
        "max_queued_messages 100000",
        // "Denied PUBLISH" lines are debug ones.
        "log_type debug",
        ...shippedSessionSettings(),
      ],
    });
    cleanups.push(async () => {
      await broker.stop();
      removeDir(dir);
    });
    return broker;
  }

  it("refuses a wrong secret and anonymous clients", async () => {
    const broker = await start();
    expect(await refusedCode(broker.url, { username: "meter-d1", password: "wrong" })).toBe(5);
    expect(await refusedCode(broker.url, {})).toBe(5);
    await connect(broker.url, { username: "meter-d1", password: SECRETS.meter });
  });

  it("delivers a device's own readings to ingest and never those for another dwelling", async () => {
    const broker = await start();
    const ingest = await connect(broker.url, { ...INGEST, clientId: "ingest-test" });
    await ingest.subscribeAsync("telemetry/#", { qos: 1 });
    const received: string[] = [];
    const last = new Promise<void>((resolve) =>
      ingest.on("message", (topic) => {
        received.push(topic);
        if (topic === "telemetry/Les Acacias/porte 1/t") resolve();
      }),
    );
    const meter = await connect(broker.url, { username: "meter-d1", password: SECRETS.meter });
    await meter.publishAsync(`telemetry/${BUILDING}/d2/t`, reading(base), { qos: 1 }); // refused
    await meter.publishAsync(`telemetry/${BUILDING}/d1/t`, reading(base), { qos: 1 });
    const gateway = await connect(broker.url, { username: "gw-b1", password: SECRETS.gateway });
    await gateway.publishAsync("telemetry/Les Acacias/porte 1/t", reading(base), { qos: 1 }); // refused
    await gateway.publishAsync(`telemetry/${BUILDING}/d7/t`, reading(base), { qos: 1 });
    const acacias = await connect(broker.url, { username: ACACIAS_DEVICE, password: SECRETS.acacias });
    await acacias.publishAsync("telemetry/Les Acacias/porte 1/t", reading(base), { qos: 1 });
    // Mosquitto delivers each publisher's messages in order, and the last one has arrived.
    await last;
    expect(received.sort()).toEqual([
      "telemetry/Les Acacias/porte 1/t",
      `telemetry/${BUILDING}/d1/t`,
      `telemetry/${BUILDING}/d7/t`,
    ]);
    expect(broker.log()).toContain("Denied PUBLISH");
  });

  it("lets ingest use the shared subscription, and devices read nothing", async () => {
    const broker = await start();
    const ingest = await connect(broker.url, { ...INGEST, clientId: "ingest-shared" });
    const got = new Promise<string>((resolve) => ingest.on("message", (topic) => resolve(topic)));
    await ingest.subscribeAsync("$share/ingest/telemetry/#", { qos: 1 });
    // Mosquitto 2.0 grants the subscription and checks read access on each delivery.
    const meter = await connect(broker.url, { username: "meter-d1", password: SECRETS.meter });
    await meter.subscribeAsync("telemetry/#", { qos: 1 });
    const seen: string[] = [];
    meter.on("message", (topic) => seen.push(topic));
    // Mosquitto queues deliveries of a publish before its PUBACK, on the same connection: had
    // the meter been allowed to read its own message, it would have arrived before the PUBACK.
    await meter.publishAsync(`telemetry/${BUILDING}/d1/t`, reading(base), { qos: 1 });
    expect(await got).toBe(`telemetry/${BUILDING}/d1/t`);
    expect(seen).toEqual([]);
  });
});
