// Runs the ImportLedger contract against the SQLite adapter on temporary files.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { vitestKit } from "../../test/support/contract-kit.ts";
import { importLedgerContract } from "../contract/import-ledger.contract.ts";
import { createSqliteImportLedger } from "./import-ledger.ts";

const folder = mkdtempSync(join(tmpdir(), "sqlite-imports-"));
let files = 0;
afterAll(() => rmSync(folder, { recursive: true, force: true }));

importLedgerContract(vitestKit, "sqlite (file)", async () => {
  const store = createSqliteImportLedger({ path: join(folder, `imports-${files++}.db`) });
  await store.connect();
  return { store, teardown: () => store.close() };
});
