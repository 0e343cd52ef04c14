// Shared set-up of the fault tests that run `cli ingest` against Mosquitto and InfluxDB: the
// servers, a temp folder with the site file, ingest workers as child processes (each its own
// client id, DATA_DIR and HTTP port, restartable with the same ones), cleanup, and the final
// "stored = published" wait.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type AppProcess, ingestReady, spawnApp } from "../faults/app.ts";
import { type InfluxAuth, influxFingerprint } from "./fault-stores.ts";
import { differences, type Fingerprint, totalOf, writeSite } from "./fault-stream.ts";
import { type RunningInfluxd, startInfluxd } from "./influxd.ts";
import { type Mosquitto, startMosquitto } from "./mosquitto.ts";
import { freePort } from "./ports.ts";
import { waitFor } from "./wait.ts";

export interface Worker {
  readonly clientId: string;
  readonly httpPort: number;
  app: AppProcess;
  /** SIGKILL (or SIGTERM) and wait for the exit. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
  /** Starts it again with the same client id, DATA_DIR and port; resolves once subscribed. */
  start(): Promise<void>;
}

export interface FaultFixture {
  dir: string;
  influx: RunningInfluxd;
  mosquitto: Mosquitto;
  siteFile: string;
  /** Starts an ingest worker; `env` adds to or overrides its environment. */
  worker(clientId: string, topic?: string, env?: Record<string, string>): Promise<Worker>;
  /** Everything's output, for a failure message. */
  explain(): string;
  close(): Promise<void>;
}

export interface FixtureOptions {
  /** Mosquitto with the shipped deploy/mosquitto/mosquitto.conf behaviour (persistence, autosave,
   * packet size) instead of the test defaults. */
  shippedBroker?: boolean;
  /** influxd with authentication on and this admin user. */
  influxAdmin?: { username: string; password: string };
}

export async function openFixture(spaces: number, options: FixtureOptions = {}): Promise<FaultFixture> {
  const dir = mkdtempSync(join(tmpdir(), "faults-"));
  const influx = await startInfluxd(options.influxAdmin ? { admin: options.influxAdmin } : {});
  const mosquitto = await startMosquitto(
    options.shippedBroker ? { shippedSettings: true } : { persistence: true },
  );
  const siteFile = writeSite(dir, spaces);
  const workers: Worker[] = [];

  return {
    dir,
    influx,
    mosquitto,
    siteFile,
    async worker(clientId, topic = "telemetry/#", extraEnv = {}) {
      const httpPort = await freePort();
      const env: Record<string, string> = {
        STORE: "influx",
        INFLUX_URL: influx.url,
        MQTT_URL: mosquitto.url,
        MQTT_CLIENT_ID: clientId,
        MQTT_TOPIC: topic,
        // One process rolls the daily rollups: the first worker.
        INFLUX_ROLLUP_JOB: String(workers.length === 0),
        DATA_DIR: join(dir, clientId),
        INGEST_HTTP_PORT: String(httpPort),
        SITE_FILE: siteFile,
        ...extraEnv,
      };
      const w: Worker = {
        clientId,
        httpPort,
        app: spawnApp("ingest", env),
        stop: (signal) => w.app.stop(signal),
        async start() {
          if (w.app.pid > 0) await w.app.stop("SIGKILL");
          w.app = spawnApp("ingest", env);
          await ingestReady(w.app, httpPort);
        },
      };
      workers.push(w);
      await ingestReady(w.app, httpPort);
      return w;
    },
    explain() {
      return [
        ...workers.map((w) => `--- ${w.clientId}:\n${w.app.output().slice(-3000)}`),
        `--- mosquitto:\n${mosquitto.log().slice(-3000)}`,
      ].join("\n");
    },
    async close() {
      for (const w of workers) await w.stop("SIGKILL");
      await mosquitto.stop();
      await influx.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Waits until InfluxDB holds as many readings as were published (or `timeoutMs`), then
 * returns the stored fingerprint and its differences from the published one. */
export async function settle(
  influxUrl: string,
  published: Fingerprint,
  timeoutMs: number,
  auth?: InfluxAuth,
): Promise<{ stored: Fingerprint; diff: string[] }> {
  const want = totalOf(published);
  let stored: Fingerprint = new Map();
  await waitFor("stored = published", timeoutMs, async () => {
    stored = await influxFingerprint(influxUrl, "telemetry", auth);
    return totalOf(stored) >= want ? true : undefined;
  }).catch(() => {}); // the differences below say what is missing
  // A last look after the writer's batch delay, so a late extra write would show too.
  await new Promise((r) => setTimeout(r, 500));
  stored = await influxFingerprint(influxUrl, "telemetry", auth);
  return { stored, diff: differences(published, stored) };
}
