// Properties of acceptMessage: whatever arrives (random bytes, JSON, SenML-ish packs, line-protocol
// soup) it never throws, every accepted reading is valid and resolves in the site, every letter is
// valid; and a valid reading written in any of the three formats decodes back exactly, even when
// its ids hold every character line protocol must escape.
import fc from "fast-check";
import { beforeEach, describe, expect, it } from "vitest";
import { deadLetterSchema } from "../model/dead-letter.ts";
import { QUANTITIES, type Quantity } from "../model/quantities.ts";
import { type Reading, readingSchema } from "../model/reading.ts";
import { SiteRegistry } from "../model/registry.ts";
import { siteSchema } from "../model/site.ts";
import { registry as fixedRegistry, LIMITS, NOW } from "../test/support/payloads.ts";
import { type Accepted, acceptMessage } from "./accept.ts";

function expectSound(result: Accepted, registry: SiteRegistry, receivedAt: number): void {
  expect(result.accepted.length + result.rejected.length).toBeGreaterThan(0);
  for (const letter of result.rejected) deadLetterSchema.parse(letter);
  for (const reading of result.accepted) {
    readingSchema.parse(reading);
    const found = registry.lookup(reading.building, reading.space, reading.sensor);
    expect(found.found && found.sensor.quantity).toBe(reading.quantity);
    const q = QUANTITIES[reading.quantity];
    expect(reading.v >= q.min && reading.v <= q.max).toBe(true);
    expect(
      reading.t <= receivedAt + LIMITS.maxFutureSkewMs && reading.t >= receivedAt - LIMITS.maxPastAgeMs,
    ).toBe(true);
  }
}

const TOPICS = [
  "telemetry/b1/d1/t",
  "telemetry/b1/d1",
  "telemetry/b1/common/outdoor",
  "telemetry/b1/common",
  "telemetry/b1/d2/heat",
  "telemetry/b9/d1/t",
  "telemetry/b1",
  "other/b1/d1/t",
];
const topicArb = fc.oneof(
  fc.constantFrom(...TOPICS),
  fc.string().map((s) => `telemetry/${s}`),
);

/** Reasons seen (and "accepted") across a property's runs: the generators must reach deep. */
const seen = new Map<string, number>();

function check(topic: string, payload: Buffer | string): void {
  const buffer = typeof payload === "string" ? Buffer.from(payload) : payload;
  let result: Accepted | undefined;
  expect(() => {
    result = acceptMessage(topic, buffer, NOW, fixedRegistry, LIMITS);
  }).not.toThrow();
  expectSound(result!, fixedRegistry, NOW);
  if (result!.accepted.length > 0) seen.set("accepted", (seen.get("accepted") ?? 0) + 1);
  for (const letter of result!.rejected) seen.set(letter.reason, (seen.get(letter.reason) ?? 0) + 1);
}

const RUNS = { numRuns: 400 };

