// What storage/ may depend on: the ports, adapters, memory implementations and contract suites
// import only storage/, domain/ and model/ (and packages), never api/, imports/, rules/ or
// the rest; and the suites import no test runner, so another adapter's runner can run them.
// Tests and their support files are not held to it.
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const root = resolve(import.meta.dirname, "..");
const storage = join(root, "storage");

const isTestCode = (file: string) =>
  file.endsWith(".test.ts") || file.endsWith("test-support.ts") || file === "contract/vitest.ts";

const sources = (readdirSync(storage, { recursive: true }) as string[])
  .filter((file) => file.endsWith(".ts") && !isTestCode(file))
  .sort();

/** What a file imports: relative imports as paths from the project root, packages as named. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(storage, file), "utf8");
  const specifiers = [...text.matchAll(/^(?:import|export)\b[^;]*?from\s+"([^"]+)"/gms)].map((m) => m[1]!);
  return specifiers.map((s) =>
    s.startsWith(".") ? relative(root, resolve(dirname(join(storage, file)), s)) : s,
  );
}

describe("storage/'s dependencies", () => {
  it("finds the files it checks", () => {
    expect(sources).toContain("telemetry-store.ts");
    expect(sources).toContain("contract/telemetry-store.contract.ts");
    expect(sources).toContain("memory/telemetry-store.ts");
  });

  it("imports only storage/, domain/ and model/ from this project", () => {
    const outside = sources.flatMap((file) =>
      importsOf(file)
        .filter((to) => !to.startsWith("node:") && to.includes("/") && to.endsWith(".ts"))
        .filter((to) => !/^(storage|domain|model)\//.test(to))
        .map((to) => `${file} → ${to}`),
    );
    expect(outside).toEqual([]);
  });

  it("has contract suites that import no test runner", () => {
    const runners = sources
      .filter((file) => file.startsWith("contract/"))
      .flatMap((file) =>
        importsOf(file)
          .filter((to) => /^(vitest|node:test|@jest\/globals|mocha)$/.test(to))
          .map((to) => `${file} → ${to}`),
      );
    expect(runners).toEqual([]);
  });
});
