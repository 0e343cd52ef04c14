// Bundles cli/main.ts and the project's own modules into dist/main.mjs, so production runs plain
// JavaScript with `node dist/main.mjs` instead of loading tsx and compiling TypeScript at start.
//
//   node scripts/build.mjs [--metafile]
//
// Packages stay external (resolved from node_modules at run time, native better-sqlite3
// included); only this repository's TypeScript is bundled. --metafile also writes
// dist/meta.json, esbuild's list of what went into the bundle. Node reads the source map only
// when asked (NODE_OPTIONS=--enable-source-maps): stack traces then name the TypeScript lines,
// at the cost of a few MiB and slower Error.stack, so it is off by default.
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const metafile = process.argv.includes("--metafile");

const result = await build({
  absWorkingDir: root,
  entryPoints: ["cli/main.ts"],
  outfile: "dist/main.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  packages: "external",
  target: "node20",
  sourcemap: true,
  metafile,
  logLevel: "warning",
});
if (metafile) writeFileSync(new URL("../dist/meta.json", import.meta.url), JSON.stringify(result.metafile));
process.stdout.write(`built ${fileURLToPath(new URL("../dist/main.mjs", import.meta.url))}\n`);
