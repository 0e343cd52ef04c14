// The README's first session, for real: `cli start` as a child process, ready within 15 s,
// simulated data visible in the API, a reading published with mosquitto_pub read back, and a
// clean exit on SIGTERM.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/ports.ts";
import { waitFor } from "../support/wait.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

describe("npm start", () => {
  let child: ChildProcess;
  let dataDir: string;
  let api: string;
  let mqttPort: number;
  let output = "";
  let env: NodeJS.ProcessEnv;
  let headers: Record<string, string>;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), "start-"));
    mqttPort = await freePort();
    const apiPort = await freePort();
    api = `http://127.0.0.1:${apiPort}`;
    env = {
      ...process.env,
      DATA_DIR: dataDir,
      MQTT_PORT: String(mqttPort),
      API_PORT: String(apiPort),
      SIMULATE_INTERVAL_S: "1",
      LOG_LEVEL: "warn",
    };
    // One process (node with tsx's loader), so a kill reaches the app itself.
    child = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", "start"], {
      cwd: ROOT,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (d) => {
      output += d;
    });
    child.stderr?.on("data", (d) => {
      output += d;
    });
  });

  afterAll(() => {
    if (child.exitCode === null) child.kill("SIGKILL");
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("is ready within 15 s and says where everything is", async () => {
    await waitFor(
      "/readyz green",
      15_000,
      async () => ((await fetch(`${api}/readyz`)).status === 200 ? true : undefined),
      { everyMs: 200 },
    );
    expect(output).toContain(`mqtt://127.0.0.1:${mqttPort}`);
    expect(output).toContain(`${api}/docs`);
    expect(output).toContain(dataDir);
    expect(output).toContain("mosquitto_pub");
    // The token command the banner shows, with the same data folder.
    const token = execFileSync(
      join(ROOT, "node_modules/.bin/tsx"),
      ["cli/main.ts", "token", "--role", "admin"],
      { cwd: ROOT, env },
    )
      .toString()
      .trim();
    headers = { authorization: `Bearer ${token}` };
    expect((await fetch(`${api}/buildings`)).status).toBe(401);
  });

  it("serves the simulator's readings", async () => {
    const readings = await waitFor(
      "simulated readings",
      20_000,
      async () => {
        const body = (await (await fetch(`${api}/buildings/b01/latest`, { headers })).json()) as {
          readings: unknown[];
        };
        return body.readings.length >= 20 ? body.readings : undefined;
      },
      { everyMs: 200 },
    );
    expect(readings.length).toBeGreaterThanOrEqual(20);
    const docs = await fetch(`${api}/docs/json`);
    expect(docs.status).toBe(200);
    const metrics = await (await fetch(`${api}/metrics`)).text();
    expect(metrics).toMatch(/^ingest_readings_received_total [1-9]/m);
    expect(metrics).toMatch(/^ingest_readings_stored_total [1-9]/m);
    expect(metrics).toContain("api_request_duration_seconds_bucket");
    expect(metrics).toMatch(/^ingest_store_write_seconds_count [1-9]/m);
    expect(metrics).toMatch(/^ingest_store_batch_readings_sum [1-9]/m);
    // The process's metrics once, under the names Node.js dashboards expect.
    expect(metrics).toMatch(/^process_cpu_seconds_total /m);
    expect(metrics).toMatch(/^nodejs_heap_size_used_bytes /m);
    expect(metrics).not.toMatch(/^api_process_|^api_nodejs_/m);
    const declared = metrics.split("\n").filter((line) => line.startsWith("# TYPE "));
    expect(declared.length).toBe(new Set(declared).size);
  });

  it("stores a reading published with mosquitto_pub, as the README shows", async () => {
    const t = Date.now() - 60_000;
    execFileSync("mosquitto_pub", [
      "-h",
      "127.0.0.1",
      "-p",
      String(mqttPort),
      "-q",
      "1",
      "-t",
      "telemetry/b01/001/temp",
      "-m",
      JSON.stringify({ t, v: 19.5 }),
    ]);
    const found = await waitFor(
      "the published reading",
      10_000,
      async () => {
        const url = `${api}/buildings/b01/series?quantity=temperature&space=001&sensor=temp&every=15m&fn=count&from=${t}&to=${t + 1}`;
        const body = (await (await fetch(url, { headers })).json()) as { points: { value: number }[] };
        return body.points[0]?.value === 1 ? body : undefined;
      },
      { everyMs: 200 },
    );
    expect(found.points).toHaveLength(1);
  });

  it("signs a tenant in from a `token --link` link, once", async () => {
    const link = execFileSync(
      join(ROOT, "node_modules/.bin/tsx"),
      ["cli/main.ts", "token", "--role", "tenant", "--building", "b01", "--dwelling", "001", "--link"],
      { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] },
    )
      .toString()
      .trim();
    const code = new URL(link).searchParams.get("code") ?? "";
    expect(link.startsWith(`${api}/login?code=`)).toBe(true);
    expect(code).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    const shown = await fetch(link);
    expect(shown.status).toBe(200);
    expect(shown.headers.get("set-cookie")).toBeNull();
    const post = () =>
      fetch(`${api}/login`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: `code=${code}`,
      });
    const signedIn = await post();
    const cookie = signedIn.headers.get("set-cookie")?.split(";")[0] ?? "";
    expect(cookie).toMatch(/^cg_session=.+/);
    expect((await fetch(`${api}/tenant`, { headers: { cookie } })).status).toBe(200);
    expect((await post()).status).toBe(401);
  });

  it("shuts down cleanly on SIGTERM", async () => {
    const exit = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
    child.kill("SIGTERM");
    expect(await exit).toBe(0);
    expect(output).not.toMatch(/"level":(50|60)/);
  });
});
