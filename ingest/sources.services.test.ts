// Third-party sources end to end with real parts: mosquitto_pub against the real Mosquitto with
// the files `cli mqtt-auth` writes, read by cli ingest's subscriber; mqtt.js against Mosquitto
// (MQTT 5) and against the embedded aedes broker (MQTT 3.1.1); journal, writer and SQLite stores.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import mqtt, { type IClientOptions, type MqttClient } from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { QUANTITIES, type Quantity } from "../model/quantities.ts";
import type { Reading } from "../model/reading.ts";
import { type IngestStack, openBrokerStack, openStack, removeDir } from "../test/support/ingest-stack.ts";
import { shippedSessionSettings, startMosquitto } from "../test/support/mosquitto.ts";
import {
  cedresAir,
  chirpstackUp,
  exampleRegistry,
  PLUG,
  ttnUp,
  wmbusTelegram,
  zigbeeState,
} from "../test/support/source-payloads.ts";
import { ingestLimitsSchema } from "./limits.ts";
import { renderMosquittoAuth } from "./mosquitto-auth.ts";
import { writeMosquittoAuthFiles } from "./mosquitto-auth-files.ts";
import { createMqttSubscriber, sourceSubscriptionTopics } from "./mqtt-subscriber.ts";
import { createIngestPipeline } from "./pipeline.ts";

const run = promisify(execFile);
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

/** The example site's demo secrets (examples/site-third-party.yaml). */
const SECRETS: Record<string, string> = {
  "chirpstack-acacias": "demo-chirpstack-acacias-secret",
  "z2m-acacias": "demo-z2m-acacias",
  "gw-cedres": "demo-cedres-gateway-secret",
};
const INGEST = { username: "ingest", password: "ingest-secret-abcdef" };
const T = Date.now() - 60_000;

async function until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Every stored reading of the site, as "building/space/sensor=value". */
async function stored(s: IngestStack): Promise<string[]> {
  const site = exampleRegistry();
  const all: Reading[] = [];
  for (const b of site.buildings) {
    for (const quantity of Object.keys(QUANTITIES) as Quantity[]) {
      all.push(
        ...(await s.store.readRaw({ building: b.id, quantity, from: 0, to: Date.now() + 86_400_000 })),
      );
    }
  }
  return all.map((r) => `${r.building}/${r.space}/${r.sensor}=${r.v}`).sort();
}

async function letters(s: IngestStack): Promise<{ reason: string; building?: string; detail: string }[]> {
  return (await s.deadLetters.list({ limit: 100 })).map((l) => ({
    reason: l.reason,
    ...(l.building !== undefined && { building: l.building }),
    detail: l.detail,
  }));
}

