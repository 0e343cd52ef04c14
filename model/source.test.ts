// The site file's sources: field paths, the cross-checks against the rest of the site, and the
// topics each device account may publish to.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { EXAMPLE_SITE } from "../test/support/source-payloads.ts";
import { hashSecret } from "./device-credentials.ts";
import { SiteRegistry } from "./registry.ts";
import { siteSchema } from "./site.ts";
import { loadSiteFile } from "./site-file.ts";
import { parseFieldPath, sourceTopics } from "./source.ts";
import { filtersOverlap, topicMatches } from "./topic-filter.ts";

const HASH = hashSecret("device-secret-0123456");

function site(sources: unknown[], extra: Record<string, unknown> = {}) {
  return siteSchema.safeParse({
    id: "s",
    name: "Site",
    buildings: [
      {
        id: "b1",
        name: "B1",
        dwellings: [
          {
            id: "d1",
            areaM2: 40,
            sensors: [
              { id: "t", quantity: "temperature" },
              { id: "cw", quantity: "cold_water" },
            ],
          },
          { id: "d2", areaM2: 40, sensors: [{ id: "t", quantity: "temperature" }] },
        ],
      },
      {
        id: "b2",
        name: "B2",
        dwellings: [{ id: "d1", areaM2: 40, sensors: [{ id: "t", quantity: "temperature" }] }],
      },
    ],
    sources,
    ...extra,
  });
}

const messages = (result: ReturnType<typeof site>) =>
  result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);

const lora = (
  devEui: string,
  building = "b1",
  space = "d1",
  fields = [{ path: "temperature", sensor: "t", unit: "°C" }],
) => ({
  profile: "chirpstack",
  devEui,
  building,
  space,
  fields,
});

describe("field paths", () => {
  it("reads keys, dots and array indices", () => {
    expect(parseFieldPath("temperature")).toEqual(["temperature"]);
    expect(parseFieldPath("values[0].v")).toEqual(["values", 0, "v"]);
    expect(parseFieldPath("a.b.2")).toEqual(["a", "b", 2]);
    expect(parseFieldPath("m[1][2]")).toEqual(["m", 1, 2]);
    expect(parseFieldPath("a\\.b.c")).toEqual(["a.b", "c"]);
    for (const bad of ["", ".", "a.", ".a", "a..b", "a[x]", "a[1", "a[1]b", "a\\"])
      expect(parseFieldPath(bad)).toBeUndefined();
  });
});

