// Runs one `cli` command (ingest, api…) as a child process, as an operator would: settings in
// environment variables, readiness awaited on an HTTP probe, SIGTERM to stop and its exit code.
import { type ChildProcess, spawn } from "node:child_process";
import { fileURLToPath } from "node:url";

/** The repository this file belongs to: where `cli/main.ts` and `node_modules/.bin/tsx` are. */
export const REPO_ROOT = fileURLToPath(new URL("../../", import.meta.url));

export interface CliProcessOptions {
  /** Environment variables added to this process's (PATH, HOME…). */
  env: Record<string, string>;
  /** Checkout to run from; default this repository (a bench may point at a modified copy). */
  root?: string;
  /** Run `node --import tsx [nodeArgs] cli/main.ts` instead of the tsx launcher, so the child's
   * pid is the command's own (for /proc/<pid>/status or --cpu-prof). */
  nodeArgs?: string[];
  /** A built script to run with plain `node [nodeArgs] <entry> <command>` instead of cli/main.ts
   * through tsx: `dist/main.mjs`, the bundle the Docker image runs. */
  entry?: string;
}

export interface CliProcess {
  readonly pid: number;
  readonly child: ChildProcess;
  /** The last few KiB of its stdout and stderr, to explain a failure. */
  output(): string;
  /** Polls `url` until it answers 2xx; throws with the output if the process exits first. */
  waitReady(url: string, timeoutMs?: number): Promise<void>;
  /** SIGTERM, then the exit code (null when killed by a signal); SIGKILL after `graceMs`. */
  stop(graceMs?: number): Promise<number | null>;
}

export function startCli(command: string, options: CliProcessOptions): CliProcess {
  const root = options.root ?? REPO_ROOT;
  const [file, args] = options.entry
    ? [process.execPath, [...(options.nodeArgs ?? []), options.entry, command]]
    : options.nodeArgs
      ? [process.execPath, ["--import", "tsx", ...options.nodeArgs, "cli/main.ts", command]]
      : [`${root}/node_modules/.bin/tsx`, ["cli/main.ts", command]];
  const child = spawn(file, args, {
    cwd: root,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-8_000);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

  return {
    pid: child.pid ?? -1,
    child,
    output: () => output,
    async waitReady(url, timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(
            `${command} exited (${child.exitCode ?? child.signalCode}) before ready:\n${output}`,
          );
        }
        try {
          const res = await fetch(url);
          await res.arrayBuffer();
          if (res.ok) return;
        } catch {
          // not listening yet
        }
        await new Promise((r) => setTimeout(r, 100));
      }
      throw new Error(`${command} not ready at ${url} within ${timeoutMs} ms:\n${output}`);
    },
    async stop(graceMs = 20_000) {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}
