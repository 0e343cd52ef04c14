// Runs the TelemetryStore contract against a real influxd, one fresh database per test.
import { afterAll, beforeAll } from "vitest";
import { type RunningInfluxd, startInfluxd } from "../../test/services/influxd.ts";
import { telemetryStoreContract } from "../contract/telemetry-store.contract.ts";
import { createInfluxClient } from "./client.ts";
import { quoteIdent } from "./influxql.ts";
import { createInfluxTelemetryStore } from "./telemetry-store.ts";

let influxd: RunningInfluxd;
let n = 0;

beforeAll(async () => {
  influxd = await startInfluxd();
});

afterAll(async () => {
  await influxd?.stop();
});

telemetryStoreContract("influx", async () => {
  const database = `contract_${++n}`;
  // The contract writes 2023-2024 timestamps: keep raw points forever here.
  const store = createInfluxTelemetryStore({
    url: influxd.url,
    database,
    createDatabase: true,
    rawRetention: "INF",
  });
  await store.connect();
  return {
    store,
    async teardown() {
      await store.close();
      const admin = createInfluxClient({ url: influxd.url, auth: { kind: "none" }, timeoutMs: 10_000 });
      await admin.query(`DROP DATABASE ${quoteIdent(database)}`);
    },
  };
});
