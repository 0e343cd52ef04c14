import { describe, expect, it } from "vitest";
import { DEAD_LETTER_PAYLOAD_EXCERPT, deadLetterSchema } from "../model/dead-letter.ts";
import { readingSchema } from "../model/reading.ts";
import {
  accept,
  LIMITS,
  NOW,
  ODD_BUILDING,
  ODD_SENSOR,
  ODD_SPACE,
  reasons,
  registry,
} from "../test/support/payloads.ts";
import { acceptMessage } from "./accept.ts";
import { ingestLimitsSchema } from "./limits.ts";

const T = "telemetry/b1/d1/t";
const MS = NOW - 3_600_000;

describe("ingestLimitsSchema", () => {
  it("has defaults that let three years of history in", () => {
    expect(LIMITS).toEqual({
      maxPayloadBytes: 262_144,
      maxReadingsPerMessage: 1000,
      maxFutureSkewMs: 300_000,
      maxPastAgeMs: 3 * 366 * 86_400_000,
    });
    expect(() => ingestLimitsSchema.parse({ maxPayloadBytes: 0 })).toThrow();
    expect(() => ingestLimitsSchema.parse({ maxReadings: 10 })).toThrow();
  });
});

describe("acceptMessage", () => {
  it("accepts a JSON reading, stamping the time of receipt when it has none", () => {
    expect(accept(T, '{"v": 19.5}')).toEqual({
      accepted: [{ building: "b1", space: "d1", sensor: "t", quantity: "temperature", t: NOW, v: 19.5 }],
      rejected: [],
      atReceipt: [0],
    });
    expect(accept(T, `{"t": ${MS}, "v": 19.5, "u": "Cel"}`).accepted[0]?.t).toBe(MS);
  });

  it("accepts the same reading in the three formats", () => {
    const expected = [{ building: "b1", space: "d1", sensor: "t", quantity: "temperature", t: MS, v: 21.25 }];
    expect(accept(T, `{"t": ${MS}, "v": 21.25}`).accepted).toEqual(expected);
    expect(accept(T, `[{"bt": ${MS / 1000}, "bu": "Cel", "v": 21.25}]`).accepted).toEqual(expected);
    expect(accept(T, `temperature,unit=Cel value=21.25 ${MS}000000`).accepted).toEqual(expected);
    expect(accept("telemetry/b1/d1", `[{"n": "t", "t": ${MS / 1000}, "v": 21.25}]`).accepted).toEqual(
      expected,
    );
    expect(accept("telemetry/b1/d1", `temperature,sensor=t v=21.25 ${MS}000000`).accepted).toEqual(expected);
  });

  it("accepts ids with spaces, commas, quotes, backslashes and accents in the topic", () => {
    const topic = `telemetry/${ODD_BUILDING}/${ODD_SPACE}/${ODD_SENSOR}`;
    expect(accept(topic, '{"v": 20}').accepted).toEqual([
      {
        building: ODD_BUILDING,
        space: ODD_SPACE,
        sensor: ODD_SENSOR,
        quantity: "temperature",
        t: NOW,
        v: 20,
      },
    ]);
  });

  // One example per reason: the reason, and words of the detail an operator acts on.
  const cases: [string, string, string | Buffer, string, RegExp][] = [
    ["not telemetry/", "sensors/b1/d1/t", '{"v": 1}', "malformed_topic", /telemetry\/\{building\}/],
    ["too many levels", "telemetry/b1/d1/t/x", '{"v": 1}', "malformed_topic", /5 levels/],
    ["an empty level", "telemetry/b1//t", '{"v": 1}', "malformed_topic", /space level/],
    ["a wildcard", "telemetry/b1/+/t", '{"v": 1}', "malformed_topic", /not a valid id/],
    ["JSON on a two-level topic", "telemetry/b1/d1", '{"v": 1}', "malformed_topic", /names no sensor/],
    ["unknown building", "telemetry/b9/d1/t", '{"v": 1}', "unknown_building", /"b9" is not in the site/],
    ["unknown dwelling", "telemetry/b1/d9/t", '{"v": 1}', "unknown_space", /no dwelling "d9"/],
    ["unknown sensor", "telemetry/b1/d1/x", '{"v": 1}', "unknown_sensor", /no sensor "x"/],
    ["sensor of another space", "telemetry/b1/d2/t", '{"v": 1}', "unknown_sensor", /no sensor "t"/],
    ["not JSON", T, "{v: 1}", "malformed_payload", /not valid JSON/],
    ["not UTF-8", T, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), "malformed_payload", /UTF-8/],
    ["empty", T, "  \n", "malformed_payload", /empty/],
    ["binary", T, Buffer.from([0, 1, 2]), "malformed_payload", /JSON object.*SenML.*line protocol/],
    ["v as a string", T, '{"v": "12.5"}', "malformed_payload", /JSON number/],
    ["t in seconds", T, '{"t": 1732800000, "v": 1}', "malformed_payload", /seconds.*1732800000000/],
    ["too large", T, `{"v": 1, "pad": "${"x".repeat(300_000)}"}`, "payload_too_large", /split/],
    ["wrong unit", T, '{"v": 1, "u": "K"}', "wrong_unit", /"Cel"/],
    ["wrong quantity", T, "humidity value=40", "wrong_quantity", /measures temperature/],
    ["infinite", T, '{"v": 1e999}', "non_finite_value", /finite/],
    ["out of range", T, '{"v": 120}', "out_of_range", /-50 to 90 Cel/],
    ["in the future", T, `{"t": ${NOW + 600_000}, "v": 20}`, "timestamp_in_future", /10 min after.*clock/],
    ["too old", T, '{"t": "2020-01-01T00:00:00Z", "v": 20}', "timestamp_too_old", /older than the 1098 days/],
  ];
  it.each(cases)("refuses %s", (_, topic, payload, reason, detail) => {
    const result = accept(topic, payload);
    expect(result.accepted).toEqual([]);
    expect(reasons(result)).toEqual([reason]);
    expect(result.rejected[0]!.detail).toMatch(detail);
    expect(deadLetterSchema.parse(result.rejected[0])).toEqual(result.rejected[0]);
  });

  it("refuses too many readings in one message, whole", () => {
    const pack = JSON.stringify(Array.from({ length: 11 }, (_, i) => ({ t: i, v: 20 })));
    const limits = { ...LIMITS, maxReadingsPerMessage: 10 };
    expect(reasons(accept(T, pack, limits))).toEqual(["too_many_readings"]);
    expect(reasons(accept(T, "temperature v=1\n".repeat(11), limits))).toEqual(["too_many_readings"]);
    expect(accept(T, "temperature v=1\n".repeat(10), limits).accepted).toHaveLength(10);
  });

  it("checks the size before anything else in the payload", () => {
    const limits = { ...LIMITS, maxPayloadBytes: 10 };
    expect(reasons(accept(T, '{"v": 1}', limits))).toEqual([]);
    expect(reasons(accept(T, '{"v": 1}   ', limits))).toEqual(["payload_too_large"]);
  });

  it("keeps 47 readings and gives 3 dead letters for a pack of 50 with 3 bad records", () => {
    const records: object[] = Array.from({ length: 50 }, (_, i) => ({ t: i * 60, v: 19 + i / 10 }));
    records[0] = { bt: (NOW - 86_400_000) / 1000, bu: "Cel", t: 0, v: 19 };
    records[7] = { t: 420, v: 200 };
    records[20] = { t: 1200, vs: "warm" };
    records[42] = { t: 2520, v: 20, u: "%RH" };
    const result = accept(T, JSON.stringify(records));
    expect(result.accepted).toHaveLength(47);
    expect(result.rejected.map((l) => [l.reason, l.detail.split(":")[0]])).toEqual([
      ["out_of_range", "record 8 of 50"],
      ["malformed_payload", "record 21 of 50"],
      ["wrong_unit", "record 43 of 50"],
    ]);
    expect(result.accepted[1]).toEqual({
      building: "b1",
      space: "d1",
      sensor: "t",
      quantity: "temperature",
      t: NOW - 86_400_000 + 60_000,
      v: 19.1,
    });
  });

  it("fills dead letters: time of receipt, topic, building, payload excerpt", () => {
    const big = `{"v": "${"é".repeat(2000)}"}`;
    const [letter] = accept(T, big).rejected;
    expect(letter).toMatchObject({ receivedAt: NOW, topic: T, building: "b1", reason: "malformed_payload" });
    expect(Buffer.byteLength(letter!.payload)).toBeLessThanOrEqual(DEAD_LETTER_PAYLOAD_EXCERPT + 2);
    expect(big.startsWith(letter!.payload.replace(/\uFFFD$/, ""))).toBe(true);
    expect(accept("nothing", "x").rejected[0]).not.toHaveProperty("building");
    expect(accept("telemetry/b1", "x").rejected[0]?.building).toBe("b1");
  });

  it("gives readings that pass readingSchema", () => {
    const result = accept(T, `[{"bt": ${NOW / 1000 - 0.0004}, "v": 20.5}, {"t": -1.5, "v": 21}]`);
    expect(result.accepted.map((r) => r.t)).toEqual([NOW, NOW - 1500]);
    for (const r of result.accepted) expect(readingSchema.parse(r)).toEqual(r);
  });

  it("does not throw on a non-integer receipt time: it is rounded", () => {
    const result = acceptMessage(T, Buffer.from('{"v": 1}'), NOW + 0.6, registry, LIMITS);
    expect(result.accepted[0]?.t).toBe(NOW + 1);
  });
});
