// Runs the DecisionStore contract against the memory reference implementation.

import { vitestKit } from "../../test/support/contract-kit.ts";
import { decisionStoreContract } from "../contract/decision-store.contract.ts";
import { createMemoryDecisionStore } from "./decision-store.ts";

decisionStoreContract(vitestKit, "memory", async () => {
  const store = createMemoryDecisionStore();
  await store.connect();
  return { store, teardown: () => store.close() };
});
