// Runs the ConsentStore contract against the SQLite adapter on temporary files, and the
// FineDataPruner contract with the telemetry store whose file it shares.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll } from "vitest";
import { vitestKit } from "../../test/support/contract-kit.ts";
import { consentStoreContract } from "../contract/consent-store.contract.ts";
import { fineDataPrunerContract } from "../contract/fine-data-pruner.contract.ts";
import { createSqliteConsentStore } from "./consent-store.ts";
import { createSqliteTelemetryStore } from "./telemetry-store.ts";

const folder = mkdtempSync(join(tmpdir(), "sqlite-consents-"));
let files = 0;
const freshPath = () => join(folder, `telemetry-${files++}.db`);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

consentStoreContract(vitestKit, "sqlite (file)", async () => {
  const store = createSqliteConsentStore({ path: freshPath() });
  await store.connect();
  return { store, teardown: () => store.close() };
});

fineDataPrunerContract(vitestKit, "sqlite (file)", async () => {
  const path = freshPath();
  const store = createSqliteTelemetryStore({ path });
  const consents = createSqliteConsentStore({ path });
  await store.connect();
  await consents.connect();
  return {
    store,
    consents,
    pruner: consents,
    settle: async () => {},
    async teardown() {
      await consents.close();
      await store.close();
    },
  };
});
