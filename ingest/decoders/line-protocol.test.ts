import { describe, expect, it } from "vitest";
import { accept, NOW, ODD_BUILDING, ODD_SENSOR, ODD_SPACE, reasons } from "../../test/support/payloads.ts";

const T = "telemetry/b1/d1/t";
const SPACE = "telemetry/b1/d1";
const NS = `${NOW - 60_000}000000`;

describe("accepting line protocol", () => {
  it("accepts what Telegraf's influx serializer writes: tags, several fields, ns timestamps", () => {
    const result = accept(
      T,
      `temperature,building=b1,host=gw-3,space=d1,sensor=t,unit=Cel value=19.5,rssi=-71i ${NS}\n`,
    );
    expect(result).toEqual({
      accepted: [
        { building: "b1", space: "d1", sensor: "t", quantity: "temperature", t: NOW - 60_000, v: 19.5 },
      ],
      rejected: [],
    });
  });

  it("accepts integers, unsigned integers, v instead of value, and no timestamp", () => {
    const result = accept(
      SPACE,
      "co2,sensor=co2 value=612i\nelectricity,sensor=elec v=12345u\nhumidity,sensor=rh v=45.5",
    );
    expect(result.rejected).toEqual([]);
    expect(result.accepted.map((r) => [r.sensor, r.v, r.t])).toEqual([
      ["co2", 612, NOW],
      ["elec", 12345, NOW],
      ["rh", 45.5, NOW],
    ]);
  });

  it("rounds nanoseconds to the millisecond", () => {
    expect(accept(T, `temperature value=20 ${NOW - 1}500000`).accepted[0]?.t).toBe(NOW);
    expect(accept(T, `temperature value=20 ${NOW - 1}499999`).accepted[0]?.t).toBe(NOW - 1);
  });

  it("reads escaped tags naming ids with spaces, commas, equals signs, quotes and backslashes", () => {
    const esc = (s: string) => s.replace(/[\\, =]/g, (c) => `\\${c}`);
    const topic = `telemetry/${ODD_BUILDING}/${ODD_SPACE}`;
    const line = `temperature,building=${esc(ODD_BUILDING)},space=${esc(ODD_SPACE)},sensor=${esc(ODD_SENSOR)} value=21 ${NS}`;
    expect(accept(topic, line)).toEqual({
      accepted: [
        {
          building: ODD_BUILDING,
          space: ODD_SPACE,
          sensor: ODD_SENSOR,
          quantity: "temperature",
          t: NOW - 60_000,
          v: 21,
        },
      ],
      rejected: [],
    });
  });

  it.each([
    [
      "another known quantity",
      T,
      "humidity value=40",
      "wrong_quantity",
      /measures temperature; name the measurement "temperature"/,
    ],
    [
      "a measurement that is no quantity",
      T,
      "mqtt_consumer value=20",
      "wrong_quantity",
      /not a quantity.*name_override/,
    ],
    [
      "another building in its tag",
      T,
      "temperature,building=b2 value=20",
      "malformed_payload",
      /tag building="b2" disagrees/,
    ],
    [
      "another space in its tag",
      T,
      "temperature,space=d2 value=20",
      "malformed_payload",
      /tag space="d2" disagrees/,
    ],
    [
      "another sensor in its tag",
      T,
      "temperature,sensor=rh value=20",
      "malformed_payload",
      /sensor tag "rh" disagrees/,
    ],
    ["no sensor tag on a space's topic", SPACE, "temperature value=20", "malformed_payload", /tag sensor=/],
    ["an unknown sensor tag", SPACE, "temperature,sensor=x value=20", "unknown_sensor", /no sensor "x"/],
    ["a wrong unit tag", T, "temperature,unit=degC value=20", "wrong_unit", /"Cel"/],
    ["no value field", T, "temperature temp=20", "malformed_payload", /no field "value".*"temp"/],
    ["both value and v", T, "temperature value=20,v=21", "malformed_payload", /both/],
    ["a string value", T, 'temperature value="20"', "malformed_payload", /is a string/],
    ["a boolean value", T, "temperature value=true", "malformed_payload", /is a boolean/],
    [
      "a timestamp in seconds",
      T,
      "temperature value=20 1732800000",
      "malformed_payload",
      /looks like seconds.*nanoseconds/,
    ],
    [
      "a timestamp in milliseconds",
      T,
      "temperature value=20 1732800000000",
      "malformed_payload",
      /nanoseconds/,
    ],
    [
      "a timestamp out of int64",
      T,
      "temperature value=20 99999999999999999999",
      "malformed_payload",
      /not an integer number of nanoseconds/,
    ],
    [
      "a future timestamp",
      T,
      `temperature value=20 ${NOW + 3_600_000}000000`,
      "timestamp_in_future",
      /60 min after/,
    ],
    ["an old timestamp", T, "temperature value=20 1500000000000000000", "timestamp_too_old", /2017-07-14/],
    ["a value out of range", T, "temperature value=-60", "out_of_range", /-50 to 90/],
    ["a huge integer", T, `temperature value=${"9".repeat(400)}i`, "non_finite_value", /finite/],
    ["a syntax error", T, "temperature value=2O", "malformed_payload", /neither a number/],
  ])("refuses a line with %s, line by line", (_, topic, line, reason, detail) => {
    const good = topic === T ? "temperature value=19" : "temperature,sensor=t value=19";
    const result = accept(topic, `${good}\n# then\n${line}\n${good}`);
    expect(result.accepted).toHaveLength(2);
    expect(reasons(result)).toEqual([reason]);
    expect(result.rejected[0]!.detail).toMatch(/^line 3: /);
    expect(result.rejected[0]!.detail).toMatch(detail);
  });

  it("refuses a body without data lines whole", () => {
    const result = accept(T, "# only a comment\n\n");
    expect(reasons(result)).toEqual(["malformed_payload"]);
    expect(result.rejected[0]!.detail).toMatch(/no line-protocol data line/);
  });
});
