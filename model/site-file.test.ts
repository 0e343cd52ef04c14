// The site file's time zone and climate: Paris and temperate by default, any IANA zone in its
// canonical spelling, and an unknown zone refused with the path and a message that helps.
import { describe, expect, it } from "vitest";
import { parseSite, SiteFileError } from "./site-file.ts";

const yaml = (extra: string) => `id: s
name: S
${extra}
buildings:
  - id: b
    name: B
    dwellings: [{ id: d, areaM2: 50, sensors: [] }]
`;

describe("the site file's time zone", () => {
  it("is Europe/Paris and temperate when the file says nothing", () => {
    const site = parseSite(yaml(""), "site.yaml");
    expect(site.timezone).toBe("Europe/Paris");
    expect(site.climate).toBe("temperate");
  });

  it("takes an overseas zone and a tropical climate", () => {
    for (const zone of [
      "America/Guadeloupe",
      "America/Martinique",
      "America/Cayenne",
      "Indian/Reunion",
      "Indian/Mayotte",
    ]) {
      const site = parseSite(yaml(`timezone: ${zone}\nclimate: tropical`), "site.yaml");
      expect(site.timezone).toBe(zone);
      expect(site.climate).toBe("tropical");
    }
    expect(parseSite(yaml("timezone: indian/reunion"), "site.yaml").timezone).toBe("Indian/Reunion");
  });

  it("refuses a zone Intl does not know, naming the file, the field and examples", () => {
    expect(() => parseSite(yaml("timezone: Europe/Lutetia"), "site.yaml")).toThrow(SiteFileError);
    expect(() => parseSite(yaml("timezone: Europe/Lutetia"), "site.yaml")).toThrow(
      /site\.yaml: not a valid site:[\s\S]*unknown time zone "Europe\/Lutetia"[\s\S]*Indian\/Reunion[\s\S]*at timezone/,
    );
    expect(() => parseSite(yaml("climate: equatorial"), "site.yaml")).toThrow(/at climate/);
  });
});
