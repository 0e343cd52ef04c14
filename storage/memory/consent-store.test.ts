// Runs the ConsentStore contract against the memory reference implementation.
import { consentStoreContract } from "../contract/consent-store.contract.ts";
import { vitestKit } from "../contract/vitest.ts";
import { createMemoryConsentStore } from "./consent-store.ts";

consentStoreContract(vitestKit, "memory", async () => {
  const store = createMemoryConsentStore();
  await store.connect();
  return { store, teardown: () => store.close() };
});
