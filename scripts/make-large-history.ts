// Writes a large generated long CSV (imports/FORMATS.md) for the importer's memory test and
// benchmark, in constant memory: `npm run history:large -- <path> <size> [--step 15|60]
// [--buildings N] [--dwellings N] [--all-sensors]`. Size in bytes, or with KB, MB or GB
// (powers of 1000); a path ending in .gz is gzip-compressed. Prints rows, bytes, time and peak RSS.
import { parseArgs } from "node:util";
import { writeLargeLongCsv } from "../simulators/history-files.ts";

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    step: { type: "string", default: "15" },
    buildings: { type: "string", default: "20" },
    dwellings: { type: "string", default: "60" },
    "all-sensors": { type: "boolean", default: false },
    seed: { type: "string", default: "42" },
  },
});
const [path, size] = positionals;
const match = /^(\d+(?:\.\d+)?)\s*(B|KB|MB|GB)?$/i.exec(size ?? "");
if (!path || !match) {
  process.stderr.write("usage: make-large-history.ts <path[.gz]> <size, e.g. 500MB or 3GB> [--step 15|60]\n");
  process.exit(2);
}
const unit = { B: 1, KB: 1e3, MB: 1e6, GB: 1e9 }[(match[2] ?? "B").toUpperCase() as "B"];
let peak = 0;
const timer = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 200);
const started = performance.now();
const result = await writeLargeLongCsv({
  path,
  targetBytes: Math.round(Number(match[1]) * unit),
  stepMinutes: Number(values.step) as 15 | 60,
  buildings: Number(values.buildings),
  dwellingsPerBuilding: Number(values.dwellings),
  sensors: values["all-sensors"] ? "all" : "meters",
  seed: Number(values.seed),
});
clearInterval(timer);
peak = Math.max(peak, process.memoryUsage.rss());
const seconds = (performance.now() - started) / 1000;
process.stdout.write(
  `${path}: ${result.rows} rows, ${result.bytes} bytes (${(result.bytes / 1e6 / seconds).toFixed(1)} MB/s), ` +
    `${result.meters} series, ${new Date(result.from).toISOString()} to ${new Date(result.to).toISOString()}, ` +
    `${seconds.toFixed(1)} s, peak RSS ${(peak / 1e6).toFixed(0)} MB\n`,
);
