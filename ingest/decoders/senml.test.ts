import { describe, expect, it } from "vitest";
import { accept, NOW, reasons } from "../../test/support/payloads.ts";
import { decodeSenml } from "./senml.ts";

const CTX = { receivedAt: NOW, maxReadings: 1000 };
const BT = NOW / 1000 - 3600; // absolute seconds, an hour before receipt
const T = "telemetry/b1/d1/t";
const SPACE = "telemetry/b1/d1";

function decoded(pack: unknown) {
  const result = decodeSenml(JSON.stringify(pack), CTX);
  if (!result.ok) throw new Error(result.detail);
  return result.items;
}

describe("decodeSenml: base fields (RFC 8428 §4.6)", () => {
  it("resolves names, units, times and values from base fields until they change", () => {
    const items = decoded([
      { bn: "urn:dev:ow:10e2073a0108006:", bt: BT, bu: "Cel", bv: 20, n: "temp", v: 0.5 },
      { n: "temp", t: 60, v: 1 },
      { n: "rh", u: "%RH", t: 60, v: 20 },
      { bn: "", bu: "ppm", bv: 0, n: "co2", v: 400 },
      { bt: BT + 600, n: "co2", t: -1.5, v: 410 },
    ]);
    expect(items.map((i) => (i.ok ? [i.sensor, i.unit, i.t, i.v] : i.detail))).toEqual([
      ["urn:dev:ow:10e2073a0108006:temp", "Cel", BT * 1000, 20.5],
      ["urn:dev:ow:10e2073a0108006:temp", "Cel", BT * 1000 + 60_000, 21],
      ["urn:dev:ow:10e2073a0108006:rh", "%RH", BT * 1000 + 60_000, 40],
      ["co2", "ppm", BT * 1000, 400],
      ["co2", "ppm", BT * 1000 + 598_500, 410],
    ]);
  });

  it("takes times below 2^28 s as relative to the time of receipt, and no time as now", () => {
    // bt stays -120 for the last record: base fields hold until replaced.
    const items = decoded([{ v: 1 }, { t: -60, v: 2 }, { bt: -120, t: 30, v: 3 }, { t: 2, v: 4 }]);
    expect(items.map((i) => i.ok && i.t)).toEqual([NOW, NOW - 60_000, NOW - 90_000, NOW - 118_000]);
  });

  it("rounds fractional seconds to the millisecond", () => {
    const items = decoded([
      { bt: 1_732_800_000.1234, v: 1 },
      { bt: 1_732_800_000, t: 0.0006, v: 2 },
    ]);
    expect(items.map((i) => i.ok && i.t)).toEqual([1_732_800_000_123, 1_732_800_000_001]);
  });

  it("skips a record of base fields only, and ignores unknown fields that do not end in _", () => {
    const items = decoded([
      { bn: "t", bt: BT, bver: 10 },
      { v: 1, custom: "x" },
    ]);
    expect(items).toEqual([
      { ok: true, where: "record 2 of 2", sensor: "t", unit: undefined, t: BT * 1000, v: 1 },
    ]);
  });
});

