// Runs the SignInCodeStore contract against the memory reference implementation.

import { vitestKit } from "../../test/support/contract-kit.ts";
import { signInCodeStoreContract } from "../contract/sign-in-code-store.contract.ts";
import { createMemorySignInCodeStore } from "./sign-in-code-store.ts";

signInCodeStoreContract(vitestKit, "memory", async () => {
  const store = createMemorySignInCodeStore();
  await store.connect();
  return { store, teardown: () => store.close() };
});
