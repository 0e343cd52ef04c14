// Runs the TelemetryStore contracts against the memory reference implementation.

import { vitestKit } from "../../test/support/contract-kit.ts";
import { telemetryStoreContract } from "../contract/telemetry-store.contract.ts";
import { timeZoneContract } from "../contract/time-zone.contract.ts";
import { createMemoryTelemetryStore } from "./telemetry-store.ts";

telemetryStoreContract(vitestKit, "memory", async () => {
  const store = createMemoryTelemetryStore();
  await store.connect();
  return { store, teardown: () => store.close() };
});

timeZoneContract(vitestKit, "memory", async (timeZone) => {
  const store = createMemoryTelemetryStore({ timeZone });
  await store.connect();
  return { store, teardown: () => store.close() };
});