describe("accepting SenML", () => {
  it("accepts a pack on the sensor's topic, with no name or with the sensor's id", () => {
    const result = accept(
      T,
      JSON.stringify([
        { bt: BT, bu: "Cel", v: 19 },
        { n: "t", t: 60, v: 19.5 },
      ]),
    );
    expect(result.rejected).toEqual([]);
    expect(result.accepted.map((r) => [r.sensor, r.t, r.v])).toEqual([
      ["t", BT * 1000, 19],
      ["t", BT * 1000 + 60_000, 19.5],
    ]);
  });

  it("on a space's topic, takes each record's sensor from its name", () => {
    const pack = [
      { bt: BT, n: "t", u: "Cel", v: 19 },
      { n: "rh", u: "%RH", v: 45 },
      { n: "elec", u: "kWh", v: 12_345.6 },
      { n: "co2", v: 600 },
    ];
    const result = accept(SPACE, JSON.stringify(pack));
    expect(result.rejected).toEqual([]);
    expect(result.accepted.map((r) => [r.sensor, r.quantity, r.v])).toEqual([
      ["t", "temperature", 19],
      ["rh", "humidity", 45],
      ["elec", "electricity", 12_345.6],
      ["co2", "co2", 600],
    ]);
  });

  it.each([
    [
      "a name other than the topic's sensor",
      T,
      [{ n: "rh", v: 1 }],
      "malformed_payload",
      /disagrees with the topic's sensor "t"/,
    ],
    ["no name on a space's topic", SPACE, [{ v: 1 }], "malformed_payload", /give each reading its sensor id/],
    ["an unknown name on a space's topic", SPACE, [{ n: "x", v: 1 }], "unknown_sensor", /no sensor "x"/],
    ["a string value", T, [{ vs: "on" }], "malformed_payload", /not a reading/],
    ["a boolean value", T, [{ vb: true }], "malformed_payload", /not a reading/],
    ["a data value", T, [{ vd: "AQID" }], "malformed_payload", /not a reading/],
    ["a sum alone", T, [{ s: 12 }], "malformed_payload", /sum/],
    ["two values", T, [{ v: 1, vs: "1" }], "malformed_payload", /one value/],
    ["a value as a string", T, [{ v: "1" }], "malformed_payload", /"v" must be a number/],
    ["a name that is not a string", T, [{ n: 1, v: 1 }], "malformed_payload", /"n" must be a string/],
    ["a time that is not a number", T, [{ t: "now", v: 1 }], "malformed_payload", /"t" must be a number/],
    ["an empty record", T, [{}], "malformed_payload", /no value/],
    ["a record that is not an object", T, [[1]], "malformed_payload", /JSON object/],
    ["a time in milliseconds", T, [{ bt: NOW, v: 20 }], "timestamp_in_future", /looks like milliseconds/],
    [
      "an overflowing time",
      T,
      [{ bt: 1e308, t: 1e308, v: 20 }],
      "malformed_payload",
      /not a finite number of seconds/,
    ],
    ["a value overflowing with bv", T, [{ bv: 1e308, v: 1e308 }], "non_finite_value", /finite/],
    ["a unit other than the catalogue's", T, [{ bu: "Cel", u: "K", v: 293 }], "wrong_unit", /"Cel"/],
    ["an old time", T, [{ bt: 1_000_000_000, v: 20 }], "timestamp_too_old", /2001-09-09/],
  ])("refuses %s, record by record", (_, topic, pack, reason, detail) => {
    const first = { bt: BT, v: 20, n: topic === T ? "" : "t" };
    const result = accept(topic, JSON.stringify([first, ...pack]));
    expect(reasons(result)).toEqual([reason]);
    expect(result.rejected[0]!.detail).toMatch(/^record 2 of 2: /);
    expect(result.rejected[0]!.detail).toMatch(detail);
    expect(result.accepted).toHaveLength(1);
  });

  it.each([
    ["an empty pack", "[]", /empty/],
    ["a pack of base fields only", '[{"bn": "t", "bt": 1732800000}]', /only base fields/],
    ["a field that must be understood", '[{"v": 1}, {"v": 2, "x_": 1}]', /must be understood/],
    ["a newer version", '[{"bver": 11, "v": 1}]', /version 11/],
    ["a bad version", '[{"bver": 1.5, "v": 1}]', /positive integer/],
    ["a base name that is not a string", '[{"v": 1}, {"bn": 1, "v": 2}]', /"bn" must be a string/],
    ["a base time that is not a number", '[{"bt": "now", "v": 1}]', /"bt" must be a number/],
    ["broken JSON", '[{"v": 1}', /not valid JSON/],
  ])("refuses %s whole", (_, payload, detail) => {
    const result = accept(T, payload);
    expect(result.accepted).toEqual([]);
    expect(reasons(result)).toEqual(["malformed_payload"]);
    expect(result.rejected[0]!.detail).toMatch(detail);
  });
});
