// Fault: a device publishes a message larger than ingest accepts (INGEST_MAX_PAYLOAD_BYTES,
// 256 KiB), then goes on with valid readings. With the shipped broker settings the message
// reaches ingest, which acknowledges it and keeps a payload_too_large dead letter saying why;
// the device is not blocked and every valid reading after it is stored. Before, Mosquitto's
// max_packet_size sat just above ingest's limit and disconnected the device on every resend.
import mqtt from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxDeadLetters, influxFingerprint } from "../support/fault-stores.ts";
import { BUILDING, SENSOR, totalOf } from "../support/fault-stream.ts";
import { type FaultFixture, openFixture } from "../support/faults.ts";
import { waitFor } from "../support/wait.ts";

const VALID = 50;

describe("fault: a message too large for ingest", () => {
  let fx: FaultFixture;
  beforeAll(async () => {
    fx = await openFixture(2, { shippedBroker: true });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it("is acknowledged and dead-lettered; the readings after it are stored (MQTT 3.1.1 and 5)", async () => {
    await fx.worker("ingest-oversize");
    const t0 = Date.now() - 3_600_000;
    const clients = [
      { space: "d000", protocolVersion: 4 as const },
      { space: "d001", protocolVersion: 5 as const },
    ];
    for (const { space, protocolVersion } of clients) {
      const client = await mqtt.connectAsync(fx.mosquitto.url, {
        clientId: `device-${space}`,
        protocolVersion,
        reconnectPeriod: 0,
      });
      const topic = `telemetry/${BUILDING}/${space}/${SENSOR}`;
      try {
        await client.publishAsync(topic, `{"v": 20, "pad": "${"x".repeat(300_000)}"}`, { qos: 1 });
        for (let k = 0; k < VALID; k++)
          await client.publishAsync(topic, `{"t": ${t0 + k * 1000}, "v": ${k % 30}}`, { qos: 1 });
        expect(client.connected, "the device kept its connection").toBe(true);
      } finally {
        await client.endAsync();
      }
    }
    const stored = await waitFor("the valid readings stored", 20_000, async () => {
      const f = await influxFingerprint(fx.influx.url);
      return totalOf(f) >= VALID * clients.length ? f : undefined;
    });
    const letters = await waitFor("the dead letters", 10_000, async () => {
      const l = await influxDeadLetters(fx.influx.url);
      return (l.payload_too_large ?? 0) >= clients.length ? l : undefined;
    });
    console.log(
      JSON.stringify({
        published: clients.length * (VALID + 1),
        stored: totalOf(stored),
        deadLetters: letters,
      }),
    );
    expect(totalOf(stored)).toBe(VALID * clients.length);
    expect(letters).toEqual({ payload_too_large: clients.length });
  });
});
