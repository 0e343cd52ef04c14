// Fault (c): Mosquitto (persistence on) is restarted twice in the middle of a QoS 1 stream.
// The publisher resends what the broker had not acknowledged; the broker keeps, on disk, what
// it had acknowledged but not yet delivered to ingest's persistent session; ingest reconnects
// by itself. Every published reading is stored, once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestCounter } from "../support/fault-stores.ts";
import { fingerprintOf, planStream, totalOf } from "../support/fault-stream.ts";
import { type FaultFixture, openFixture, settle } from "../support/faults.ts";
import { sleep, waitFor } from "../support/wait.ts";
import { Publisher } from "./publisher.ts";

const SPACES = 50;
const RESTARTS = 2;

describe("fault: Mosquitto restarts", () => {
  let fx: FaultFixture;
  beforeAll(async () => {
    fx = await openFixture(SPACES);
  });
  afterAll(async () => {
    await fx?.close();
  });

  it(`stores every reading once across ${RESTARTS} broker restarts`, async () => {
    const plan = planStream({ spaces: SPACES, readings: 40_000, pack: 10 });
    const published = fingerprintOf(plan.messages);
    const worker = await fx.worker("ingest-broker");
    const publisher = new Publisher(plan.messages, {
      url: fx.mosquitto.url,
      clientId: "pub-broker",
      protocolVersion: 5,
      rate: plan.messages.length / 20,
    });
    await publisher.connect();
    const done = publisher.run(90_000);
    done.catch(() => {}); // awaited below
    try {
      for (let k = 1; k <= RESTARTS; k++) {
        const at = Math.floor((k * plan.messages.length) / (RESTARTS + 1));
        await waitFor(`message ${at} sent`, 60_000, () => (publisher.sent >= at ? true : undefined));
        await fx.mosquitto.restart();
        await sleep(500);
      }
      await done;
    } finally {
      await publisher.close();
    }
    // Both clients really lost their connection and came back.
    expect(publisher.connects).toBeGreaterThanOrEqual(RESTARTS + 1);
    await waitFor("ingest reconnected", 10_000, async () =>
      (await ingestCounter(worker.httpPort, "ingest_mqtt_connected")) === 1 ? true : undefined,
    );
    const { stored, diff } = await settle(fx.influx.url, published, 60_000);
    expect(diff, fx.explain()).toEqual([]);
    expect(totalOf(stored)).toBe(40_000);
    expect(await worker.stop("SIGTERM")).toBe(0);
  });
});
