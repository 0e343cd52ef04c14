// Fault (e): `cli start` (embedded aedes broker, SQLite, SIMULATE=false) is SIGKILLed twice
// during a QoS 1 stream from an external mqtt.js device, and restarted on the same DATA_DIR and
// port. The device records every PUBACK; after each restart it publishes again what was not
// acknowledged, as a real device would, and never what was. So a reading acknowledged before a
// kill and lost by ingest would be missing at the end: every reading must be stored, once.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sqliteReadings } from "../support/fault-stores.ts";
import { planStream, writeSite } from "../support/fault-stream.ts";
import { freePort } from "../support/ports.ts";
import { waitFor } from "../support/wait.ts";
import { type AppProcess, spawnApp, tcpAccepts } from "./app.ts";
import { Publisher } from "./publisher.ts";

const SPACES = 40;
const READINGS = 20_000;
const KILLS = 2;

describe("fault: SIGKILL of the embedded broker (cli start)", () => {
  let dir: string;
  let app: AppProcess | undefined;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "faults-start-"));
  });
  afterAll(async () => {
    await app?.stop("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it(`loses no acknowledged reading across ${KILLS} SIGKILLs; stored = published, no duplicates`, async () => {
    const mqttPort = await freePort();
    const apiPort = await freePort();
    const dataDir = join(dir, "data");
    const env = {
      DATA_DIR: dataDir,
      SITE_FILE: writeSite(dir, SPACES),
      SIMULATE: "false",
      STORE: "sqlite",
      MQTT_PORT: String(mqttPort),
      API_PORT: String(apiPort),
    };
    const launch = async () => {
      app = spawnApp("start", env);
      const running = app;
      await waitFor(
        "the embedded broker and the API",
        30_000,
        async () => {
          const res = await fetch(`http://127.0.0.1:${apiPort}/readyz`);
          await res.arrayBuffer();
          return res.ok && (await tcpAccepts(mqttPort)) ? true : undefined;
        },
        { explain: running.output },
      );
    };
    await launch();

    const plan = planStream({ spaces: SPACES, readings: READINGS, pack: 10 });
    const publisher = new Publisher(plan.messages, {
      url: `mqtt://127.0.0.1:${mqttPort}`,
      clientId: "device-embedded",
      protocolVersion: 4, // aedes 1.2 speaks MQTT 3.1.1
      rate: plan.messages.length / 12,
      mode: "manual",
    });
    await publisher.connect();
    const done = publisher.run(90_000);
    done.catch(() => {}); // awaited below
    const ackedBeforeKill: number[] = [];
    try {
      for (let k = 1; k <= KILLS; k++) {
        const at = Math.floor((k * plan.messages.length) / (KILLS + 1));
        await waitFor(`message ${at} sent`, 60_000, () => (publisher.sent >= at ? true : undefined));
        expect(await app!.stop("SIGKILL")).toBeNull();
        await waitFor("the device sees the broker gone", 10_000, () => (publisher.down ? true : undefined));
        ackedBeforeKill.push(publisher.acked.size);
        await launch();
        await publisher.reconnect();
      }
      await done;
    } finally {
      await publisher.close();
    }
    expect(ackedBeforeKill.every((n, i) => n > (i === 0 ? 0 : ackedBeforeKill[i - 1]!))).toBe(true);
    // A clean stop drains the journal into SQLite; then the file is read back whole.
    expect(await app!.stop("SIGTERM"), app!.output()).toBe(0);

    const { rows, byKey } = await sqliteReadings(join(dataDir, "telemetry.db"));
    const missing: string[] = [];
    const wrong: string[] = [];
    for (const m of plan.messages) {
      for (const r of m.readings) {
        const v = byKey.get(`${m.space}|${r.t}`);
        if (v === undefined) missing.push(`message ${m.id} (${m.space}, t=${r.t})`);
        else if (v !== r.v) wrong.push(`message ${m.id} (${m.space}, t=${r.t}): ${v} instead of ${r.v}`);
      }
    }
    expect(missing.slice(0, 20), `${missing.length} missing`).toEqual([]);
    expect(wrong.slice(0, 20)).toEqual([]);
    expect(rows).toBe(READINGS); // nothing else, nothing twice
    expect(byKey.size).toBe(READINGS);
  });
});
