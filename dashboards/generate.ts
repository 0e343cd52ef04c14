// Writes the dashboards Grafana provisions (json/*.json) from their definitions. Run it after
// changing a definition: `npx tsx dashboards/generate.ts`; a test fails while they differ.
import { writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { building } from "./definitions/building.ts";
import { dwelling } from "./definitions/dwelling.ts";
import { ingestHealth } from "./definitions/ingest-health.ts";
import { portfolio } from "./definitions/portfolio.ts";
import { type DashboardSpec, renderDashboard } from "./grafana.ts";

export const DASHBOARDS: readonly DashboardSpec[] = [portfolio, building, dwelling, ingestHealth];

/** Where the JSON files live in the repository (mounted at /var/lib/grafana/dashboards). */
export const JSON_DIR = join(dirname(fileURLToPath(import.meta.url)), "json");

/** File name of a dashboard: its uid without the common prefix. */
export const fileNameOf = (spec: DashboardSpec) => `${spec.uid.replace(/^charge-guard-/, "")}.json`;

/** The exact text of a dashboard's file. */
export const fileTextOf = (spec: DashboardSpec) => `${JSON.stringify(renderDashboard(spec), null, 2)}\n`;

async function main() {
  for (const spec of DASHBOARDS) {
    const path = join(JSON_DIR, fileNameOf(spec));
    await writeFile(path, fileTextOf(spec));
    process.stdout.write(`${path}\n`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
