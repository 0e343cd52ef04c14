// Runs the ImportLedger contract against the memory reference implementation.
import { importLedgerContract } from "../contract/import-ledger.contract.ts";
import { vitestKit } from "../contract/vitest.ts";
import { createMemoryImportLedger } from "./import-ledger.ts";

importLedgerContract(vitestKit, "memory", async () => {
  const store = createMemoryImportLedger();
  await store.connect();
  return { store, teardown: () => store.close() };
});
