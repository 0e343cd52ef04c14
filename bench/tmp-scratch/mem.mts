import { createReadStream, mkdirSync, readFileSync, rmSync } from "node:fs";
import { runImport } from "../../imports/run-import.ts";
import { SiteRegistry } from "../../model/registry.ts";
import { siteSchema } from "../../model/site.ts";
import { createSqliteImportLedger } from "../../storage/sqlite/import-ledger.ts";
import { createSqliteTelemetryStore } from "../../storage/sqlite/telemetry-store.ts";

rmSync("/tmp/imp/m", { recursive: true, force: true });
mkdirSync("/tmp/imp/m");
const registry = new SiteRegistry(siteSchema.parse(JSON.parse(readFileSync(process.argv[3]!, "utf8"))));
const store = createSqliteTelemetryStore({ path: "/tmp/imp/m/t.db", timeZone: "Europe/Paris" });
const ledger = createSqliteImportLedger({ path: "/tmp/imp/m/i.db" });
await store.connect();
await ledger.connect();
if (process.env.NOOP) store.write = async (b) => ({ written: b.length, rejected: [] });
let next = 0;
const t0 = performance.now();
await runImport(
  { input: createReadStream(process.argv[2]!, { highWaterMark: 1 << 16 }), name: "big", by: "x" },
  {
    registry,
    store,
    ledger,
    onProgress: (p) => {
      if (p.rows >= next) {
        next += 500_000;
        const m = process.memoryUsage();
        console.log(
          p.rows,
          Math.round(performance.now() - t0),
          "ms rss",
          m.rss >> 20,
          "heap",
          m.heapUsed >> 20,
          "total",
          m.heapTotal >> 20,
          "ext",
          m.external >> 20,
        );
      }
    },
  },
);
