// Runs the ConsentStore contract against the memory reference implementation.

import { vitestKit } from "../../test/support/contract-kit.ts";
import { consentStoreContract } from "../contract/consent-store.contract.ts";
import { createMemoryConsentStore } from "./consent-store.ts";

consentStoreContract(vitestKit, "memory", async () => {
  const store = createMemoryConsentStore();
  await store.connect();
  return { store, teardown: () => store.close() };
});
