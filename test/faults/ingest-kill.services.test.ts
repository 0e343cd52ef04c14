// Fault (a): `cli ingest` is SIGKILLed five times during a 100 000-reading QoS 1 stream through
// the real Mosquitto and restarted each time with the same client id and DATA_DIR. The broker
// redelivers what ingest had not acknowledged, the journal replays what it had not stored:
// every published reading is stored, once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ingestCounter } from "../support/fault-stores.ts";
import { fingerprintOf, planStream, totalOf } from "../support/fault-stream.ts";
import { type FaultFixture, openFixture, settle } from "../support/faults.ts";
import { sleep, waitFor } from "../support/wait.ts";
import { Publisher } from "./publisher.ts";

const SPACES = 100;
const KILLS = 5;

describe("fault: SIGKILL of ingest", () => {
  let fx: FaultFixture;
  beforeAll(async () => {
    fx = await openFixture(SPACES);
  });
  afterAll(async () => {
    await fx?.close();
  });

  it(`stores 100 000 readings exactly once across ${KILLS} SIGKILLs and restarts`, async () => {
    const plan = planStream({ spaces: SPACES, readings: 100_000, pack: 25 });
    const published = fingerprintOf(plan.messages);
    const worker = await fx.worker("ingest-kill");
    const publisher = new Publisher(plan.messages, {
      url: fx.mosquitto.url,
      clientId: "pub-kill",
      protocolVersion: 5,
      rate: plan.messages.length / 25,
    });
    await publisher.connect();
    const received: number[] = [];
    const done = publisher.run(90_000);
    done.catch(() => {}); // awaited below; a rejection during the kills must not go unhandled
    try {
      for (let k = 1; k <= KILLS; k++) {
        const at = Math.floor((k * plan.messages.length) / (KILLS + 1));
        await waitFor(`message ${at} sent`, 60_000, () => (publisher.sent >= at ? true : undefined));
        // The kill lands on a working ingest: it has taken readings since its last start.
        received.push(await ingestCounter(worker.httpPort, "ingest_readings_received_total"));
        expect(await worker.stop("SIGKILL")).toBeNull();
        await sleep(200 * k); // down for a while: the broker queues for the session
        await worker.start();
      }
      await done;
    } finally {
      await publisher.close();
    }
    expect(received.every((n) => n > 0)).toBe(true);
    const { stored, diff } = await settle(fx.influx.url, published, 60_000);
    expect(diff, fx.explain()).toEqual([]);
    expect(totalOf(stored)).toBe(100_000);
    expect(await worker.stop("SIGTERM")).toBe(0);
  });
});
