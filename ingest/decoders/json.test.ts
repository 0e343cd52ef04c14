import { describe, expect, it } from "vitest";
import { accept, NOW, reasons } from "../../test/support/payloads.ts";
import { decodeJsonObject } from "./json.ts";

const T = "telemetry/b1/d1/t";
const CTX = { receivedAt: NOW, maxReadings: 1000 };

describe("decodeJsonObject", () => {
  it("reads v, t in milliseconds or RFC 3339, and u", () => {
    expect(decodeJsonObject('{"v": 12.5}', CTX)).toEqual({
      ok: true,
      items: [{ ok: true, where: "", t: NOW, v: 12.5, unit: undefined, atReceipt: true }],
    });
    expect(decodeJsonObject('{"t": 1732800000000.4, "v": -3, "u": "Cel"}', CTX)).toEqual({
      ok: true,
      items: [{ ok: true, where: "", t: 1_732_800_000_000, v: -3, unit: "Cel" }],
    });
    expect(decodeJsonObject('{"t": "2024-11-28T14:00:00.5+01:00", "v": 0}', CTX)).toMatchObject({
      ok: true,
      items: [{ t: Date.UTC(2024, 10, 28, 13, 0, 0, 500) }],
    });
  });
});

describe("accepting a JSON reading", () => {
  it("accepts a meter index with its unit and an RFC 3339 time", () => {
    expect(
      accept("telemetry/b1/d1/elec", '{"t": "2024-11-28T13:00:00Z", "v": 12345.678, "u": "kWh"}').accepted,
    ).toEqual([
      {
        building: "b1",
        space: "d1",
        sensor: "elec",
        quantity: "electricity",
        t: NOW - 3_600_000,
        v: 12345.678,
      },
    ]);
  });

  it("accepts the bounds of the catalogue's range", () => {
    expect(accept(T, '{"v": -50}').accepted).toHaveLength(1);
    expect(accept(T, '{"v": 90}').accepted).toHaveLength(1);
    expect(reasons(accept(T, '{"v": 90.0001}'))).toEqual(["out_of_range"]);
    expect(reasons(accept("telemetry/b1/d1/elec", '{"v": -0.001}'))).toEqual(["out_of_range"]);
  });

  it("accepts times at the edges of the limits", () => {
    expect(accept(T, `{"t": ${NOW + 300_000}, "v": 20}`).accepted).toHaveLength(1);
    expect(reasons(accept(T, `{"t": ${NOW + 300_001}, "v": 20}`))).toEqual(["timestamp_in_future"]);
    const oldest = NOW - 3 * 366 * 86_400_000;
    expect(accept(T, `{"t": ${oldest}, "v": 20}`).accepted).toHaveLength(1);
    expect(reasons(accept(T, `{"t": ${oldest - 1}, "v": 20}`))).toEqual(["timestamp_too_old"]);
  });

  it.each([
    ["no v", "{}", /no "v"/],
    ["v null", '{"v": null}', /"v" is null/],
    ["v a boolean", '{"v": true}', /"v" is a boolean/],
    ["an unknown field", '{"v": 1, "value": 2}', /unknown field "value"/],
    ["u not a string", '{"v": 1, "u": 1}', /"u" is a number/],
    ["t null", '{"v": 1, "t": null}', /"t" is null/],
    ["t not a date-time", '{"v": 1, "t": "yesterday"}', /RFC 3339/],
    ["t negative", '{"v": 1, "t": -5}', /negative/],
    ["t infinite", '{"v": 1, "t": 1e999}', /finite/],
    ["trailing garbage", '{"v": 1} x', /not valid JSON/],
  ])("refuses %s", (_, payload, detail) => {
    const result = accept(T, payload);
    expect(reasons(result)).toEqual(["malformed_payload"]);
    expect(result.rejected[0]!.detail).toMatch(detail);
  });

  it("refuses an infinite value as non-finite, not as out of range", () => {
    expect(reasons(accept(T, '{"v": -1e400}'))).toEqual(["non_finite_value"]);
  });
});
