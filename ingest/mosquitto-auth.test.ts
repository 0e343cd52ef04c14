import { describe, expect, it } from "vitest";
import { hashSecret, verifySecret } from "../model/device-credentials.ts";
import { siteSchema } from "../model/site.ts";
import { deviceTopicFilter, topicMatches } from "./device-access.ts";
import { renderMosquittoAuth } from "./mosquitto-auth.ts";

const HASH = hashSecret("device-secret-0123456");

function site(extra: Record<string, unknown> = {}) {
  return siteSchema.parse({
    id: "s",
    name: "Site",
    buildings: [
      { id: "b1", name: "B1", dwellings: [{ id: "d1", areaM2: 40, sensors: [] }] },
      { id: "Les Acacias", name: "Acacias", dwellings: [{ id: "porte 1", areaM2: 40, sensors: [] }] },
    ],
    devices: [
      { id: "meter-d1", building: "b1", space: "d1", secretHash: HASH },
      { id: "gw acacias", building: "Les Acacias", secretHash: HASH },
    ],
    ...extra,
  });
}

const ingest = { username: "ingest", password: "ingest-secret" };

describe("topic scopes", () => {
  it("builds a device's filter from its building and space", () => {
    expect(deviceTopicFilter({ building: "b1", space: "d1" })).toBe("telemetry/b1/d1/#");
    expect(deviceTopicFilter({ building: "Les Acacias" })).toBe("telemetry/Les Acacias/+/#");
  });

  it("matches topics as MQTT does", () => {
    expect(topicMatches("telemetry/b1/d1/#", "telemetry/b1/d1/t")).toBe(true);
    expect(topicMatches("telemetry/b1/d1/#", "telemetry/b1/d1")).toBe(true);
    expect(topicMatches("telemetry/b1/d1/#", "telemetry/b1/d10/t")).toBe(false);
    expect(topicMatches("telemetry/b1/d1/#", "telemetry/b1/d2/t")).toBe(false);
    expect(topicMatches("telemetry/b1/+/#", "telemetry/b1/common/elec")).toBe(true);
    expect(topicMatches("telemetry/b1/+/#", "telemetry/b1")).toBe(false);
    expect(topicMatches("telemetry/b1/+/#", "telemetry/b2/d1/t")).toBe(false);
    expect(topicMatches("telemetry/b1/+/t", "telemetry/b1/d1/t/x")).toBe(false);
    expect(topicMatches("#", "$SYS/x")).toBe(false);
    expect(topicMatches("+/x", "$SYS/x")).toBe(false);
  });
});

describe("Mosquitto files", () => {
  it("gives each device its site hash and write scope, and ingest read access", async () => {
    const { passwd, acl } = renderMosquittoAuth({ site: site(), ingest });
    const lines = passwd.trim().split("\n");
    expect(lines.slice(0, 2)).toEqual([`meter-d1:${HASH}`, `gw acacias:${HASH}`]);
    const [user, hash] = lines[2]!.split(":");
    expect(user).toBe("ingest");
    expect(await verifySecret("ingest-secret", hash!)).toBe(true);
    expect(acl).toContain("user meter-d1\ntopic write telemetry/b1/d1/#\n");
    expect(acl).toContain("user gw acacias\ntopic write telemetry/Les Acacias/+/#\n");
    expect(acl).toContain("user ingest\ntopic read telemetry/#\ntopic read $share/ingest/telemetry/#\n");
    // Nothing for anonymous clients when the site lists devices and does not allow them.
    expect(acl.split("user ")[0]).not.toMatch(/^topic/m);
  });

  it("lets anonymous clients write only when the site allows them, and adds a demo simulator when asked", () => {
    const { acl } = renderMosquittoAuth({
      site: site({ allowAnonymous: true }),
      ingest,
      simulator: { username: "simulator", password: "sim-secret" },
    });
    expect(acl.split("user ")[0]).toMatch(/^topic write telemetry\/#$/m);
    expect(acl).toContain("user simulator\ntopic write telemetry/#\n");
  });

  it("refuses service accounts the files cannot carry or that collide with a device", () => {
    for (const username of ["in:gest", " ingest", "ingest ", "#ingest", "", "meter-d1"]) {
      expect(() => renderMosquittoAuth({ site: site(), ingest: { username, password: "x" } })).toThrow(
        expect.objectContaining({ code: "MQTT_AUTH_INVALID" }),
      );
    }
    expect(() =>
      renderMosquittoAuth({ site: site(), ingest, simulator: { username: "ingest", password: "y" } }),
    ).toThrow(/rename one/);
    expect(() => renderMosquittoAuth({ site: site(), ingest: { username: "ingest", password: "" } })).toThrow(
      /empty password/,
    );
  });
});

describe("device accounts in the site file", () => {
  it("refuses devices of unknown buildings or spaces, duplicate ids, and ids Mosquitto cannot carry", () => {
    const bad = (devices: unknown[]) => {
      const result = siteSchema.safeParse({ ...site(), devices });
      return result.success ? [] : result.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    };
    expect(bad([{ id: "x", building: "nowhere", secretHash: HASH }])).toEqual([
      'devices.0.building: no building "nowhere" in the site',
    ]);
    expect(bad([{ id: "x", building: "b1", space: "d9", secretHash: HASH }])[0]).toMatch(/no dwelling "d9"/);
    expect(bad([{ id: "x", building: "b1", space: "common", secretHash: HASH }])).toEqual([]);
    expect(bad([{ id: "a:b", building: "b1", secretHash: HASH }])[0]).toMatch(/':'/);
    expect(bad([{ id: " a", building: "b1", secretHash: HASH }])[0]).toMatch(/blank/);
    expect(bad([{ id: "a/b", building: "b1", secretHash: HASH }])[0]).toMatch(/'\/'/);
    expect(bad([{ id: "x", building: "b1", secretHash: "plain secret" }])[0]).toMatch(/mqtt-auth hash/);
    expect(
      bad([
        { id: "x", building: "b1", secretHash: HASH },
        { id: "x", building: "b1", secretHash: HASH },
      ])[0],
    ).toMatch(/unique/);
  });
});
