// The per-client message rate on the real embedded broker: a client publishing faster than its
// rate is slowed down and loses nothing; another client is not held back by it.
import mqtt from "mqtt";
import { afterEach, describe, expect, it } from "vitest";
import { BUILDING, DWELLINGS, openStack, removeDir } from "../test/support/ingest-stack.ts";
import { createEmbeddedBroker } from "./embedded-broker.ts";

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

describe("per-client message rate", () => {
  it("throttles a flooding client without losing any of its readings", async () => {
    const stack = await openStack();
    cleanups.push(async () => {
      await stack.close();
      removeDir(stack.dir);
    });
    const broker = createEmbeddedBroker(
      { port: 0, clientRate: { perSecond: 200, burst: 50 } },
      { pipeline: stack.pipeline, logger: stack.logger, metrics: stack.metrics },
    );
    await broker.listen();
    cleanups.push(() => broker.close());
    const flood = await mqtt.connectAsync(broker.url, { clientId: "flood", protocolVersion: 4 });
    const quiet = await mqtt.connectAsync(broker.url, { clientId: "quiet", protocolVersion: 4 });
    cleanups.push(async () => {
      await flood.endAsync(true);
      await quiet.endAsync(true);
    });

    const base = Date.now() - 3_600_000;
    const publish = (client: mqtt.MqttClient, n: number, offset: number) =>
      Promise.all(
        Array.from({ length: n }, (_, i) =>
          client.publishAsync(
            `telemetry/${BUILDING}/d${i % DWELLINGS}/t`,
            JSON.stringify({ t: base + offset + i, v: 20 }),
            {
              qos: 1,
            },
          ),
        ),
      );
    await Promise.all([publish(flood, 400, 0), publish(quiet, 20, 1_000_000)]);

    expect(stack.metrics.messagesThrottled).toBeGreaterThanOrEqual(300);
    expect(await stack.writer.flush()).toBe(true);
    const stored = await stack.store.count({
      building: BUILDING,
      quantity: "temperature",
      from: 0,
      to: Date.now(),
    });
    expect(stored).toBe(420);
    expect(await stack.deadLetters.list({ limit: 10 })).toEqual([]);
  });
});
