// Who may publish a source's topics: the embedded broker's scope check and the Mosquitto ACL
// lines `cli mqtt-auth` writes, from the example site.
import pino from "pino";
import { describe, expect, it } from "vitest";
import { cedresAir, chirpstackUp, exampleRegistry, zigbeeState } from "../test/support/source-payloads.ts";
import { createDeviceAccess, type Identity } from "./device-access.ts";
import { createJournal } from "./journal.ts";
import { createIngestMetrics } from "./metrics.ts";
import { renderMosquittoAuth } from "./mosquitto-auth.ts";
import { sourceSubscriptionTopics } from "./mqtt-subscriber.ts";

const registry = exampleRegistry();
const device = (id: string): Identity => ({ kind: "device", device: registry.device(id)! });

describe("source topics and device accounts", () => {
  const logger = pino({ level: "silent" });
  const metrics = createIngestMetrics();
  const access = createDeviceAccess({
    registry,
    journal: createJournal({ dir: "/nonexistent" }, { logger, metrics }),
    metrics,
    logger,
  });

  it("lets a building's integration publish its sources, not another building's", () => {
    const lora = chirpstackUp(0, {}).topic;
    expect(access.mayPublish(device("chirpstack-acacias"), lora)).toBe(true);
    expect(access.mayPublish(device("z2m-acacias"), zigbeeState(0, {}).topic)).toBe(true);
    expect(access.mayPublish(device("z2m-acacias"), "zigbee2mqtt/bridge/state")).toBe(true);
    expect(access.mayPublish(device("gw-cedres"), lora)).toBe(false);
    expect(access.mayPublish(device("gw-cedres"), zigbeeState(0, {}).topic)).toBe(false);
    expect(access.mayPublish(device("chirpstack-acacias"), cedresAir(0, 0, 0).topic)).toBe(false);
    expect(access.mayPublish(device("gw-cedres"), cedresAir(0, 0, 0).topic)).toBe(true);
    // an undeclared device's topic is nobody's
    expect(
      access.mayPublish(device("chirpstack-acacias"), "application/x/device/ffffffffffffffff/event/up"),
    ).toBe(false);
  });

  it("writes the same scopes into Mosquitto's ACL, and ingest's read lines for every profile", () => {
    const { acl } = renderMosquittoAuth({
      site: registry.site,
      ingest: { username: "ingest", password: "ingest-secret" },
      iterations: 1,
    });
    const section = (user: string) => acl.split("\n\n").find((s) => s.includes(`user ${user}\n`)) ?? "";
    expect(section("ingest")).toContain("topic read application/+/device/+/event/up");
    expect(section("ingest")).toContain("topic read $share/ingest/zigbee2mqtt/#");
    expect(section("ingest")).toContain("topic read capteurs/cedres/C01/air");
    expect(section("chirpstack-acacias")).toContain(
      "topic write application/+/device/0004a30b001c0530/event/up",
    );
    expect(section("chirpstack-acacias")).not.toContain("capteurs/");
    expect(section("gw-cedres").trim().split("\n")).toEqual([
      "user gw-cedres",
      "topic write telemetry/cedres/+/#",
      "topic write capteurs/cedres/C01/air",
    ]);
  });

  it("subscribes to the sources in the shared form when telemetry is shared", () => {
    expect(sourceSubscriptionTopics("telemetry/#", [{ filter: "v3/+/devices/+/up" }])).toEqual([
      "v3/+/devices/+/up",
    ]);
    expect(sourceSubscriptionTopics("$share/ingest/telemetry/#", [{ filter: "zigbee2mqtt/#" }])).toEqual([
      "$share/ingest/zigbee2mqtt/#",
    ]);
  });
});
