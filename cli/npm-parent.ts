// `npm start` puts npm, a shell and tsx between a supervisor and the product: SIGKILL npm's pid
// and the product goes on, orphaned, holding its ports and its data folder. When the process was
// started by an npm script, it finds npm among its ancestors and shuts down cleanly (SIGTERM to
// itself) once npm is gone. Linux only (/proc); elsewhere, and outside npm, it does nothing.
import { readFileSync } from "node:fs";

const CHECK_EVERY_MS = 1000;

/** The parent pid and command line of a process, from /proc; undefined when it is gone. */
function processInfo(pid: number): { ppid: number; cmdline: string[] } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: the fields after it follow ")".
    const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean);
    return { ppid, cmdline };
  } catch {
    return undefined;
  }
}

// npm renames its process ("npm start"), so its command line is one string with spaces.
const isNpm = (cmdline: string[]) => cmdline.some((arg) => /^(\S*\/)?npm(-cli\.js)?(\s|$)/.test(arg));

/** The pid of the npm process this one runs under, if any (a few levels up at most). */
export function npmAncestor(start = process.ppid): number | undefined {
  let pid = start;
  for (let depth = 0; depth < 6 && pid > 1; depth++) {
    const info = processInfo(pid);
    if (info === undefined) return undefined;
    if (isNpm(info.cmdline)) return pid;
    pid = info.ppid;
  }
  return undefined;
}

/** When started by an npm script, sends SIGTERM to this process once npm has exited. */
export function exitWithNpm(): void {
  if (process.platform !== "linux" || process.env.npm_lifecycle_event === undefined) return;
  const npm = npmAncestor();
  if (npm === undefined) return;
  const timer = setInterval(() => {
    const alive = processInfo(npm);
    // A pid reused by another program is not npm any more.
    if (alive !== undefined && isNpm(alive.cmdline)) return;
    clearInterval(timer);
    process.kill(process.pid, "SIGTERM");
  }, CHECK_EVERY_MS);
  timer.unref();
}