describe("Mosquitto, its ACL from `cli mqtt-auth`, and cli ingest's subscriber", () => {
  async function start() {
    const registry = exampleRegistry();
    const dir = mkdtempSync(join(tmpdir(), "sources-auth-"));
    const paths = writeMosquittoAuthFiles(dir, renderMosquittoAuth({ site: registry.site, ingest: INGEST }));
    const broker = await startMosquitto({
      allowAnonymous: false,
      acl: readFileSync(paths.acl, "utf8"),
      extraConfig: [
        `password_file ${paths.passwd}`,
        "max_queued_messages 100000",
        "log_type debug",
        ...shippedSessionSettings(),
      ],
    });
    const stack = await openStack({ writer: { maxDelayMs: 5 } });
    const { journal, metrics, logger } = stack;
    const pipeline = createIngestPipeline({
      registry,
      limits: ingestLimitsSchema.parse({}),
      journal,
      metrics,
      logger,
    });
    cleanups.push(async () => {
      await broker.stop();
      await stack.close();
      removeDir(stack.dir);
      removeDir(dir);
    });
    const subscribe = async (topic: string, protocolVersion: 4 | 5) => {
      const subscriber = createMqttSubscriber(
        {
          url: broker.url,
          clientId: INGEST.username,
          ...INGEST,
          topic,
          topics: sourceSubscriptionTopics(topic, registry.sourceSubscriptions),
          protocolVersion,
        },
        { pipeline, logger },
      );
      await subscriber.connect();
      cleanups.push(() => subscriber.close());
    };
    return { broker, stack, subscribe };
  }

  /** mosquitto_pub, MQTT 3.1.1, QoS 1: it exits once the broker has acknowledged. */
  async function pub(port: number, user: string, message: { topic: string; payload: unknown }) {
    const body = typeof message.payload === "string" ? message.payload : JSON.stringify(message.payload);
    await run("mosquitto_pub", [
      ...["-h", "127.0.0.1", "-p", String(port), "-V", "mqttv311", "-q", "1"],
      ...["-u", user, "-P", SECRETS[user]!, "-i", user, "-t", message.topic, "-m", body],
    ]);
  }

  it("stores what mosquitto_pub publishes for each profile, letters what the site lacks, and keeps accounts to their building", async () => {
    const { broker, stack, subscribe } = await start();
    await subscribe("telemetry/#", 4);
    const p = (user: string, message: { topic: string; payload: unknown }) => pub(broker.port, user, message);
    await p("chirpstack-acacias", chirpstackUp(T, { temperature: 21.5, humidity: 48, battery: 3.6 }));
    await p("chirpstack-acacias", chirpstackUp(T, { energy_wh: 81_234_500 }, "a84041000181c5d1"));
    // Another building's account: Mosquitto denies it (acknowledged, dropped).
    await p("gw-cedres", chirpstackUp(T, { temperature: 99 }));
    await p("gw-cedres", zigbeeState(T, { energy: 999, power: 9 }));
    await p("z2m-acacias", zigbeeState(T, { energy: 12.5, power: 1480, linkquality: 90 }));
    await p("z2m-acacias", { topic: "zigbee2mqtt/bridge/state", payload: '{"state":"online"}' });
    await p("z2m-acacias", { topic: `zigbee2mqtt/${PLUG}/availability`, payload: "online" });
    await p("z2m-acacias", zigbeeState(T + 1000, { energy: 12.6 }));
    await p("chirpstack-acacias", wmbusTelegram(T, { total_m3: 123.529 }));
    await p(
      "chirpstack-acacias",
      wmbusTelegram(T, { total_m3: 7 }, { name: "EauFroideA01", id: "99999999" }),
    );
    await p("gw-cedres", cedresAir(T, 20.5, 640));
    await until(() => stack.metrics.messages >= 9, "the allowed messages");
    expect(await stack.writer.flush()).toBe(true);
    expect(stack.metrics.messages).toBe(9);
    expect(await stored(stack)).toEqual([
      "acacias/A01/cw=123.529",
      "acacias/A01/rh=48",
      "acacias/A01/temp=21.5",
      "acacias/A02/elec=12.5",
      "acacias/A02/elec=12.6",
      "acacias/A02/power=1480",
      "acacias/common/heat-boiler=81234.5",
      "cedres/C01/co2=640",
      "cedres/C01/temp=20.5",
    ]);
    const kept = await letters(stack);
    expect(kept.map((l) => [l.reason, l.building]).sort()).toEqual([
      ["missing_field", "acacias"],
      ["unknown_device", undefined],
    ]);
    expect(kept.find((l) => l.reason === "missing_field")!.detail).toMatch(
      /^field "power" is not in the payload/,
    );
    expect(broker.log()).toContain("Denied PUBLISH");
  });

  it("takes The Things Stack uplinks from mqtt.js at MQTT 5 on the shared subscription", async () => {
    const { broker, stack, subscribe } = await start();
    await subscribe("$share/ingest/telemetry/#", 5);
    const options: IClientOptions = {
      protocolVersion: 5,
      username: "chirpstack-acacias",
      password: SECRETS["chirpstack-acacias"],
    };
    const client = await mqtt.connectAsync(broker.url, options);
    cleanups.push(() => client.endAsync(true));
    for (let i = 0; i < 20; i++) {
      const message = ttnUp(T + i * 1000, { temperature: 19 + i / 10 });
      await client.publishAsync(message.topic, JSON.stringify(message.payload), { qos: 1 });
    }
    const unknown = ttnUp(T, { temperature: 19 }, "thermo-z99");
    // Not this account's topic: Mosquitto answers an MQTT 5 client's denied publish with 0x87.
    await client
      .publishAsync(unknown.topic, JSON.stringify(unknown.payload), { qos: 1 })
      .catch(() => undefined);
    await until(() => stack.metrics.readingsAccepted >= 20, "the uplinks");
    expect(await stack.writer.flush()).toBe(true);
    expect(
      await stack.store.count({ building: "acacias", quantity: "temperature", from: 0, to: Date.now() }),
    ).toBe(20);
    expect(stack.metrics.messages).toBe(20);
  });
});

