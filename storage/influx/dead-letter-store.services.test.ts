// Runs the DeadLetterStore contract against a real influxd, one fresh database per test.
import { afterAll, beforeAll } from "vitest";
import { type RunningInfluxd, startInfluxd } from "../../test/services/influxd.ts";
import { deadLetterStoreContract } from "../contract/dead-letter-store.contract.ts";
import { createInfluxClient } from "./client.ts";
import { createInfluxDeadLetterStore } from "./dead-letter-store.ts";
import { quoteIdent } from "./influxql.ts";

let influxd: RunningInfluxd;
let n = 0;

beforeAll(async () => {
  influxd = await startInfluxd();
});

afterAll(async () => {
  await influxd?.stop();
});

deadLetterStoreContract("influx", async () => {
  const database = `letters_${++n}`;
  const store = createInfluxDeadLetterStore({
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