describe("acceptMessage on arbitrary input", () => {
  beforeEach(() => seen.clear());

  it("never throws on arbitrary bytes, and keeps only sound readings", () => {
    const prefixed = fc
      .tuple(
        fc.constantFrom("", "{", "[", "temperature ", "temperature,sensor=t value="),
        fc.uint8Array({ maxLength: 200 }),
      )
      .map(([p, bytes]) => Buffer.concat([Buffer.from(p), bytes]));
    fc.assert(
      fc.property(topicArb, prefixed, (topic, payload) => check(topic, payload)),
      RUNS,
    );
  });

  it("never throws on arbitrary strings", () => {
    fc.assert(
      fc.property(topicArb, fc.string({ unit: "binary", maxLength: 200 }), (topic, text) =>
        check(topic, text),
      ),
      RUNS,
    );
  });

  it("never throws on arbitrary JSON values and near-miss JSON readings", () => {
    const valueArb = fc.oneof(
      fc.jsonValue(),
      fc.double(),
      fc.integer({ min: -2e12, max: 2e12 }).map((n) => n + NOW),
      fc.constantFrom("2024-11-28T13:00:00Z", "Cel", "K"),
    );
    const objectArb = fc.dictionary(fc.constantFrom("t", "v", "u", "x", "__proto__"), valueArb, {
      maxKeys: 4,
    });
    fc.assert(
      fc.property(fc.constantFrom(...TOPICS), fc.oneof(fc.jsonValue(), objectArb), (topic, value) =>
        check(topic, JSON.stringify(value) ?? "null"),
      ),
      RUNS,
    );
  });

  // Sensors of d1 in the fixture site, with their quantity and unit: most generated records
  // name one of them consistently, so many messages are accepted and the rest fail one way.
  const D1 = [
    ["t", "temperature", "Cel"],
    ["rh", "humidity", "%RH"],
    ["co2", "co2", "ppm"],
    ["elec", "electricity", "kWh"],
  ] as const;
  const mostly = <T, J>(arb: fc.Arbitrary<T>, junk: fc.Arbitrary<J>) =>
    fc.oneof({ weight: 15, arbitrary: arb }, { weight: 1, arbitrary: junk });
  /** A topic, and the sensors a payload on it may name: only the topic's own on a sensor's topic. */
  const target = mostly(
    fc.constantFrom(["telemetry/b1/d1/t", [D1[0]]] as const, ["telemetry/b1/d1", D1] as const),
    fc.constantFrom(...TOPICS).map((topic) => [topic, D1] as const),
  );

  it("never throws on SenML packs, mostly valid, with every kind of mistake", () => {
    const record = (sensors: readonly (typeof D1)[number][]) =>
      fc.constantFrom(...sensors).chain(([id, , unit]) =>
        fc
          .record(
            {
              bt: mostly(
                fc.integer({ min: NOW / 1000 - 1e7, max: NOW / 1000 }),
                fc.oneof(fc.double(), fc.jsonValue()),
              ),
              n: mostly(fc.constant(id), fc.constantFrom("x", 1, null)),
              u: mostly(fc.constant(unit), fc.constantFrom("K", 3)),
              v: mostly(fc.double({ min: 0, max: 90, noNaN: true }), fc.oneof(fc.double(), fc.jsonValue())),
              t: mostly(fc.integer({ min: -86_400, max: 0 }), fc.oneof(fc.double(), fc.jsonValue())),
              extra: mostly(
                fc.constant({}),
                fc.dictionary(
                  fc.constantFrom("bn", "bu", "bv", "vs", "vb", "vd", "s", "bs", "bver", "ut", "x_", "foo"),
                  fc.jsonValue(),
                  { maxKeys: 2 },
                ),
              ),
            },
            { requiredKeys: ["v", "extra"] },
          )
          .map(({ extra, ...r }) => ({ ...r, ...extra })),
      );
    const message = target.chain(([topic, sensors]) =>
      fc.tuple(fc.constant(topic), fc.array(record(sensors), { minLength: 1, maxLength: 8 })),
    );
    fc.assert(
      fc.property(message, ([topic, records]) => check(topic, JSON.stringify(records))),
      RUNS,
    );
    expect(seen.get("accepted") ?? 0).toBeGreaterThan(RUNS.numRuns / 4);
  });

  it("never throws on line protocol, mostly valid, with every kind of mistake", () => {
    const number = fc.oneof(
      fc.double({ min: 0, max: 90, noNaN: true }).map(String),
      fc.integer({ min: 0, max: 90 }).map((n) => `${n}i`),
      fc.nat(90).map((n) => `${n}u`),
    );
    const line = (sensors: readonly (typeof D1)[number][], named: boolean) =>
      fc.constantFrom(...sensors).chain(([id, quantity, unit]) =>
        fc
          .record(
            {
              measurement: mostly(
                fc.constant(quantity),
                fc.constantFrom("humidity", "mqtt_consumer", "temp\\ x", ""),
              ),
              building: mostly(fc.constant("b1"), fc.constantFrom("b2", "b\\1", "")),
              space: mostly(fc.constant("d1"), fc.constantFrom("d2", "d\\ 1")),
              sensor: named
                ? mostly(fc.constant(id), fc.constantFrom("x", "t\\", "t=1"))
                : fc.constant(undefined),
              unit: mostly(fc.constant(unit), fc.constantFrom("K", "°C")),
              host: fc.constantFrom("gw\\ 1", "gw\\,1", undefined),
              field: mostly(fc.constantFrom("value", "v"), fc.constantFrom("val", "value,v", "")),
              value: mostly(number, fc.constantFrom("true", '"12"', "1e999", "", "12x")),
              time: mostly(
                fc.oneof(
                  fc.constant(""),
                  fc.integer({ min: NOW - 1e10, max: NOW }).map((ms) => ` ${ms}000000`),
                ),
                fc.constantFrom(" 1732800000", " -1", " 99999999999999999999", " x"),
              ),
            },
            { requiredKeys: ["measurement", "field", "value", "time"] },
          )
          .map(({ measurement, field, value, time, ...tags }) => {
            const tagText = Object.entries(tags)
              .filter(([, v]) => v !== undefined)
              .map(([k, v]) => `,${k}=${v}`)
              .join("");
            return `${measurement}${tagText} ${field}=${value}${time}`;
          }),
      );
    const mutation = mostly(
      fc.constant(undefined),
      fc.tuple(fc.nat(), fc.constantFrom("\\", '"', " ", ",", "=", "\n", "#")),
    );
    const message = target.chain(([topic, sensors]) =>
      fc.tuple(
        fc.constant(topic),
        fc.array(line(sensors, topic.split("/").length === 3), { minLength: 1, maxLength: 6 }),
        mutation,
      ),
    );
    fc.assert(
      fc.property(message, ([topic, lines, change]) => {
        let text = lines.join("\n");
        if (change) {
          const at = change[0] % (text.length + 1);
          text = text.slice(0, at) + change[1] + text.slice(at);
        }
        check(topic, text);
      }),
      RUNS,
    );
    expect(seen.get("accepted") ?? 0).toBeGreaterThan(RUNS.numRuns / 4);
  });

  it("never throws on line-protocol soup", () => {
    const token = fc.constantFrom(
      "temperature",
      "humidity",
      "co2",
      "x",
      ",",
      " ",
      "=",
      "\\",
      '"',
      "value",
      "v",
      "sensor",
      "t",
      "rh",
      "building",
      "b1",
      "space",
      "d1",
      "unit",
      "Cel",
      "1",
      "1.5",
      "-2",
      "i",
      "u",
      "e9",
      ".",
      "\n",
      "\r",
      "#",
      "1732800000000000000",
      "true",
      "é",
    );
    fc.assert(
      fc.property(fc.constantFrom(...TOPICS), fc.array(token, { maxLength: 40 }), (topic, tokens) =>
        check(topic, tokens.join("")),
      ),
      RUNS,
    );
  });
});

