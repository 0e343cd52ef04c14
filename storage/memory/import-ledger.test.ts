// Runs the ImportLedger contract against the memory reference implementation.

import { vitestKit } from "../../test/support/contract-kit.ts";
import { importLedgerContract } from "../contract/import-ledger.contract.ts";
import { createMemoryImportLedger } from "./import-ledger.ts";

importLedgerContract(vitestKit, "memory", async () => {
  const store = createMemoryImportLedger();
  await store.connect();
  return { store, teardown: () => store.close() };
});
