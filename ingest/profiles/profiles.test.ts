// Each profile's decoding through acceptMessage, on the example site: the readings of a good
// message, and a dead letter naming what to fix for every broken one.
import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { deadLetterSchema } from "../../model/dead-letter.ts";
import { readingSchema } from "../../model/reading.ts";
import {
  AMBIANCE_EUI,
  cedresAir,
  chirpstackUp,
  exampleRegistry,
  PLUG,
  ttnUp,
  wmbusTelegram,
  zigbeeState,
} from "../../test/support/source-payloads.ts";
import { acceptMessage } from "../accept.ts";
import { ingestLimitsSchema } from "../limits.ts";

const registry = exampleRegistry();
const LIMITS = ingestLimitsSchema.parse({});
const NOW = Date.UTC(2025, 1, 8, 9, 7, 22, 500);
const T = NOW - 60_000;

function accept(message: { topic: string; payload: unknown }, raw?: string) {
  const body = raw ?? JSON.stringify(message.payload);
  return acceptMessage(message.topic, Buffer.from(body), NOW, registry, LIMITS);
}

function only(result: ReturnType<typeof accept>) {
  expect(result.accepted).toEqual([]);
  expect(result.rejected).toHaveLength(1);
  return result.rejected[0]!;
}

describe("chirpstack", () => {
  it("maps the decoded object's fields to the space's sensors, at the event's time", () => {
    const result = accept(chirpstackUp(T, { temperature: 21.5, humidity: 48.5, battery: 3.6 }));
    expect(result.rejected).toEqual([]);
    expect(result.accepted).toEqual([
      { building: "acacias", space: "A01", sensor: "temp", quantity: "temperature", t: T, v: 21.5 },
      { building: "acacias", space: "A01", sensor: "rh", quantity: "humidity", t: T, v: 48.5 },
    ]);
  });

  it("converts the field's unit: Wh to kWh", () => {
    const result = accept(chirpstackUp(T, { energy_wh: 81_234_500 }, "A84041000181C5D1"));
    expect(result.accepted).toEqual([
      {
        building: "acacias",
        space: "common",
        sensor: "heat-boiler",
        quantity: "heating_energy",
        t: T,
        v: 81_234.5,
      },
    ]);
  });

  it("letters an unknown DevEUI without a building, saying where to declare it", () => {
    const letter = only(accept(chirpstackUp(T, { temperature: 20 }, "ffffffffffffffff")));
    expect(letter.reason).toBe("unknown_device");
    expect(letter.detail).toBe(
      'no source with devEui "ffffffffffffffff" in the site file; add it under sources: with profile chirpstack (its building, space and fields)',
    );
    expect(letter.building).toBeUndefined();
  });

  it("letters each mapped field the object lacks, listing what it has", () => {
    const result = accept(chirpstackUp(T, { temperature: 20, hum: 50 }));
    expect(result.accepted).toHaveLength(1);
    expect(result.rejected).toHaveLength(1);
    expect(result.rejected[0]).toMatchObject({ reason: "missing_field", building: "acacias" });
    expect(result.rejected[0]!.detail).toMatch(
      /^field "object.humidity" is not in the payload; it has: object.temperature, object.hum\. Fix the field's path in the site file's source chirpstack devEui "0004a30b001c0530"/,
    );
  });

  it("letters an event without a decoded object once, pointing at the codec", () => {
    const message = chirpstackUp(T, undefined);
    const letter = only(accept(message));
    expect(letter.reason).toBe("missing_field");
    expect(letter.detail).toMatch(/no decoded "object": give the device profile a codec/);
  });

  it("refuses wrong types, out-of-range values and bad times with the checks of telemetry", () => {
    const typed = accept(chirpstackUp(T, { temperature: "21,5", humidity: 400 }));
    expect(typed.rejected.map((l) => l.reason)).toEqual(["malformed_payload", "out_of_range"]);
    expect(typed.rejected[0]!.detail).toMatch(
      /field "object.temperature" is a string \("21,5"\), not a number/,
    );
    expect(typed.rejected[1]!.detail).toMatch(
      /field "object.humidity" \(sensor "rh"\): the value 400 %RH is outside/,
    );
    const future = accept(chirpstackUp(NOW + 3_600_000, { temperature: 20, humidity: 50 }));
    expect(future.rejected.map((l) => l.reason)).toEqual(["timestamp_in_future", "timestamp_in_future"]);
    const message = chirpstackUp(T, { temperature: 20 });
    (message.payload as { time: unknown }).time = "yesterday";
    expect(only(accept(message))).toMatchObject({
      reason: "malformed_payload",
      detail: expect.stringMatching(/^time is a string/),
    });
  });

  it("refuses non-JSON, a topic disagreeing with the payload, and v3 events", () => {
    const message = chirpstackUp(T, { temperature: 20 });
    expect(only(accept(message, "\u0008\u0001protobuf")).detail).toMatch(/a chirpstack message is JSON/);
    const other = chirpstackUp(T, { temperature: 20 });
    other.topic = other.topic.replace(AMBIANCE_EUI, "a84041000181c5d1");
    expect(only(accept(other)).detail).toMatch(/disagrees with the topic's DevEUI/);
    expect(
      only(accept(message, JSON.stringify({ applicationID: "1", devEUI: "AAQKCwAcBTA=" }))).detail,
    ).toMatch(/no deviceInfo.devEui/);
    expect(only(accept(message, "[1,2]")).reason).toBe("malformed_payload");
  });

  it("does not take other events: they are not the subscription's", () => {
    const join = `application/${CHIRPSTACK}/device/${AMBIANCE_EUI}/event/join`;
    expect(registry.profileOf(join)).toBeUndefined();
  });

  it("takes readings without a time at the time of receipt", () => {
    const message = chirpstackUp(T, { temperature: 20, humidity: 50 });
    delete (message.payload as { time?: unknown }).time;
    const result = accept(message);
    expect(result.accepted.map((r) => r.t)).toEqual([NOW, NOW]);
    expect(result.atReceipt).toEqual([0, 1]);
  });
});

const CHIRPSTACK = "4e9b3d5c-1a2b-4c3d-8e9f-0a1b2c3d4e5f";

describe("ttn", () => {
  it("reads decoded_payload at uplink_message.received_at, on both topic forms", () => {
    const message = ttnUp(T, { temperature: 19.25, battery_mv: 3012 });
    expect(accept(message).accepted).toEqual([
      { building: "acacias", space: "A02", sensor: "temp", quantity: "temperature", t: T, v: 19.25 },
    ]);
    message.topic = "v3/acacias-app/devices/thermo-a02/up";
    expect(accept(message).accepted).toHaveLength(1);
  });

  it("falls back on the top received_at", () => {
    const message = ttnUp(T, { temperature: 19 });
    delete (message.payload.uplink_message as { received_at?: string }).received_at;
    expect(accept(message).accepted[0]!.t).toBe(T + 40);
  });

  it("letters an unknown device, a DevEUI the site does not give it, and a missing formatter", () => {
    expect(only(accept(ttnUp(T, { temperature: 19 }, "thermo-z99"))).detail).toMatch(
      /^no source with deviceId "thermo-z99" in the site file; add it under sources: with profile ttn/,
    );
    const other = only(accept(ttnUp(T, { temperature: 19 }, "thermo-a02", "70B3D57ED0000000")));
    expect(other).toMatchObject({ reason: "unknown_device" });
    expect(other.detail).toMatch(/has the DevEUI "70b3d57ed0000000", the site file says "70b3d57ed005a1b2"/);
    const letter = only(accept(ttnUp(T, undefined)));
    expect(letter).toMatchObject({ reason: "missing_field", building: "acacias" });
    expect(letter.detail).toMatch(/uplink payload formatter/);
  });

  it("refuses a device id disagreeing with the topic, and messages that are not uplinks", () => {
    const message = ttnUp(T, { temperature: 19 });
    message.topic = "v3/acacias-app@ttn/devices/thermo-b01/up";
    expect(only(accept(message)).detail).toMatch(/disagrees with the topic's device "thermo-b01"/);
    const join = ttnUp(T, {});
    delete (join.payload as { uplink_message?: unknown }).uplink_message;
    expect(only(accept(join)).detail).toMatch(/no uplink_message/);
  });
});

describe("zigbee2mqtt", () => {
  it("maps state fields, ignoring linkquality and the like, at last_seen (ISO or epoch)", () => {
    const result = accept(zigbeeState(T, { energy: 12.75, power: 1480, voltage: 231, state: "ON" }));
    expect(result.rejected).toEqual([]);
    expect(result.accepted).toEqual([
      { building: "acacias", space: "A02", sensor: "elec", quantity: "electricity", t: T, v: 12.75 },
      { building: "acacias", space: "A02", sensor: "power", quantity: "power", t: T, v: 1480 },
    ]);
    expect(accept(zigbeeState(T, { energy: 1, power: 2 }, true)).accepted[0]!.t).toBe(T);
    const local = zigbeeState(undefined, { energy: 1, power: 2, last_seen: "2025-02-08T10:06:22.500+01:00" });
    expect(accept(local).accepted[0]!.t).toBe(T);
    expect(accept(zigbeeState(undefined, { energy: 1, power: 2 })).accepted[0]!.t).toBe(NOW);
  });

  it("ignores the bridge's topics and availability, set and get, whatever their payload", () => {
    for (const topic of [
      "zigbee2mqtt/bridge/state",
      "zigbee2mqtt/bridge/devices",
      `zigbee2mqtt/${PLUG}/availability`,
      `zigbee2mqtt/${PLUG}/set`,
      `zigbee2mqtt/${PLUG}/get`,
      `zigbee2mqtt/${PLUG}/set/state`,
      "zigbee2mqtt",
    ]) {
      expect(acceptMessage(topic, Buffer.from("online"), NOW, registry, LIMITS)).toEqual({
        accepted: [],
        rejected: [],
      });
    }
  });

  it("letters an unknown friendly name, and an attribute published alone", () => {
    const message = { topic: "zigbee2mqtt/acacias/A01/capteur", payload: { temperature: 20 } };
    expect(only(accept(message))).toMatchObject({ reason: "unknown_device" });
    expect(only(accept(message)).building).toBeUndefined();
    expect(only(accept(message)).detail).toMatch(
      /no source with friendlyName "acacias\/A01\/capteur" \(base topic "zigbee2mqtt"\)/,
    );
    const attribute = { topic: `zigbee2mqtt/${PLUG}/power`, payload: 1480 };
    expect(only(accept(attribute)).detail).toMatch(/output: attribute/);
  });

  it("refuses a state that is not an object and a last_seen it cannot read", () => {
    expect(only(accept({ topic: `zigbee2mqtt/${PLUG}`, payload: 12 })).reason).toBe("malformed_payload");
    const bad = only(accept(zigbeeState(undefined, { energy: 1, power: 2, last_seen: "il y a 5 min" })));
    expect(bad).toMatchObject({ reason: "malformed_payload", building: "acacias" });
  });
});

describe("wmbusmeters", () => {
  it("finds the meter by name and id on its topic, at its timestamp", () => {
    const result = accept(wmbusTelegram(T, { total_m3: 123.529, max_flow_m3h: 0 }));
    expect(result.accepted).toEqual([
      {
        building: "acacias",
        space: "A01",
        sensor: "cw",
        quantity: "cold_water",
        t: Math.floor(T / 1000) * 1000,
        v: 123.529,
      },
    ]);
  });

  it("converts litres, on a topic the site file sets", () => {
    const result = accept(wmbusTelegram(T, { total_l: 45_678 }, { name: "EauChaudeA01", id: "87654321" }));
    expect(result.accepted.map((r) => [r.sensor, r.v])).toEqual([["hw", 45.678]]);
  });

  it("letters an unknown meter, and a known name with another id", () => {
    const unknown = only(accept(wmbusTelegram(T, { total_m3: 1 }, { name: "Gaz", id: "99999999" })));
    expect(unknown.detail).toMatch(
      /^no source with wmbusmeters id "99999999" or name "Gaz" on topic "wmbusmeters\/Gaz"/,
    );
    const swapped = only(accept(wmbusTelegram(T, { total_m3: 1 }, { name: "EauFroideA01", id: "00000001" })));
    expect(swapped.reason).toBe("unknown_device");
  });

  it("refuses a telegram that names no meter, and a timestamp in local time without a zone", () => {
    const message = wmbusTelegram(T, { total_m3: 1 });
    expect(only(accept(message, JSON.stringify({ total_m3: 1 }))).detail).toMatch(/names no meter/);
    (message.payload as { timestamp: string }).timestamp = "2025-02-08 10:07.22";
    expect(only(accept(message)).detail).toMatch(/^timestamp is a string .* not an RFC 3339 date-time/);
  });
});

describe("json", () => {
  it("reads array paths and a unix time in seconds", () => {
    const result = accept(cedresAir(T, 20.5, 640));
    expect(result.accepted).toEqual([
      { building: "cedres", space: "C01", sensor: "temp", quantity: "temperature", t: T, v: 20.5 },
      { building: "cedres", space: "C01", sensor: "co2", quantity: "co2", t: T, v: 640 },
    ]);
  });

  it("letters a missing time field and values of the wrong type", () => {
    const message = cedresAir(T, 20.5, null);
    const result = accept(message);
    expect(result.rejected.map((l) => l.reason)).toEqual(["malformed_payload"]);
    expect(result.rejected[0]!.detail).toMatch(/field "values\[1\].v" is null, not a number/);
    delete (message.payload as { ts?: number }).ts;
    expect(only(accept(message))).toMatchObject({
      reason: "missing_field",
      detail: expect.stringMatching(/time field "ts"/),
    });
    expect(
      only(accept({ topic: message.topic, payload: { values: [] } }, '{"ts": "soon", "values": []}')).detail,
    ).toMatch(/not a number of seconds since 1970/);
    expect(
      accept({ topic: message.topic, payload: { ts: T / 1000, values: [{ v: 1 }] } }).rejected[0]!.detail,
    ).toMatch(/field "values\[1\].v" is not in the payload; it has: values\[0\]/);
  });
});

describe("any message on a source's topic", () => {
  const topics = [
    chirpstackUp(T, {}).topic,
    ttnUp(T, {}).topic,
    zigbeeState(T, {}).topic,
    wmbusTelegram(T, {}).topic,
    cedresAir(T, 0, 0).topic,
    "zigbee2mqtt/x/y",
  ];
  it("never throws; every reading is valid and every letter too", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...topics),
        fc.oneof(
          fc.json(),
          fc.string(),
          fc
            .record(
              {
                deviceInfo: fc.record({ devEui: fc.constantFrom(AMBIANCE_EUI, "x") }),
                end_device_ids: fc.record({ device_id: fc.constantFrom("thermo-a02", "x") }),
                uplink_message: fc.record({ decoded_payload: fc.dictionary(fc.string(), fc.jsonValue()) }),
                object: fc.dictionary(
                  fc.constantFrom("temperature", "humidity", "energy_wh"),
                  fc.jsonValue(),
                ),
                name: fc.constantFrom("EauFroideA01", "x"),
                id: fc.constantFrom("12345678", "x"),
                energy: fc.jsonValue(),
                power: fc.double(),
                total_m3: fc.double(),
                ts: fc.oneof(fc.double(), fc.string()),
                values: fc.array(fc.record({ v: fc.jsonValue() })),
                time: fc.oneof(
                  fc.string(),
                  fc.date({ noInvalidDate: true }).map((d) => d.toISOString()),
                ),
                timestamp: fc.string(),
                last_seen: fc.oneof(fc.string(), fc.integer()),
              },
              { requiredKeys: [] },
            )
            .map((o) => JSON.stringify(o)),
        ),
        (topic, body) => {
          const result = acceptMessage(topic, Buffer.from(body), NOW, registry, LIMITS);
          for (const letter of result.rejected) {
            deadLetterSchema.parse(letter);
            expect(letter.detail).not.toMatch(/could not process/);
            if (letter.building !== undefined) expect(registry.building(letter.building)).toBeDefined();
          }
          for (const reading of result.accepted) {
            readingSchema.parse(reading);
            expect(registry.lookup(reading.building, reading.space, reading.sensor).found).toBe(true);
          }
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe("PAYLOADS.md's third-party examples", () => {
  it("each decode to readings on the example site", () => {
    const doc = readFileSync(new URL("../PAYLOADS.md", import.meta.url), "utf8");
    const section = doc.slice(doc.indexOf("## Third-party devices"), doc.indexOf("## Limits"));
    const examples = [...section.matchAll(/mosquitto_pub -t '([^']+)' -q 1 -m (?:\\\n\s*)?'([^']+)'/g)];
    expect(examples.map((m) => registry.profileOf(m[1]!)?.profile)).toEqual([
      "chirpstack",
      "ttn",
      "zigbee2mqtt",
      "wmbusmeters",
      "json",
    ]);
    for (const [, topic, body] of examples) {
      const result = acceptMessage(topic!, Buffer.from(body!), NOW, registry, LIMITS);
      expect(result.rejected, topic).toEqual([]);
      expect(result.accepted.length, topic).toBeGreaterThan(0);
      expect(result.atReceipt, topic).toBeUndefined();
    }
  });
});
