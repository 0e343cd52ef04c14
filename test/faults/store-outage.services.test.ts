// Fault (b): influxd is stopped for 30 s in the middle of a QoS 1 stream, then started again on
// the same data. Ingest keeps taking messages into its journal (and acknowledging them) while
// the store is down, then drains it: every published reading is stored, once.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { influxdPid, ingestCounter } from "../support/fault-stores.ts";
import { fingerprintOf, planStream, totalOf } from "../support/fault-stream.ts";
import { type FaultFixture, openFixture, settle } from "../support/faults.ts";
import { sleep, waitFor } from "../support/wait.ts";
import { Publisher } from "./publisher.ts";

const SPACES = 50;
const OUTAGE_MS = 30_000;

async function answersPing(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/ping`);
    await res.arrayBuffer();
    return res.status === 204;
  } catch {
    return false;
  }
}

describe("fault: the store is down for 30 s", () => {
  let fx: FaultFixture;
  beforeAll(async () => {
    fx = await openFixture(SPACES);
  });
  afterAll(async () => {
    await fx?.close();
  });

  it("journals while influxd is stopped, then drains: stored = published", async () => {
    const plan = planStream({ spaces: SPACES, readings: 30_000, pack: 10 });
    const published = fingerprintOf(plan.messages);
    const worker = await fx.worker("ingest-outage");
    const counter = (name: string) => ingestCounter(worker.httpPort, name);
    const publisher = new Publisher(plan.messages, {
      url: fx.mosquitto.url,
      clientId: "pub-outage",
      protocolVersion: 5,
      rate: plan.messages.length / 45,
    });
    await publisher.connect();
    const done = publisher.run(120_000);
    done.catch(() => {}); // awaited below

    try {
      await waitFor("15 % of the stream sent", 30_000, () =>
        publisher.sent >= plan.messages.length * 0.15 ? true : undefined,
      );
      process.kill(influxdPid(fx.influx.dataDir), "SIGTERM");
      await waitFor("influxd stopped", 15_000, async () =>
        (await answersPing(fx.influx.url)) ? undefined : true,
      );
      const stopped = Date.now();
      const before = {
        received: await counter("ingest_readings_received_total"),
        stored: await counter("ingest_readings_stored_total"),
      };
      await sleep(OUTAGE_MS - 1000);
      const during = {
        received: await counter("ingest_readings_received_total"),
        stored: await counter("ingest_readings_stored_total"),
        retries: await counter("ingest_store_retries_total"),
        spoolBytes: await counter("ingest_spool_bytes"),
        refused: await counter("ingest_messages_refused_total"),
      };
      await sleep(Math.max(0, OUTAGE_MS - (Date.now() - stopped)));
      await fx.influx.restart();

      // Ingest went on taking (and acknowledging) readings into its journal while the store
      // was down: about 30 s of the stream's ~670 readings/s, none stored meanwhile.
      expect(during.received - before.received).toBeGreaterThan(10_000);
      expect(during.stored - before.stored).toBeLessThanOrEqual(5_000); // at most the batch in flight
      expect(during.retries).toBeGreaterThan(0);
      expect(during.spoolBytes).toBeGreaterThan(0);
      expect(during.refused).toBe(0);
      await done;
    } finally {
      await publisher.close();
    }
    // The writer's backoff is at most 30 s, so the drain may start that late.
    const { stored, diff } = await settle(fx.influx.url, published, 60_000);
    expect(diff, fx.explain()).toEqual([]);
    expect(totalOf(stored)).toBe(30_000);
    expect(await worker.stop("SIGTERM")).toBe(0);
  });
});
