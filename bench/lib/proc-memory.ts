// A process's memory as Linux counts it: /proc/<pid>/status, in MiB.
import { readFileSync } from "node:fs";

/** VmRSS (resident now) or VmHWM (the peak so far) of a running process; 0 once it is gone. */
export function statusMiB(pid: number, field: "VmHWM" | "VmRSS"): number {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return 0;
  }
  const line = text.split("\n").find((l) => l.startsWith(`${field}:`));
  return Number(line?.match(/(\d+)/)?.[1] ?? 0) / 1024;
}