// ---------------------------------------------------------------- round trips

/** Ids as model/ids.ts allows them, made of the characters every format must carry. */
const idArb = fc
  .array(
    fc.constantFrom("a", "Z", "7", " ", ",", "=", '"', "'", "\\", "é", "ß", "中", "🍭", "-", ".", ":", "_"),
    {
      minLength: 1,
      maxLength: 12,
    },
  )
  .map((chars) => chars.join(""));

const QUANTITY_NAMES = Object.keys(QUANTITIES) as Quantity[];

interface Case {
  registry: SiteRegistry;
  reading: Reading;
}

const caseArb: fc.Arbitrary<Case> = fc
  .record({
    building: idArb,
    space: fc.oneof(
      idArb.filter((s) => s !== "common"),
      fc.constant("common"),
    ),
    sensors: fc.uniqueArray(idArb, { minLength: QUANTITY_NAMES.length, maxLength: QUANTITY_NAMES.length }),
    which: fc.nat(QUANTITY_NAMES.length - 1),
    fraction: fc.double({ min: 0, max: 1, noNaN: true }),
    special: fc.constantFrom(undefined, "min", "max", "integer", "tiny"),
    t: fc.integer({ min: NOW - LIMITS.maxPastAgeMs, max: NOW + LIMITS.maxFutureSkewMs }),
  })
  .map(({ building, space, sensors, which, fraction, special, t }) => {
    const sensorSpecs = QUANTITY_NAMES.map((quantity, i) => ({ id: sensors[i]!, quantity }));
    const site = siteSchema.parse({
      id: "s",
      name: "Round trip",
      buildings: [
        {
          id: building,
          name: "B",
          dwellings: space === "common" ? [] : [{ id: space, areaM2: 50, sensors: sensorSpecs }],
          common: { sensors: space === "common" ? sensorSpecs : [] },
        },
      ],
    });
    const quantity = QUANTITY_NAMES[which]!;
    const { min, max } = QUANTITIES[quantity];
    let v = min + fraction * (max - min);
    if (special === "min") v = min;
    if (special === "max") v = max;
    if (special === "integer") v = Math.round(v);
    if (special === "tiny") v = Math.max(min, 5e-324);
    v = Math.min(max, Math.max(min, v)) + 0; // + 0 turns -0 into 0, which every format writes as 0
    const reading: Reading = { building, space, sensor: sensors[which]!, quantity, t, v };
    return { registry: new SiteRegistry(site), reading };
  });