describe("sources in the site file", () => {
  it("loads the example site, with a DevEUI in any case", () => {
    const example = loadSiteFile(EXAMPLE_SITE);
    expect(example.sources.map((s) => s.profile)).toEqual([
      "chirpstack",
      "chirpstack",
      "ttn",
      "zigbee2mqtt",
      "wmbusmeters",
      "wmbusmeters",
      "json",
    ]);
    expect(example.sources[0]).toMatchObject({ devEui: "0004a30b001c0530" });
  });

  it("names the building, space, sensor or unit that does not fit", () => {
    expect(messages(site([lora("0004a30b001c0530", "b9")]))).toEqual([
      'sources.0.building: no building "b9" in the site',
    ]);
    expect(messages(site([lora("0004a30b001c0530", "b1", "d7")]))).toEqual([
      'sources.0.space: no dwelling "d7" in building "b1" (or "common")',
    ]);
    expect(
      messages(site([lora("0004a30b001c0530", "b1", "d2", [{ path: "w", sensor: "cw", unit: "m3" }])])),
    ).toEqual([
      'sources.0.fields.0.sensor: no sensor "cw" in space "d2" of building "b1"; declare it there first',
    ]);
    expect(
      messages(site([lora("0004a30b001c0530", "b1", "d1", [{ path: "w", sensor: "cw", unit: "kWh" }])])),
    ).toEqual([
      'sources.0.fields.0.unit: "kWh" is not a unit of cold_water (sensor "cw"); use one of m3, L, dm3, hL',
    ]);
  });

  it("refuses a device declared twice, a sensor fed twice, a bad DevEUI", () => {
    expect(messages(site([lora("0004a30b001c0530"), lora("0004A30B001C0530")]))).toContain(
      'sources.1: chirpstack devEui "0004a30b001c0530" is declared twice (sources[0])',
    );
    expect(messages(site([lora("0004a30b001c0530"), lora("0004a30b001c0531")])).join()).toMatch(
      /sensor b1\/d1\/t is already fed by sources\[0\]/,
    );
    expect(messages(site([lora("0004a30b001c05")])).join()).toMatch(/16 hexadecimal digits/);
  });

  it("keeps each building's topics its own", () => {
    const z2m = (building: string, friendlyName: string) => ({
      profile: "zigbee2mqtt",
      friendlyName,
      building,
      space: "d1",
      fields: [{ path: "temperature", sensor: "t", unit: "°C" }],
    });
    expect(messages(site([z2m("b1", "salon"), z2m("b2", "salon-b2")])).join()).toMatch(
      /shares topics with .*a zigbee2mqtt base topic per building/,
    );
    expect(messages(site([z2m("b1", "salon"), { ...z2m("b2", "salon"), baseTopic: "z2m-b2" }]))).toEqual([]);
    const json = (building: string, topic: string, id?: string) => ({
      profile: "json",
      topic,
      building,
      space: "d1",
      ...(id && { id, idPath: "device" }),
      fields: [{ path: "t", sensor: "t", unit: "Cel" }],
    });
    expect(
      messages(site([json("b1", "sensors/+/air", "a"), json("b2", "sensors/b2/air", "b")])).join(),
    ).toMatch(/shares topics/);
    expect(messages(site([json("b1", "sensors/air")]))).toEqual([]);
    expect(messages(site([json("b1", "telemetry/b1/d1/t")])).join()).toMatch(/would take in telemetry/);
    expect(messages(site([json("b1", "$SYS/x")])).join()).toMatch(/\$ topics/);
    expect(
      messages(site([json("b1", "zigbee2mqtt/salon"), { ...z2m("b1", "x"), space: "d2" }])).join(),
    ).toMatch(/overlap/);
  });

  it("refuses a device subscription that would show it sources' messages", () => {
    const result = site([lora("0004a30b001c0530")], {
      devices: [{ id: "display", building: "b1", secretHash: HASH, subscribe: ["application/#"] }],
    });
    expect(messages(result).join()).toMatch(/device "display" may not subscribe to application\/#/);
  });

  it("refuses zigbee2mqtt friendly names that read as its other topics", () => {
    for (const friendlyName of ["bridge/x", "salon/set", "a//b", "/a", "a/#"]) {
      const result = site([
        {
          profile: "zigbee2mqtt",
          friendlyName,
          building: "b1",
          space: "d1",
          fields: [{ path: "t", sensor: "t", unit: "C" }],
        },
      ]);
      expect(result.success, friendlyName).toBe(false);
    }
  });
});

describe("device accounts and source topics", () => {
  const example = new SiteRegistry(loadSiteFile(EXAMPLE_SITE));

  it("gives a building's account its sources' topics and no other building's", () => {
    const topics = example.sourceTopicsOf({ building: "acacias" });
    expect(topics).toContain("application/+/device/0004a30b001c0530/event/up");
    expect(topics).toContain("zigbee2mqtt/bridge/#");
    expect(topics).not.toContain("capteurs/cedres/C01/air");
    expect(example.sourceTopicsOf({ building: "cedres" })).toEqual(["capteurs/cedres/C01/air"]);
    expect(example.sourceTopicsOf({ building: "acacias", space: "A02" })).toEqual([
      "v3/+/devices/thermo-a02/up",
      "zigbee2mqtt/acacias/A02/prise-lave-linge",
      "zigbee2mqtt/acacias/A02/prise-lave-linge/availability",
    ]);
  });

  it("never lets an account's topics carry another building's or space's source", () => {
    const scopes: { building: string; space?: string }[] = [
      ...example.buildings.map((b) => ({ building: b.id })),
      ...example.sources.map((s) => ({ building: s.building, space: s.space })),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...scopes), fc.constantFrom(...example.sources), (scope, source) => {
        const outside =
          source.building !== scope.building || (scope.space !== undefined && source.space !== scope.space);
        if (!outside) return;
        for (const granted of example.sourceTopicsOf(scope)) {
          for (const topic of sourceTopics(source)) expect(filtersOverlap(granted, topic)).toBe(false);
        }
      }),
    );
  });
});

describe("topic filters", () => {
  it("overlap when some topic matches both", () => {
    expect(filtersOverlap("a/#", "a")).toBe(true);
    expect(filtersOverlap("a/+/c", "a/b/#")).toBe(true);
    expect(filtersOverlap("a/+", "a/b/c")).toBe(false);
    expect(filtersOverlap("a/b", "a/c")).toBe(false);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom("a", "b"), { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom("a", "b", "+", "#"), { minLength: 1, maxLength: 4 }),
        fc.array(fc.constantFrom("a", "b", "+", "#"), { minLength: 1, maxLength: 4 }),
        (levels, f, g) => {
          const valid = (x: string[]) => !x.slice(0, -1).includes("#");
          if (!valid(f) || !valid(g)) return;
          const topic = levels.join("/");
          if (topicMatches(f.join("/"), topic) && topicMatches(g.join("/"), topic))
            expect(filtersOverlap(f.join("/"), g.join("/"))).toBe(true);
        },
      ),
    );
  });
});
