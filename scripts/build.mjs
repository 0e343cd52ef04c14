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
import { rmSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("..", import.meta.url));
const metafile = process.argv.includes("--metafile");

// Chunk names carry a content hash: stale ones from an earlier build would pile up.
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
const result = await build({
  absWorkingDir: root,
  entryPoints: ["cli/main.ts"],
  outdir: "dist",
  outExtension: { ".js": ".mjs" },
  bundle: true,
  // Each command is a dynamic import: as chunks, a command loads only its own code, and modules
  // stay plain ES modules. In one file, esbuild wraps every lazily loaded module in an init
  // function (its top-level consts become reassigned vars) and node parses everything at start:
  // measured with bench/ingest-influx.ts, ~1.5 µs more CPU per single reading and ~15 MiB more
  // at idle for ingest.
  splitting: true,
  chunkNames: "chunks/[name]-[hash]",
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
