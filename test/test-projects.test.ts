// Each test file is in the project its name says (vitest.config.ts): a `*.test.ts` file is a
// unit test and touches nothing outside memory, nor do the helpers of test/support/ it uses;
// what opens a database, writes files, runs the fastify app, spawns a process or drives a
// browser is named `*.integration.test.ts` (or `*.services.test.ts` when it starts servers).
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const SKIP = new Set(["node_modules", ".git", "dist"]);

function testFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return testFiles(path);
    return entry.name.endsWith(".test.ts") ? [relative(ROOT, path)] : [];
  });
}

/** What a unit test may not do, each with the words that give it away in its source. */
const OUTSIDE_MEMORY: readonly [string, RegExp][] = [
  ["opens SQLite", /better-sqlite3|storage\/sqlite\/|createSqlite\w*\(/],
  ["writes the journal", /ingest\/journal\.ts|createJournal\(/],
  ["runs the fastify app", /\.inject\(|buildApp\(|test\/support\/app/],
  ["writes files", /mkdtemp|writeFileSync|writeFile\(|appendFileSync|rmSync/],
  ["spawns processes", /node:child_process|spawn\(|execFile/],
  ["drives a browser", /playwright|chromium/i],
  ["opens sockets", /node:net|createServer\(|mqtt\.connect|connectAsync\(/],
];

/** A test file's source with that of every helper of test/support/ it reaches. */
function sourceWithHelpers(file: string, seen = new Set<string>()): string {
  if (seen.has(file)) return "";
  seen.add(file);
  const source = readFileSync(join(ROOT, file), "utf8");
  const helpers = ts
    .preProcessFile(source, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => normalize(join(dirname(file), spec)))
    .filter((target) => target.startsWith("test/support/"));
  return [source, ...helpers.map((helper) => sourceWithHelpers(helper, seen))].join("\n");
}

describe("test projects", () => {
  const unit = testFiles().filter((f) => !/\.(integration|services)\.test\.ts$/.test(f));

  it("finds the unit tests", () => {
    expect(unit.length).toBeGreaterThan(40);
  });

  it("keeps unit tests in memory", () => {
    const wrong: string[] = [];
    for (const file of unit) {
      if (file === "test/test-projects.test.ts") continue;
      const source = sourceWithHelpers(file);
      for (const [what, words] of OUTSIDE_MEMORY) {
        if (words.test(source)) wrong.push(`${file} ${what}: name it *.integration.test.ts`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
