// Runs the TelemetryStore contracts against the memory reference implementation.
import { telemetryStoreContract } from "../contract/telemetry-store.contract.ts";
import { timeZoneContract } from "../contract/time-zone.contract.ts";
import { vitestKit } from "../contract/vitest.ts";
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
