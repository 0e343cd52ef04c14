// `cli import` of a generated file of a few hundred MB, as a child process, its resident memory
// sampled from /proc through the run: it must not grow with the file (bench/import.ts takes a
// multi-GB one and reports the figures).
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeSyntheticHistory } from "../../simulators/synthetic-history.ts";
import { REPO_ROOT } from "../support/cli-process.ts";

const BYTES = 250e6;

function vmRssMiB(pid: number): number {
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
  } catch {
    return 0;
  }
}

describe("importing a large file", () => {
  let dir: string;
  let rows: number;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "import-memory-"));
    const made = await writeSyntheticHistory({
      path: join(dir, "history.csv"),
      bytes: BYTES,
      order: "by-meter",
    });
    rows = made.rows;
    writeFileSync(join(dir, "site.json"), JSON.stringify(made.site));
  }, 60_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("streams it with flat memory and stores every row", async () => {
    const child = spawn(
      process.execPath,
      ["--import", "tsx", "cli/main.ts", "import", join(dir, "history.csv"), "--quiet"],
      {
        cwd: REPO_ROOT,
        env: {
          ...process.env,
          SITE_FILE: join(dir, "site.json"),
          DATA_DIR: join(dir, "data"),
          LOG_LEVEL: "warn",
        },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let out = "";
    child.stdout.on("data", (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on("data", (c: Buffer) => {
      out += c.toString();
    });
    const samples: number[] = [];
    const timer = setInterval(() => {
      const rss = vmRssMiB(child.pid!);
      if (rss > 0) samples.push(rss);
    }, 250);
    const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
    clearInterval(timer);
    expect(code, out).toBe(0);
    expect(out).toContain(`${rows} rows: ${rows} readings stored`);
    expect(samples.length).toBeGreaterThan(20);
    // After the first tenth (modules loaded, caches and heap at their working size), memory
    // holds: the second half of the run peaks no higher than the first, give or take.
    const warm = samples.slice(Math.floor(samples.length / 10));
    const half = Math.floor(warm.length / 2);
    const firstPeak = Math.max(...warm.slice(0, half));
    const secondPeak = Math.max(...warm.slice(half));
    expect(
      secondPeak,
      `resident MiB through the run: ${samples.map((s) => s.toFixed(0)).join(" ")}`,
    ).toBeLessThan(firstPeak + 32);
    expect(Math.max(...samples)).toBeLessThan(320);
  }, 240_000);
});
