// The README's "A pilot from files": a contractor's year of meter indexes and a Météo-France
// daily file imported with `cli import` as a user runs it, then `cli evaluate` on the proposal,
// on SQLite and on InfluxDB. On InfluxDB the database is missing at first: the import stops
// without refusing anything, and goes on where it stopped once the operator lets the store create it; history older than the raw retention is refused as the retention's until it is lengthened.
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { REPO_ROOT } from "../support/cli-process.ts";
import { type RunningInfluxd, startInfluxd } from "../support/influxd.ts";

const EXAMPLE = join(REPO_ROOT, "examples", "pilot-from-files");
const FILES = [
  join(EXAMPLE, "releves-chauffage-2025-2026.csv"),
  join(EXAMPLE, "Q_69_latest-2025-2026_RR-T-Vent.csv.gz"),
];

const EVALUATE = [
  "evaluate",
  join(EXAMPLE, "proposal.yaml"),
  "--json",
  "--dry-run",
  "--from",
  "2025-07-01",
  "--to",
  "2026-07-01",
];

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(args: string[], env: Record<string, string>): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      join(REPO_ROOT, "node_modules", ".bin", "tsx"),
      ["cli/main.ts", ...args],
      { cwd: REPO_ROOT, env: { ...process.env, ...env, LOG_LEVEL: "warn" }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const code = error ? ((error as { code?: number }).code ?? 1) : 0;
        resolve({ code: typeof code === "number" ? code : 1, stdout, stderr });
      },
    );
  });
}

async function importAndEvaluate(env: Record<string, string>) {
  const imported = await cli(["import", ...FILES], env);
  expect(imported.stderr).toBe("");
  expect(imported.code).toBe(0);
  expect(imported.stdout).toMatch(
    /releves-chauffage-2025-2026\.csv: import #\d+, wide \(windows-1252, delimiter ";", decimal ","\)/,
  );
  expect(imported.stdout).toMatch(
    /48 rows: 17392 readings stored.*; 0 refused; 0 duplicates; skipped 176 empty cells/,
  );
  expect(imported.stdout).toMatch(
    /meteo-france-daily \(utf-8, gzip.*\n {2}1638 rows: 1092 readings stored.*0 refused.*skipped 1092 rows of stations no building names/,
  );
  const evaluated = await cli(EVALUATE, env);
  expect(evaluated.code, evaluated.stderr).toBe(3);
  const { verdict } = JSON.parse(evaluated.stdout);
  expect(verdict).toMatchObject({
    decision: "reject",
    rule: "benefit_upper_bound_below_cost",
    method: "difference_in_differences",
    benefitCentsPerYear: { estimate: 3154, lower: 2574, upper: 3734 },
    costs: { tenantCentsPerYear: 5153 },
  });
  return imported;
}

describe("a pilot built from files alone", () => {
  let dir: string;
  let influxd: RunningInfluxd;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "import-pilot-"));
    influxd = await startInfluxd();
  }, 60_000);
  afterAll(async () => {
    await influxd?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("on SQLite: import, evaluate, and the same files again store nothing twice", async () => {
    const env = { SITE_FILE: join(EXAMPLE, "site.yaml"), DATA_DIR: join(dir, "sqlite") };
    await importAndEvaluate(env);
    const again = await cli(["import", ...FILES], env);
    expect(again.code).toBe(0);
    expect(again.stdout.match(/the same content as import #\d+/g)).toHaveLength(2);
    const count = await cli(EVALUATE, env);
    expect(JSON.parse(count.stdout).verdict.benefitCentsPerYear).toEqual({
      estimate: 3154,
      lower: 2574,
      upper: 3734,
    });
  }, 120_000);

  it("on InfluxDB: a missing database stops the import without blame on the data; the import resumes once the database exists, and old history needs a longer raw retention", async () => {
    const env: Record<string, string> = {
      SITE_FILE: join(EXAMPLE, "site.yaml"),
      DATA_DIR: join(dir, "influx"),
      STORE: "influx",
      INFLUX_URL: influxd.url,
      INFLUX_DATABASE: "pilot",
      INFLUX_CREATE_DATABASE: "false",
    };
    const refused = await cli(["import", "--batch-size", "2000", ...FILES], env);
    expect(refused.code).toBe(6);
    expect(refused.stderr).toMatch(
      /refuses writes .*database not found.*nothing in releves-chauffage-2025-2026\.csv was refused for it/s,
    );
    expect(refused.stderr).toMatch(/run the same import again, it goes on after line 0/);
    // The operator lets the store create its databases, with the default raw retention of 400
    // days: the import goes on after line 0, and the readings older than that are refused as
    // the retention's, not the data's, with what to change.
    env.INFLUX_CREATE_DATABASE = "true";
    const short = await cli(
      ["import", "--batch-size", "2000", "--refused", join(dir, "refused.csv"), ...FILES],
      env,
    );
    expect(short.code).toBe(1);
    expect(short.stdout).toMatch(/resumed after line 0/);
    expect(short.stdout).toMatch(
      /beyond_retention: older than the store keeps raw points .*INFLUX_RAW_RETENTION/,
    );
    const refusedCsv = parse(readFileSync(join(dir, "refused.csv"), "utf8"), {
      delimiter: ";",
    }) as string[][];
    expect(refusedCsv.length).toBeGreaterThan(1);
    expect(refusedCsv.slice(1).every((r) => r[3] === "beyond_retention")).toBe(true);
    // Raw points kept for ever: the same files again store what was refused.
    env.INFLUX_RAW_RETENTION = "INF";
    await importAndEvaluate(env);
  }, 180_000);
});
