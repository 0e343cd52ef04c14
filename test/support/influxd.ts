// Starts the real influxd (Debian's 1.6.7) for service tests: a temporary folder, a generated
// config on free loopback ports, optional authentication with an admin user; stop() removes it.
import type { ChildProcess } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { quoteIdent, quoteString } from "../../storage/influx/influxql.ts";
import { freePort } from "./ports.ts";
import { spawnServer } from "./reaper.ts";

export const INFLUXD_BINARY = process.env.INFLUXD_BINARY ?? "/usr/bin/influxd";

export interface InfluxdOptions {
  /** Turn on [http] auth-enabled and create this admin user before returning. */
  admin?: { username: string; password: string };
  /** How long to wait for /ping, ms. */
  startTimeoutMs?: number;
  /** Keep the data in this folder (created if missing) across runs instead of a temporary one;
   * stop() leaves it. For benches that build a large data set once. */
  keepIn?: string;
}

export interface RunningInfluxd {
  url: string;
  port: number;
  dataDir: string;
  /** Process id of the running server (benches read its CPU time). */
  pid(): number | undefined;
  /** Kills the server and removes its folder. Safe twice. */
  stop(): Promise<void>;
  /** Kills and starts it again on the same ports with the same data, or with none (`empty`:
   * as a fresh volume or a lost disk would: no database, no users). */
  restart(options?: { empty?: boolean }): Promise<void>;
}

function configText(dir: string, rpcPort: number, httpPort: number, auth: boolean): string {
  // Every listener except HTTP is off, and the RPC port is unique so instances never collide.
  return `reporting-disabled = true
bind-address = "127.0.0.1:${rpcPort}"

[meta]
  dir = "${join(dir, "meta")}"
  logging-enabled = false

[data]
  dir = "${join(dir, "data")}"
  wal-dir = "${join(dir, "wal")}"
  wal-fsync-delay = "0s"
  query-log-enabled = false
  trace-logging-enabled = false

[monitor]
  store-enabled = false

[subscriber]
  enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:${httpPort}"
  auth-enabled = ${auth}
  log-enabled = false
  suppress-write-log = true
  pprof-enabled = false

[logging]
  level = "error"
  suppress-logo = true

[continuous_queries]
  enabled = true
  log-enabled = false
  run-interval = "1s"
`;
}

async function waitForPing(url: string, child: ChildProcess, timeoutMs: number, log: () => string) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`influxd exited with ${child.exitCode}: ${log()}`);
    try {
      const res = await fetch(`${url}/ping`);
      await res.arrayBuffer();
      if (res.status === 204) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`influxd did not answer /ping within ${timeoutMs} ms: ${log()}`);
}

async function kill(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

export async function startInfluxd(options: InfluxdOptions = {}): Promise<RunningInfluxd> {
  const dir = options.keepIn ?? (await mkdtemp(join(tmpdir(), "influxd-")));
  for (const sub of ["meta", "data", "wal"]) await mkdir(join(dir, sub), { recursive: true });
  const rpcPort = await freePort();
  let port = await freePort();
  while (port === rpcPort) port = await freePort();
  const configPath = join(dir, "influxdb.conf");
  await writeFile(configPath, configText(dir, rpcPort, port, options.admin !== undefined));
  const url = `http://127.0.0.1:${port}`;
  const timeout = options.startTimeoutMs ?? 30_000;
  let child: ChildProcess | undefined;
  let stderr = "";

  const launch = async () => {
    stderr = "";
    child = spawnServer(INFLUXD_BINARY, ["run", "-config", configPath], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    child.stderr?.on("data", (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-4000);
    });
    try {
      await waitForPing(url, child, timeout, () => stderr);
    } catch (error) {
      await kill(child);
      throw error;
    }
  };

  try {
    await launch();
    if (options.admin) {
      // With auth on and no user yet, influxd accepts exactly this one statement unauthenticated.
      const q = `CREATE USER ${quoteIdent(options.admin.username)} WITH PASSWORD ${quoteString(options.admin.password)} WITH ALL PRIVILEGES`;
      const res = await fetch(`${url}/query`, { method: "POST", body: new URLSearchParams({ q }) });
      const body = await res.text();
      if (res.status !== 200 || body.includes('"error"'))
        throw new Error(`creating admin user failed: ${body}`);
    }
  } catch (error) {
    if (!options.keepIn) await rm(dir, { recursive: true, force: true });
    throw error;
  }

  let stopped = false;
  return {
    url,
    port,
    dataDir: dir,
    pid: () => child?.pid,
    async stop() {
      if (stopped) return;
      stopped = true;
      await kill(child);
      if (!options.keepIn) await rm(dir, { recursive: true, force: true });
    },
    async restart(restartOptions = {}) {
      if (stopped) throw new Error("influxd was stopped");
      await kill(child);
      if (restartOptions.empty) {
        for (const sub of ["meta", "data", "wal"]) {
          await rm(join(dir, sub), { recursive: true, force: true });
          await mkdir(join(dir, sub), { recursive: true });
        }
      }
      await launch();
    },
  };
}
