// Runs the DeadLetterStore contract against the memory reference implementation.

import { vitestKit } from "../../test/support/contract-kit.ts";
import { deadLetterStoreContract } from "../contract/dead-letter-store.contract.ts";
import { createMemoryDeadLetterStore } from "./dead-letter-store.ts";

deadLetterStoreContract(vitestKit, "memory", async () => {
  const store = createMemoryDeadLetterStore();
  await store.connect();
  return { store, teardown: () => store.close() };
});
