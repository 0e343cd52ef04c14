// `npm start` under a supervisor that kills npm's pid (SIGKILL, as a process manager's stop
// timeout does): the product, two processes below npm, must not stay behind as an orphan.
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { tcpAccepts } from "../faults/app.ts";
import { freePort } from "../support/ports.ts";
import { waitFor } from "../support/wait.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

describe("npm start, npm killed", () => {
  const dataDir = mkdtempSync(join(tmpdir(), "npm-parent-"));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it("the product shuts down by itself once npm is gone", async () => {
    const mqttPort = await freePort();
    const apiPort = await freePort();
    const npm = spawn("npm", ["start"], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATA_DIR: dataDir,
        MQTT_PORT: String(mqttPort),
        API_PORT: String(apiPort),
        SIMULATE: "false",
        LOG_LEVEL: "warn",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    npm.stdout?.on("data", (d) => {
      output += d;
    });
    npm.stderr?.on("data", (d) => {
      output += d;
    });
    try {
      await waitFor(
        "the API answers",
        30_000,
        async () => ((await fetch(`http://127.0.0.1:${apiPort}/healthz`)).ok ? true : undefined),
        { explain: () => output },
      );
      npm.kill("SIGKILL");
      await waitFor(
        "the broker's port freed",
        15_000,
        async () => ((await tcpAccepts(mqttPort)) ? undefined : true),
        { explain: () => output },
      );
      expect(await tcpAccepts(apiPort)).toBe(false);
    } finally {
      if (npm.exitCode === null) npm.kill("SIGKILL");
    }
  });
});
