// Regenerates examples/pilot-from-files/ (all but its README) from the simulator, seed 2026:
// `npm run example:pilot-from-files [-- <folder>]`. simulators/pilot-from-files.test.ts checks
// the committed files are what this writes. With `--store <data dir>`, it also writes the
// readings the importer is specified to make of the files into <data dir>/telemetry.db: a
// stand-in for `import` while the importer is being built.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { makePilotFiles, storePilotFiles } from "../simulators/pilot-from-files.ts";
import { createSqliteTelemetryStore } from "../storage/sqlite/telemetry-store.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { store: { type: "string" } },
});
const folder = positionals[0] ?? join(import.meta.dirname, "..", "examples", "pilot-from-files");
mkdirSync(folder, { recursive: true });
const made = await makePilotFiles();
for (const [name, bytes] of made.files) {
  writeFileSync(join(folder, name), bytes);
  process.stdout.write(`${join(folder, name)}: ${bytes.length} bytes\n`);
}
if (values.store) {
  mkdirSync(values.store, { recursive: true });
  const path = join(values.store, "telemetry.db");
  const store = createSqliteTelemetryStore({ path, timeZone: made.site.timezone });
  await store.connect();
  try {
    process.stdout.write(`${path}: ${await storePilotFiles(store, made)} readings written\n`);
  } finally {
    await store.close();
  }
}
