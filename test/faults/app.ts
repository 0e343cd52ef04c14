// The app as a real child process for fault tests: `cli/main.ts ingest` or `start`, run by
// node with tsx's loader in ONE process (the tsx binary forks a second one, which a SIGKILL of
// the first would orphan), so a SIGKILL kills exactly the app.
import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";
import { waitFor } from "../support/wait.ts";

const ROOT = new URL("../..", import.meta.url).pathname;

export interface AppProcess {
  readonly pid: number;
  /** stdout and stderr so far (the tail), to explain a failure. */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal). */
  readonly exited: Promise<number | null>;
  /** Sends the signal and waits for the exit. */
  stop(signal: NodeJS.Signals): Promise<number | null>;
}

export function spawnApp(command: "ingest" | "start", env: Record<string, string>): AppProcess {
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "cli/main.ts", command], {
    cwd: ROOT,
    env: { ...process.env, LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-20_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    pid: child.pid ?? -1,
    output: () => out,
    exited,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/** `ingest` serves /healthz only once its subscription is granted. */
export async function ingestReady(app: AppProcess, httpPort: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    "ingest /healthz",
    timeoutMs,
    async () => {
      const res = await fetch(`http://127.0.0.1:${httpPort}/healthz`);
      await res.arrayBuffer();
      return res.ok ? true : undefined;
    },
    { explain: app.output },
  );
}

export function tcpAccepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ port, host: "127.0.0.1" });
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
