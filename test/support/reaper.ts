// Server processes a test or bench starts die with it: when a worker exits before its teardown
// ran (a failed hook, a timeout, vitest killing its fork), its influxd and mosquitto would
// otherwise outlive it, holding ports, memory and temporary folders. On Linux, util-linux's
// setpriv asks the kernel to SIGKILL the server when its parent dies (PR_SET_PDEATHSIG, kept
// across the exec); an exit handler covers an orderly exit everywhere.
import { type ChildProcess, type SpawnOptions, spawn } from "node:child_process";
import { existsSync } from "node:fs";

const SETPRIV = "/usr/bin/setpriv";
const live = new Set<ChildProcess>();
let installed = false;

/** spawn(command, args, options) for a server that must not outlive this process. */
export function spawnServer(command: string, args: readonly string[], options: SpawnOptions): ChildProcess {
  const child = existsSync(SETPRIV)
    ? spawn(SETPRIV, ["--pdeathsig", "KILL", "--", command, ...args], options)
    : spawn(command, args, options);
  if (!installed) {
    installed = true;
    process.on("exit", () => {
      for (const c of live) c.kill("SIGKILL");
    });
  }
  live.add(child);
  child.once("exit", () => live.delete(child));
  return child;
}
