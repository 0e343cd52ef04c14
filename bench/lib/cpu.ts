// Where the machine's CPU went during a bench run: each process's user + system seconds from
// /proc/<pid>/stat, and how busy all cores were from /proc/stat. Linux only, as the benches are.
import { readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process so far; 0 once it is gone. */
function cpuSecondsOf(pid: number): number {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return 0;
  }
  // Fields after the command name, which may hold spaces: state is [0], utime [11], stime [12].
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
}

/** Busy and total CPU seconds of all cores since boot. */
function machineSeconds(): { busy: number; total: number } {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const total = cpu.reduce((a, b) => a + b, 0);
  // idle and iowait are the only columns where a core did nothing.
  const idle = (cpu[3] ?? 0) + (cpu[4] ?? 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
}

export interface CpuSplit {
  /** CPU seconds of each named process over the run (in the order given). */
  seconds: Record<string, number>;
  /** Share of all cores' time that was busy over the run, 0..1. */
  machineBusy: number;
}

/** Starts measuring the named processes; `stop()` gives their CPU seconds since. A process that
 * exits before `stop()` must measure itself (its /proc entry is gone). */
export function measureCpu(pids: Record<string, number[]>): { stop(): CpuSplit } {
  const of = () =>
    Object.fromEntries(
      Object.entries(pids).map(([k, ps]) => [k, ps.reduce((s, p) => s + cpuSecondsOf(p), 0)]),
    );
  const before = of();
  const machineBefore = machineSeconds();
  return {
    stop() {
      const after = of();
      const machine = machineSeconds();
      return {
        seconds: Object.fromEntries(Object.keys(pids).map((k) => [k, after[k]! - before[k]!])),
        machineBusy:
          (machine.busy - machineBefore.busy) / Math.max(1e-9, machine.total - machineBefore.total),
      };
    },
  };
}

/** "publishers 0.41 s, mosquitto 0.30 s, …; all cores 97 % busy". */
export function formatCpuSplit(split: CpuSplit): string {
  const parts = Object.entries(split.seconds).map(([k, s]) => `${k} ${s.toFixed(2)} s`);
  return `CPU: ${parts.join(", ")}; all cores ${(split.machineBusy * 100).toFixed(0)}% busy`;
}
