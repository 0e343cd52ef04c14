// The committed example (examples/pilot-from-files/) is exactly what the generator writes, and
// its files carry the verdict its README states: their readings, written straight into SQLite
// as the importer is specified to write them, evaluated by the guard as `cli evaluate` does.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { pino } from "pino";
import { beforeAll, describe, expect, it } from "vitest";
import { loadProposalFile } from "../guard/proposal-file.ts";
import { createGuardService } from "../guard/service.ts";
import { SiteRegistry } from "../model/registry.ts";
import { loadSiteFile } from "../model/site-file.ts";
import { createMemoryDecisionStore } from "../storage/memory/decision-store.ts";
import { createMemoryTelemetryStore } from "../storage/memory/telemetry-store.ts";
import {
  makePilotFiles,
  PILOT_FILE_NAMES,
  PILOT_FILES,
  type PilotFiles,
  pilotFilesTruth,
  storePilotFiles,
} from "./pilot-from-files.ts";

/**
 * The verdict the example gives, found without the importer: the files' readings written
 * straight into SQLite (in memory), then the guard as `cli evaluate` runs it on the pilot year.
 */
async function pilotFilesVerdict(now = new Date("2026-07-02T08:00:00Z")) {
  const made = await makePilotFiles();
  const telemetry = createMemoryTelemetryStore({ timeZone: made.site.timezone });
  const decisions = createMemoryDecisionStore();
  await telemetry.connect();
  await decisions.connect();
  try {
    const readings = await storePilotFiles(telemetry, made);
    const guard = createGuardService({
      telemetry,
      registry: new SiteRegistry(made.site),
      decisions,
      logger: pino({ level: "silent" }),
      clock: () => now,
    });
    const assessment = await guard.assess(made.proposal, { window: PILOT_FILES.window });
    return { ...assessment, readings, made };
  } finally {
    await telemetry.close();
    await decisions.close();
  }
}

const FOLDER = join(import.meta.dirname, "..", "examples", "pilot-from-files");
let made: PilotFiles;
beforeAll(async () => {
  made = await makePilotFiles();
});

describe("examples/pilot-from-files", () => {
  it("holds exactly what scripts/make-pilot-from-files.ts writes (npm run example:pilot-from-files)", () => {
    for (const [name, bytes] of made.files) {
      const committed = readFileSync(join(FOLDER, name));
      // A gzip stream's bytes depend on the zlib build; what it holds does not.
      if (name.endsWith(".gz")) expect(gunzipSync(committed).equals(made.weatherCsv), name).toBe(true);
      else expect(committed.equals(bytes), `${name} differs: regenerate the example`).toBe(true);
    }
    const total = [...made.files.keys()].reduce((n, name) => n + readFileSync(join(FOLDER, name)).length, 0);
    expect(total).toBeLessThan(500_000);
  });

  it("its site and proposal files load as the generator's", () => {
    expect(loadSiteFile(join(FOLDER, PILOT_FILE_NAMES.site))).toEqual(made.site);
    expect(loadProposalFile(join(FOLDER, PILOT_FILE_NAMES.proposal))).toEqual(made.proposal);
  });

  it("writes what a French contractor sends: Windows-1252, ';', decimal comma, CRLF, meters by number", () => {
    const bytes = made.files.get(PILOT_FILE_NAMES.meters)!;
    const header = bytes.subarray(0, bytes.indexOf("\r\n"));
    expect(header.subarray(0, 15).toString("latin1")).toBe("N° compteur;Emp");
    expect(header[1]).toBe(0xb0);
    const text = bytes.toString("latin1");
    const rows = text.split("\r\n").filter(Boolean);
    expect(rows).toHaveLength(1 + PILOT_FILES.dwellings);
    expect(rows[0]!.split(";").slice(0, 5)).toEqual([
      "N° compteur",
      "Emplacement",
      "Unité",
      "30/06/2025",
      "01/07/2025",
    ]);
    expect(rows[0]!.split(";")).toHaveLength(3 + 366);
    expect(rows[1]).toMatch(/^HC-2019-0\d{5};Bât\. unique, T\d, [^;]+;kWh;\d+,\d;/);
  });

  it("the weather file has the building's station among others, every day of the pilot year", () => {
    const lines = made.weatherCsv.toString("utf8").trimEnd().split("\n");
    const stations = new Set(lines.slice(1).map((l) => l.slice(0, 8)));
    expect(stations).toEqual(new Set(["69029001", "69299001", "69255001"]));
    const bron = lines.filter((l) => l.startsWith("69029001;"));
    expect(bron.some((l) => l.includes(";20250701;"))).toBe(true);
    expect(bron.some((l) => l.includes(";20260630;"))).toBe(true);
  });

  it("gives the verdict its README states: rejected, the measured benefit's upper bound below the cost", async () => {
    const { verdict, evidence, readings } = await pilotFilesVerdict();
    expect(readings).toBe(18_484);
    expect(verdict.decision).toBe("reject");
    expect(verdict.rule).toBe("benefit_upper_bound_below_cost");
    expect(verdict.method).toBe("difference_in_differences");
    expect(verdict.benefitCentsPerYear).toEqual({ estimate: 3154, lower: 2574, upper: 3734 });
    expect(verdict.costs.tenantCentsPerYear).toBe(5153);
    const claim = verdict.claims[0]!;
    expect(claim.fit).toMatchObject({ nTreated: 24, nControl: 24 });
    const saving = claim.savingPerDwellingPerYear!;
    expect(Math.round(saving.estimate)).toBe(307);
    // The truth, 4 % of a treated flat's heating, is inside the interval; the vendor's 15 % is far
    // above it, and would have paid for the subscription twice over.
    const truth = pilotFilesTruth(made.site, made.groups);
    const trueSaving = -PILOT_FILES.trueEffect * truth.yearWithoutDeviceKWh;
    expect(trueSaving).toBeGreaterThan(saving.lower);
    expect(trueSaving).toBeLessThan(saving.upper);
    const claimed = PILOT_FILES.vendorClaim * truth.yearWithoutDeviceKWh;
    expect(claimed).toBeGreaterThan(2.5 * saving.upper);
    expect(claimed * 10.28).toBeGreaterThan(2 * verdict.costs.tenantCentsPerYear);
    // Daily weather only (TN, TX): no hourly mean.
    expect(evidence.outdoor.every((o) => o.tmean === undefined)).toBe(true);
    expect(evidence.days).toHaveLength(365);
  });
});