describe("the embedded broker (aedes)", () => {
  async function start() {
    const opened = await openBrokerStack(exampleRegistry().site);
    cleanups.push(() => opened.close());
    return opened;
  }

  async function device(url: string, user: string): Promise<MqttClient> {
    const client = await mqtt.connectAsync(url, {
      protocolVersion: 4,
      username: user,
      password: SECRETS[user],
      reconnectPeriod: 0,
    });
    cleanups.push(() => client.endAsync(true));
    return client;
  }

  const publish = (client: MqttClient, message: { topic: string; payload: unknown }) =>
    client.publishAsync(
      message.topic,
      typeof message.payload === "string" ? message.payload : JSON.stringify(message.payload),
      { qos: 1 },
    );

  it("stores a ChirpStack integration's uplinks (mqtt.js, MQTT 3.1.1), letters the rest, relays none to a subscriber", async () => {
    const { broker, stack } = await start();
    const chirpstack = await device(broker.url, "chirpstack-acacias");
    const cedres = await device(broker.url, "gw-cedres");
    const seen: string[] = [];
    broker.aedes.subscribe(
      "#",
      (packet, cb) => {
        seen.push(packet.topic);
        cb();
      },
      () => {},
    );
    await publish(chirpstack, chirpstackUp(T, { temperature: 21.5, humidity: 48 }));
    // The same uplink again with a broken humidity: its temperature is the same point, stored once.
    await publish(chirpstack, chirpstackUp(T, { temperature: 21.5, humidity: "n/a" }));
    await publish(chirpstack, chirpstackUp(T, { temperature: 20 }, "ffffffffffffffff"));
    await publish(cedres, chirpstackUp(T + 1000, { temperature: 99, humidity: 99 }));
    await publish(cedres, cedresAir(T, 20.5, 640));
    const z2m = await device(broker.url, "z2m-acacias");
    await publish(z2m, { topic: "zigbee2mqtt/bridge/state", payload: "online" });
    expect(await stack.writer.flush()).toBe(true);
    expect(await stored(stack)).toEqual([
      "acacias/A01/rh=48",
      "acacias/A01/temp=21.5",
      "cedres/C01/co2=640",
      "cedres/C01/temp=20.5",
    ]);
    const kept = await letters(stack);
    expect(kept.map((l) => [l.reason, l.building ?? null]).sort()).toEqual([
      ["malformed_payload", "acacias"],
      ["not_authorised", null],
      ["not_authorised", null],
    ]);
    expect(kept.find((l) => l.reason === "not_authorised" && /gw-cedres/.test(l.detail))!.detail).toMatch(
      /device "gw-cedres" may publish only under telemetry\/cedres\/\+\/# and its sources' topics \(capteurs\/cedres\/C01\/air\)/,
    );
    expect(seen.filter((t) => !t.startsWith("$"))).toEqual([]);
  });

  it("letters an unknown device published by an account that may publish there", async () => {
    // An open site: an anonymous client may publish anywhere, as on a demo broker.
    const site = { ...exampleRegistry().site, devices: [], allowAnonymous: true };
    const opened = await openBrokerStack(site);
    cleanups.push(() => opened.close());
    const client = await mqtt.connectAsync(opened.broker.url, { protocolVersion: 4, reconnectPeriod: 0 });
    cleanups.push(() => client.endAsync(true));
    await publish(client, chirpstackUp(T, { temperature: 20 }, "ffffffffffffffff"));
    await publish(client, zigbeeState(T, { energy: 3, power: 4 }));
    expect(await opened.stack.writer.flush()).toBe(true);
    const kept = await letters(opened.stack);
    expect(kept).toEqual([
      {
        reason: "unknown_device",
        detail:
          'no source with devEui "ffffffffffffffff" in the site file; add it under sources: with profile chirpstack (its building, space and fields)',
      },
    ]);
    expect(await stored(opened.stack)).toEqual(["acacias/A02/elec=3", "acacias/A02/power=4"]);
  });

  it("refuses an MQTT 5 CONNECT (aedes 1.2 speaks 3.1.1), so MQTT 5 sources go through Mosquitto", async () => {
    const { broker } = await start();
    await expect(
      mqtt.connectAsync(broker.url, {
        protocolVersion: 5,
        username: "chirpstack-acacias",
        password: SECRETS["chirpstack-acacias"],
        reconnectPeriod: 0,
        connectTimeout: 3000,
      }),
    ).rejects.toThrow();
  });
});