function roundTrip(topic: string, payload: string, c: Case): void {
  const result = acceptMessage(topic, Buffer.from(payload), NOW, c.registry, LIMITS);
  expect(result).toEqual({ accepted: [c.reading], rejected: [] });
}

const lpEscape = (s: string) => s.replace(/[\\, =]/g, (ch) => `\\${ch}`);

describe("a valid reading decodes back exactly", () => {
  it("from a JSON object, with t in milliseconds or as an RFC 3339 string", () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), (c, iso) => {
        const { building, space, sensor, t, v } = c.reading;
        const time = iso ? new Date(t).toISOString() : t;
        roundTrip(
          `telemetry/${building}/${space}/${sensor}`,
          JSON.stringify({ t: time, v, u: QUANTITIES[c.reading.quantity].unit }),
          c,
        );
      }),
      RUNS,
    );
  });

  it("from a SenML pack on the sensor's topic", () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const { building, space, sensor, t, v, quantity } = c.reading;
        const pack = [
          { bn: "", bt: Math.floor(t / 1000), bu: QUANTITIES[quantity].unit },
          { t: (t % 1000) / 1000, v },
        ];
        roundTrip(`telemetry/${building}/${space}/${sensor}`, JSON.stringify(pack), c);
      }),
      RUNS,
    );
  });

  it("from a SenML pack on the space's topic, naming the sensor with bn + n", () => {
    fc.assert(
      fc.property(caseArb, fc.nat(), (c, cut) => {
        const { building, space, sensor, t, v } = c.reading;
        const k = cut % (sensor.length + 1);
        const pack = [{ bn: sensor.slice(0, k), n: sensor.slice(k), t: t / 1000, v }];
        roundTrip(`telemetry/${building}/${space}`, JSON.stringify(pack), c);
      }),
      RUNS,
    );
  });

  it("from line protocol with escaped tags, a float or integer field and nanoseconds", () => {
    fc.assert(
      fc.property(caseArb, fc.boolean(), (c, asInteger) => {
        const { building, space, sensor, quantity, t, v } = c.reading;
        const tags = `building=${lpEscape(building)},sensor=${lpEscape(sensor)},space=${lpEscape(space)},unit=${lpEscape(QUANTITIES[quantity].unit)}`;
        const field = asInteger && Number.isSafeInteger(v) ? `${v}i` : String(v);
        roundTrip(
          `telemetry/${building}/${space}`,
          `# from Telegraf\n${quantity},${tags} value=${field} ${t}000000\n`,
          c,
        );
      }),
      RUNS,
    );
  });
});
