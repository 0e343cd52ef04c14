import pino from "pino";
import { describe, expect, it } from "vitest";
import { hashSecret } from "../model/device-credentials.ts";
import { SiteRegistry } from "../model/registry.ts";
import { siteSchema } from "../model/site.ts";
import { createDeviceAccess, type DeviceAccess, filterCovers } from "./device-access.ts";
import type { Journal } from "./journal.ts";
import { createIngestMetrics } from "./metrics.ts";

function access(extra: Record<string, unknown> = {}): DeviceAccess {
  const registry = new SiteRegistry(
    siteSchema.parse({
      id: "s",
      name: "Site",
      buildings: [{ id: "b1", name: "B1", dwellings: [{ id: "d1", areaM2: 40, sensors: [] }] }],
      devices: [{ id: "meter-d1", building: "b1", space: "d1", secretHash: hashSecret("meter-secret") }],
      ...extra,
    }),
  );
  // Logins and scopes never touch the journal; refuse() is covered by the service test.
  const journal = {} as Journal;
  return createDeviceAccess({
    registry,
    journal,
    metrics: createIngestMetrics(),
    logger: pino({ level: "silent" }),
  });
}

describe("filterCovers", () => {
  it("covers what a granted filter matches, and nothing wider", () => {
    expect(filterCovers("commands/b1/#", "commands/b1/d1")).toBe(true);
    expect(filterCovers("commands/b1/#", "commands/b1/+/x")).toBe(true);
    expect(filterCovers("commands/+/x", "commands/d1/x")).toBe(true);
    expect(filterCovers("commands/+/x", "commands/+/x")).toBe(true);
    expect(filterCovers("commands/d1", "commands/+")).toBe(false);
    expect(filterCovers("commands/b1/#", "commands/#")).toBe(false);
    expect(filterCovers("commands/b1", "commands/b1/d1")).toBe(false);
  });
});

describe("device access", () => {
  it("logs devices in by their secret and refuses anonymous clients when the site lists devices", async () => {
    const a = access();
    expect(await a.login("meter-d1", Buffer.from("meter-secret"))).toMatchObject({ ok: true });
    expect(await a.login("meter-d1", Buffer.from("wrong"))).toEqual({ ok: false, reason: "bad_credentials" });
    expect(await a.login("ghost", Buffer.from("meter-secret"))).toEqual({
      ok: false,
      reason: "bad_credentials",
    });
    expect(await a.login(undefined, undefined)).toEqual({ ok: false, reason: "anonymous_refused" });
    expect(await access({ allowAnonymous: true }).login(undefined, undefined)).toEqual({
      ok: true,
      identity: { kind: "anonymous" },
    });
  });

  it("scopes a device's publishes and keeps it from reading telemetry", async () => {
    const a = access();
    const login = await a.login("meter-d1", Buffer.from("meter-secret"));
    const me = login.ok ? login.identity : undefined;
    expect(a.mayPublish(me, "telemetry/b1/d1/t")).toBe(true);
    expect(a.mayPublish(me, "telemetry/b1/d2/t")).toBe(false);
    expect(a.mayPublish(undefined, "telemetry/b1/d1/t")).toBe(false);
    expect(
      ["telemetry/#", "#", "+/b1/#", "$share/g/telemetry/#", "commands/d1", "$SYS/#"].map((f) =>
        a.maySubscribe(me, f),
      ),
    ).toEqual([false, false, false, false, false, false]);
  });
});
