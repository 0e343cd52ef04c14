// Fault: ingest is stopped, devices go on publishing at QoS 1 and Mosquitto acknowledges; then
// Mosquitto is SIGKILLed (a crash: no save on the way out) and started again. With the shipped
// settings (deploy/mosquitto/mosquitto.conf: a snapshot after every `autosave_interval` queued
// messages) what it had acknowledged survives, but for at most that many of the last messages.
// The old time-based autosave (every 30 s) lost all of them.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fingerprintOf, planStream, totalOf } from "../support/fault-stream.ts";
import { type FaultFixture, openFixture, settle } from "../support/faults.ts";
import { shippedBrokerSettings } from "../support/mosquitto.ts";
import { Publisher } from "./publisher.ts";

const SPACES = 50;
const READINGS = 30_000;

/** The shipped snapshot rule: after how many queued messages Mosquitto saves. */
function changesPerSnapshot(): number {
  const settings = shippedBrokerSettings();
  expect(settings, "the shipped config saves on changes").toContain("autosave_on_changes true");
  const line = settings.find((l) => l.startsWith("autosave_interval "));
  return Number(line?.split(/\s+/)[1]);
}

describe("fault: Mosquitto crashes while it holds ingest's backlog", () => {
  let fx: FaultFixture;
  beforeAll(async () => {
    fx = await openFixture(SPACES, { shippedBroker: true });
  });
  afterAll(async () => {
    await fx?.close();
  });

  it("keeps what it acknowledged but for the last snapshot's window", async () => {
    const window = changesPerSnapshot();
    const plan = planStream({ spaces: SPACES, readings: READINGS, pack: 1 });
    const worker = await fx.worker("ingest-crash");
    expect(await worker.stop("SIGTERM")).toBe(0); // its session stays: the broker queues for it
    const publisher = new Publisher(plan.messages, {
      url: fx.mosquitto.url,
      clientId: "pub-crash",
      protocolVersion: 5,
      rate: 5_000,
      window: 100,
    });
    await publisher.connect();
    try {
      await publisher.run(120_000);
    } finally {
      await publisher.close();
    }
    expect(publisher.acked.size).toBe(READINGS);
    await fx.mosquitto.restart("SIGKILL");
    await worker.start();
    const published = fingerprintOf(plan.messages);
    const { stored } = await settle(fx.influx.url, published, 30_000);
    const lost = READINGS - totalOf(stored);
    console.log(
      JSON.stringify({
        published: READINGS,
        acknowledged: publisher.acked.size,
        stored: totalOf(stored),
        lost,
        window,
      }),
    );
    expect(lost).toBeGreaterThanOrEqual(0);
    expect(lost, fx.explain()).toBeLessThan(window);
    expect(await worker.stop("SIGTERM")).toBe(0);
  });
});
