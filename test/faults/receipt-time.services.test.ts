// Fault: readings without a device time queued at the broker while ingest was down arrive as
// one burst on its return, within the same millisecond. Each must stay a point of its own: on
// InfluxDB behind Mosquitto (published with mosquitto_pub, as a device's script would), and on
// SQLite behind the embedded broker.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { startTestEmbedded } from "../support/embedded.ts";
import { ingestCounter, sqliteReadings } from "../support/fault-stores.ts";
import { BUILDING, type Fingerprint, SENSOR, writeSite } from "../support/fault-stream.ts";
import { type FaultFixture, openFixture, settle } from "../support/faults.ts";
import { sleep, waitFor } from "../support/wait.ts";

const SPACES = 50;
const PER_SENSOR = 6;
const spaceId = (i: number) => `d${String(i).padStart(3, "0")}`;
const value = (s: number, k: number) => (s * 7 + k) % 40;

/** Runs mosquitto_pub with `input` on its standard input; rejects on a non-zero exit. Not
 * spawnSync: the embedded broker runs in this process and must go on answering. */
function mosquittoPub(args: string[], input: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("mosquitto_pub", args, { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    child.once("error", reject);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else reject(new Error(`mosquitto_pub exited with ${code}: ${stderr}`));
    });
    child.stdin.end(input);
  });
}

/** Six readings per sensor without `t`, each sensor's in one mosquitto_pub -l (one connection,
 * one message per line, back to back). */
async function publishWithoutTime(port: number): Promise<Fingerprint> {
  const published: Fingerprint = new Map();
  for (let s = 0; s < SPACES; s++) {
    const lines = Array.from({ length: PER_SENSOR }, (_, k) => `{"v": ${value(s, k)}}`);
    const topic = `telemetry/${BUILDING}/${spaceId(s)}/${SENSOR}`;
    await mosquittoPub(
      ["-h", "127.0.0.1", "-p", String(port), "-q", "1", "-i", `sensor-${s}`, "-t", topic, "-l"],
      `${lines.join("\n")}\n`,
    );
    published.set(spaceId(s), {
      count: PER_SENSOR,
      sum: lines.reduce((n, _, k) => n + value(s, k), 0),
    });
  }
  return published;
}

describe("fault: a burst of readings without a device time", () => {
  let fx: FaultFixture | undefined;
  afterAll(async () => {
    await fx?.close();
  });

  it("queued at Mosquitto while ingest is down: every one stored on InfluxDB, none overwritten", async () => {
    fx = await openFixture(SPACES);
    const worker = await fx.worker("ingest-receipt");
    expect(await worker.stop("SIGTERM")).toBe(0);
    const published = await publishWithoutTime(fx.mosquitto.port);
    await sleep(1000);
    await worker.start();
    const { stored, diff } = await settle(fx.influx.url, published, 30_000);
    const moved = await ingestCounter(worker.httpPort, "ingest_readings_receipt_time_moved_total");
    console.log(
      JSON.stringify({
        published: SPACES * PER_SENSOR,
        stored: [...stored.values()].reduce((n, e) => n + e.count, 0),
        moved,
      }),
    );
    expect(diff, fx.explain()).toEqual([]);
    expect(await ingestCounter(worker.httpPort, "ingest_readings_timed_at_receipt_total")).toBe(
      SPACES * PER_SENSOR,
    );
    expect(await worker.stop("SIGTERM")).toBe(0);
  });

  it("published in bursts to the embedded broker: every one stored on SQLite", async () => {
    const dir = mkdtempSync(join(tmpdir(), "receipt-sqlite-"));
    try {
      const siteFile = writeSite(dir, SPACES);
      const { stack, config } = await startTestEmbedded(join(dir, "data"), { SITE_FILE: siteFile });
      let stopped = false;
      try {
        const published = await publishWithoutTime(config.MQTT_PORT);
        await waitFor("all stored", 20_000, () =>
          stack.core.metrics.readingsStored >= SPACES * PER_SENSOR ? true : undefined,
        );
        const moved = stack.core.metrics.readingsReceiptTimeMoved;
        console.log(JSON.stringify({ published: SPACES * PER_SENSOR, moved }));
        // The burst did meet in milliseconds: without the clock, these would have overwritten others.
        expect(moved).toBeGreaterThan(0);
        await stack.stop();
        stopped = true;
        const { rows, byKey } = await sqliteReadings(config.SQLITE_PATH);
        expect(rows).toBe(SPACES * PER_SENSOR);
        expect(byKey.size).toBe(SPACES * PER_SENSOR);
        const sums = new Map<string, number>();
        for (const [key, v] of byKey) {
          const space = key.split("|")[0]!;
          sums.set(space, (sums.get(space) ?? 0) + v);
        }
        for (const [space, e] of published) expect(sums.get(space), space).toBe(e.sum);
      } finally {
        if (!stopped) await stack.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
