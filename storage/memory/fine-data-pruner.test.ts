// Runs the FineDataPruner contract against the memory pruner, its memory telemetry store and
// memory consents.

import { vitestKit } from "../../test/support/contract-kit.ts";
import { fineDataPrunerContract } from "../contract/fine-data-pruner.contract.ts";
import { createMemoryConsentStore } from "./consent-store.ts";
import { createMemoryFineDataPruner } from "./fine-data-pruner.ts";
import { createMemoryTelemetryStore } from "./telemetry-store.ts";

fineDataPrunerContract(vitestKit, "memory", async () => {
  const store = createMemoryTelemetryStore();
  const consents = createMemoryConsentStore();
  await store.connect();
  await consents.connect();
  return {
    store,
    consents,
    pruner: createMemoryFineDataPruner(store, consents),
    settle: async () => {},
    async teardown() {
      await consents.close();
      await store.close();
    },
  };
});
