// The dependency direction of docs/ARCHITECTURE.md, enforced: the table under "Dependency
// direction" says which folders each folder may import; every import of the repository's
// TypeScript is read (static and dynamic, by TypeScript's own pre-processor) and checked.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, normalize, relative } from "node:path";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const SKIP = new Set(["node_modules", ".git", "dist", "docs", "examples"]);

function sourceFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (SKIP.has(entry.name)) return [];
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith(".ts") ? [relative(ROOT, path)] : [];
  });
}

/** Test code: the test files, and their helpers, which all live in test/support/. */
function isTestCode(file: string): boolean {
  return file.endsWith(".test.ts") || file.startsWith("test/");
}

/** What runs: the CLI, the benchmarks, the scripts and the dashboards' generator. */
const ENTRY_POINTS = /^(cli\/main|bench\/[^/]+|scripts\/[^/]+|dashboards\/generate)\.ts$/;
/** What ships for other adapters' authors without running: the ports' suites and the
 * reference implementations beside them. */
const SHIPPED_FOR_ADAPTERS = /^storage\/(contract|memory)\//;
const TEST_RUNNERS = new Set(["vitest", "node:test", "@jest/globals", "mocha"]);

/** The table "folder | may import" under "## Dependency direction". */
function declaredLayers(): Map<string, Set<string>> {
  const doc = readFileSync(join(ROOT, "docs/ARCHITECTURE.md"), "utf8");
  const section = doc.split("## Dependency direction")[1]?.split("\n## ")[0] ?? "";
  const layers = new Map<string, Set<string>>();
  for (const line of section.split("\n")) {
    const cells = /^\|\s*([a-z-]+)\s*\|\s*([^|]*)\|$/.exec(line.trim());
    if (!cells || cells[1] === "folder") continue;
    const allowed = cells[2]!.trim() === "—" ? [] : cells[2]!.split(",").map((s) => s.trim());
    layers.set(cells[1]!, new Set(allowed));
  }
  return layers;
}

/** Every specifier a file imports (static and dynamic), as written. */
function specifiersOf(file: string): string[] {
  return ts
    .preProcessFile(readFileSync(join(ROOT, file), "utf8"), true, true)
    .importedFiles.map((f) => f.fileName);
}

/** The repository files a file imports, normalised from the root. */
function importsOf(file: string): string[] {
  return specifiersOf(file)
    .filter((spec) => spec.startsWith("."))
    .map((spec) => normalize(join(dirname(file), spec)));
}

const folderOf = (file: string) => (file.includes("/") ? file.split("/")[0]! : ".");

describe("the dependency direction stated in docs/ARCHITECTURE.md", () => {
  const layers = declaredLayers();
  const files = sourceFiles();
  const production = files.filter((f) => !isTestCode(f) && folderOf(f) !== ".");

  it("is a table that names a handful of folders", () => {
    expect(layers.size).toBeGreaterThan(8);
    expect(layers.get("model")).toEqual(new Set());
  });

  it("declares every folder that holds production code", () => {
    const undeclared = [...new Set(production.map(folderOf))].filter((folder) => !layers.has(folder));
    expect(undeclared).toEqual([]);
  });

  it("is followed by every import of production code", () => {
    const wrong: string[] = [];
    for (const file of production) {
      const from = folderOf(file);
      const allowed = layers.get(from) ?? new Set();
      for (const target of importsOf(file)) {
        const to = folderOf(target);
        if (to === from) continue;
        if (!allowed.has(to)) wrong.push(`${file} imports ${target} (${from} may not import ${to})`);
        else if (isTestCode(target) && from !== "bench") wrong.push(`${file} imports test code ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("keeps test helpers in test/support/: every other file runs or ships for adapters", () => {
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file)) return;
      reached.add(file);
      for (const target of importsOf(file)) visit(target);
    };
    for (const file of production)
      if (ENTRY_POINTS.test(file) || SHIPPED_FOR_ADAPTERS.test(file)) visit(file);
    expect(production.filter((file) => !reached.has(file))).toEqual([]);
  });

  it("has contract suites that take the test runner from their caller", () => {
    const runners = production
      .filter((file) => file.startsWith("storage/contract/"))
      .flatMap((file) =>
        specifiersOf(file)
          .filter((spec) => TEST_RUNNERS.has(spec))
          .map((spec) => `${file} → ${spec}`),
      );
    expect(runners).toEqual([]);
  });

  it("keeps bench/ out of the tests", () => {
    const wrong: string[] = [];
    for (const file of files.filter(isTestCode)) {
      for (const target of importsOf(file)) {
        if (folderOf(target) === "bench") wrong.push(`${file} imports ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it("has no cycle between folders", () => {
    const edges = new Map<string, Set<string>>();
    for (const file of production) {
      for (const target of importsOf(file)) {
        const [from, to] = [folderOf(file), folderOf(target)];
        if (from !== to) edges.set(from, (edges.get(from) ?? new Set()).add(to));
      }
    }
    const cycles: string[] = [];
    const visit = (node: string, path: string[]) => {
      if (path.includes(node)) {
        cycles.push([...path.slice(path.indexOf(node)), node].join(" → "));
        return;
      }
      for (const next of edges.get(node) ?? []) visit(next, [...path, node]);
    };
    for (const node of edges.keys()) visit(node, []);
    expect(cycles).toEqual([]);
  });
});
