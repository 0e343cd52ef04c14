// A small site and real SQLite stores in a temporary folder, for the import tests.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { type ImportRequest, type ImportSummary, runImport } from "../../imports/run-import.ts";
import { SiteRegistry } from "../../model/registry.ts";
import { siteSchema } from "../../model/site.ts";
import type { ImportLedger } from "../../storage/import-ledger.ts";
import { createSqliteImportLedger } from "../../storage/sqlite/import-ledger.ts";
import { createSqliteTelemetryStore } from "../../storage/sqlite/telemetry-store.ts";

const flat = (n: number) => ({
  id: `a-00${n}`,
  areaM2: 50,
  sensors: [
    { id: "heat", quantity: "heating_energy", meter: `HC-${n}` },
    { id: "cw", quantity: "cold_water", meter: `EF-${n}` },
    { id: "temp", quantity: "temperature" },
  ],
});

export const importSite = siteSchema.parse({
  id: "import-test",
  name: "Import test",
  buildings: [
    {
      id: "tilleuls-a",
      name: "Bâtiment A",
      weather: { station: "69123001" },
      dwellings: [flat(1), flat(2), flat(3)],
      common: { sensors: [{ id: "outdoor", quantity: "outdoor_temperature" }] },
    },
    {
      id: "tilleuls-b",
      name: "Bâtiment B",
      weather: { station: "69123001" },
      dwellings: [{ id: "b-001", areaM2: 40, sensors: [{ id: "heat", quantity: "heating_energy" }] }],
      common: { sensors: [{ id: "outdoor", quantity: "outdoor_temperature" }] },
    },
  ],
});

export interface ImportFixture {
  registry: SiteRegistry;
  store: ReturnType<typeof createSqliteTelemetryStore>;
  ledger: ImportLedger;
  dir: string;
  run(text: string | Buffer, request?: Partial<ImportRequest>): Promise<ImportSummary>;
  close(): Promise<void>;
}

export async function importFixture(): Promise<ImportFixture> {
  const dir = mkdtempSync(join(tmpdir(), "import-"));
  const registry = new SiteRegistry(importSite);
  const store = createSqliteTelemetryStore({ path: join(dir, "telemetry.db"), timeZone: "Europe/Paris" });
  const ledger = createSqliteImportLedger({ path: join(dir, "imports.db") });
  await store.connect();
  await ledger.connect();
  return {
    registry,
    store,
    ledger,
    dir,
    run: (text, request = {}) =>
      runImport(
        {
          input: Readable.from([typeof text === "string" ? Buffer.from(text) : text]),
          name: "file.csv",
          by: "test",
          ...request,
        },
        { registry, store, ledger, now: () => Date.UTC(2026, 0, 1), retryDelaysMs: [1, 1] },
      ),
    async close() {
      await store.close();
      await ledger.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Every stored point of a sensor, as [ISO time, value]. */
export async function pointsOf(
  f: ImportFixture,
  building: string,
  space: string,
  sensor: string,
  quantity: Parameters<typeof f.store.readRaw>[0]["quantity"],
) {
  const rows = await f.store.readRaw({
    building,
    space,
    sensor,
    quantity,
    from: 0,
    to: Date.UTC(2100, 0, 1),
  });
  return rows.map((r) => [new Date(r.t).toISOString(), r.v] as const);
}
