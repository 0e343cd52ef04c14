// The app as a real child process for fault tests: `cli/main.ts ingest` or `start`, run by
// node with tsx's loader in ONE process (the tsx binary forks a second one, which a SIGKILL of
// the first would orphan), so a SIGKILL kills exactly the app.
import { type ChildProcess, spawn } from "node:child_process";
import { connect } from "node:net";

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

export async function waitFor<T>(
  what: string,
  timeoutMs: number,
  probe: () => Promise<T | undefined> | T | undefined,
  explain: () => string = () => "",
): Promise<T> {
  const end = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < end) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await sleep(100);
  }
  throw new Error(`${what} did not happen within ${timeoutMs} ms (${String(last ?? "")})\n${explain()}`);
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

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
    app.output,
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
