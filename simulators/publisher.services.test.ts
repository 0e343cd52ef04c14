// Publishes into a real aedes broker and counts, in its authorizePublish hook, every reading
// that arrives: each must arrive exactly once, with the simulation's value.
import { createServer, type Server } from "node:net";
import { Aedes } from "aedes";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SiteRegistry } from "../model/registry.ts";
import { freePort } from "../test/support/ports.ts";
import { runBackfill, runLive } from "./publisher.ts";
import { generateReadings } from "./readings.ts";
import { generateSite } from "./site-generator.ts";
import { SiteSimulation } from "./site-simulation.ts";

const site = generateSite({ seed: 8, buildings: 2, dwellingsPerBuilding: 3 });
let broker: Aedes;
let server: Server;
let url: string;
/** topic → t (ms) → values received */
const received = new Map<string, Map<number, number[]>>();
let messages = 0;

function record(topic: string, payload: Buffer): void {
  messages++;
  const body = JSON.parse(payload.toString("utf8")) as unknown;
  const points: { t: number; v: number }[] = [];
  if (Array.isArray(body)) {
    // SenML: base time in seconds in the first record, each record's t relative to it.
    const bt = (body[0] as { bt: number }).bt;
    for (const r of body as { t: number; v: number }[]) points.push({ t: (bt + r.t) * 1000, v: r.v });
  } else {
    points.push(body as { t: number; v: number });
  }
  const byTime = received.get(topic) ?? new Map<number, number[]>();
  received.set(topic, byTime);
  for (const p of points) byTime.set(p.t, [...(byTime.get(p.t) ?? []), p.v]);
}

beforeAll(async () => {
  broker = await Aedes.createBroker({
    authorizePublish: (_client, packet, callback) => {
      record(packet.topic, Buffer.from(packet.payload));
      callback(null);
    },
  });
  server = createServer(broker.handle);
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  url = `mqtt://127.0.0.1:${port}`;
});

afterAll(async () => {
  await new Promise<void>((resolve) => broker.close(() => resolve()));
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

describe("runBackfill", () => {
  it("delivers every reading of the period exactly once, in SenML packs", async () => {
    received.clear();
    messages = 0;
    const from = Date.parse("2025-03-01T00:00:00Z");
    const to = Date.parse("2025-03-04T06:00:00Z");
    const result = await runBackfill({ url, site, seed: 8, from, to, quiet: true, maxInFlight: 20 });
    const expected = [...generateReadings({ site, seed: 8, from, to })];
    expect(result.published).toBe(expected.length);
    expect(result.acknowledged).toBe(expected.length);
    expect(result.messages).toBe(messages);
    // One pack per sensor and UTC day: 4 days touched.
    expect(messages).toBe(4 * new SiteRegistry(site).sensorCount);
    let count = 0;
    for (const r of expected) {
      const values = received.get(`telemetry/${r.building}/${r.space}/${r.sensor}`)?.get(r.t);
      expect(values).toEqual([r.v]);
      count++;
    }
    const total = [...received.values()].reduce(
      (s, m) => s + [...m.values()].reduce((a, v) => a + v.length, 0),
      0,
    );
    expect(total).toBe(count);
  });

  it("splits long series into packs of at most maxReadingsPerMessage", async () => {
    received.clear();
    messages = 0;
    const from = Date.parse("2025-03-10T00:00:00Z");
    const result = await runBackfill({
      url,
      site,
      seed: 8,
      from,
      to: from + 86_400_000,
      quiet: true,
      maxReadingsPerMessage: 10,
    });
    const sensors = new SiteRegistry(site).sensorCount;
    expect(result.published).toBe(96 * sensors);
    expect(messages).toBe(10 * sensors);
  });

  it("says clearly when the broker cannot be reached", async () => {
    const port = await freePort();
    await expect(
      runBackfill({ url: `mqtt://127.0.0.1:${port}`, site, seed: 8, from: 0, to: 1, quiet: true }),
    ).rejects.toMatchObject({ code: "PUBLISH_FAILED" });
  });
});

describe("runLive", () => {
  it("publishes the values of now, the same as a backfill would", async () => {
    received.clear();
    messages = 0;
    let now = Date.parse("2025-03-05T10:07:13.250Z");
    const result = await runLive({
      url,
      site,
      seed: 8,
      ticks: 2,
      intervalS: 0.01,
      now: () => {
        const t = now;
        now += 60_000;
        return t;
      },
      quiet: true,
    });
    const sensors = new SiteRegistry(site).sensorCount;
    expect(result).toEqual({ published: 2 * sensors, acknowledged: 2 * sensors, messages: 2 * sensors });
    const t0 = Date.parse("2025-03-05T10:07:13.250Z");
    for (const r of new SiteSimulation({ site, seed: 8 }).readingsAt(t0)) {
      expect(received.get(`telemetry/${r.building}/${r.space}/${r.sensor}`)?.get(t0)).toEqual([r.v]);
    }
  });
});
