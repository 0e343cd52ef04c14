// Starts the real Mosquitto on a free loopback port with a temporary config, for service tests.
// Stop and restart keep the same port and persistence folder, so a test can bounce the broker.
import { type ChildProcess, execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "./ports.ts";
import { spawnServer } from "./reaper.ts";

export interface MosquittoOptions {
  /** Keep sessions and queued messages across restart() (persistence true + a temp location). */
  persistence?: boolean;
  /** Anonymous clients allowed; default true, unless users are given. */
  allowAnonymous?: boolean;
  /** user name → password; written with mosquitto_passwd into a password_file. */
  users?: Record<string, string>;
  /** Content of an acl_file (e.g. "user ingest\ntopic read telemetry/#"). */
  acl?: string;
  /** Extra mosquitto.conf lines. */
  extraConfig?: string[];
  /** Take the broker's behaviour (persistence and autosave, queues, packet size, session
   * expiry) from the shipped deploy/mosquitto/mosquitto.conf instead of the test defaults, so a
   * fault test holds what operators run. */
  shippedSettings?: boolean;
}

/** The lines of deploy/mosquitto/mosquitto.conf that set how the broker behaves; listeners,
 * authentication, paths and logging stay the test's. */
export function shippedBrokerSettings(): string[] {
  const kept =
    /^(persistence|autosave_interval|autosave_on_changes|max_queued_messages|max_queued_bytes|max_inflight_messages|max_packet_size|persistent_client_expiration|queue_qos0_messages|upgrade_outgoing_qos|message_size_limit)\s/;
  return shippedLines().filter((line) => kept.test(line));
}

/** The lines of the shipped config that bind sessions to accounts; they need logins, so only
 * tests with accounts take them. */
export function shippedSessionSettings(): string[] {
  return shippedLines().filter((line) => /^use_username_as_clientid\s/.test(line));
}

function shippedLines(): string[] {
  const file = new URL("../../deploy/mosquitto/mosquitto.conf", import.meta.url);
  return readFileSync(file, "utf8")
    .split("\n")
    .map((line) => line.trim());
}

export interface Mosquitto {
  url: string;
  port: number;
  /** The broker's log so far, to explain a failure. */
  log(): string;
  /** Process id of the running broker (benches read its CPU time), undefined when stopped. */
  pid(): number | undefined;
  /** Stops the broker (SIGTERM, so persistence is saved) and removes its folder. Safe twice. */
  stop(): Promise<void>;
  /** Stops (SIGTERM, or `signal`: SIGKILL is a crash, nothing saved) and starts it again on the
   * same port, keeping the persistence folder. */
  restart(signal?: NodeJS.Signals): Promise<void>;
}

const BINARY = "/usr/sbin/mosquitto";

export async function startMosquitto(options: MosquittoOptions = {}): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), "mosquitto-"));
  const port = await freePort();
  const logFile = join(dir, "mosquitto.log");
  const lines = [
    // Running as root, mosquitto would otherwise switch to its own user and lose our temp files.
    "user root",
    `listener ${port} 127.0.0.1`,
    `allow_anonymous ${options.allowAnonymous ?? !options.users}`,
    `log_dest file ${logFile}`,
    "log_type error",
    "log_type warning",
    "log_type notice",
  ];
  if (options.shippedSettings) {
    lines.push(...shippedBrokerSettings(), `persistence_location ${dir}/`);
  } else {
    // Tests publish bursts at QoS 1; the default queue of 1 000 would drop the excess silently.
    lines.push("max_queued_messages 0", "max_inflight_messages 100");
    if (options.persistence) {
      lines.push("persistence true", `persistence_location ${dir}/`, "autosave_interval 1");
    }
  }
  if (options.users) {
    const passwordFile = join(dir, "passwords");
    writeFileSync(passwordFile, "");
    for (const [user, password] of Object.entries(options.users)) {
      execFileSync("mosquitto_passwd", ["-b", passwordFile, user, password]);
    }
    lines.push(`password_file ${passwordFile}`);
  }
  if (options.acl !== undefined) {
    const aclFile = join(dir, "acl");
    writeFileSync(aclFile, `${options.acl}\n`);
    lines.push(`acl_file ${aclFile}`);
  }
  lines.push(...(options.extraConfig ?? []));
  const configFile = join(dir, "mosquitto.conf");
  writeFileSync(configFile, `${lines.join("\n")}\n`);

  let child: ChildProcess | null = null;
  let removed = false;
  const log = () => {
    try {
      return readFileSync(logFile, "utf8");
    } catch {
      return "";
    }
  };

  const start = async () => {
    const proc = spawnServer(BINARY, ["-c", configFile], { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    proc.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    child = proc;
    const deadline = Date.now() + 10_000;
    while (!(await accepts(port))) {
      if (proc.exitCode !== null || Date.now() > deadline) {
        proc.kill("SIGKILL");
        throw new Error(`mosquitto did not start on port ${port}: ${stderr}${log()}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const halt = async (signal: NodeJS.Signals = "SIGTERM") => {
    const proc = child;
    child = null;
    if (!proc || proc.exitCode !== null) return;
    const exited = new Promise<void>((r) => proc.once("exit", () => r()));
    proc.kill(signal);
    const timer = setTimeout(() => proc.kill("SIGKILL"), 5000);
    await exited;
    clearTimeout(timer);
  };

  await start();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    port,
    log,
    pid: () => child?.pid,
    async stop() {
      await halt();
      if (!removed) {
        removed = true;
        rmSync(dir, { recursive: true, force: true });
      }
    },
    async restart(signal) {
      await halt(signal);
      await start();
    },
  };
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
