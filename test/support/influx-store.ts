// For the InfluxDB adapters' services tests: one influxd per test file and a fresh database per
// test, made by the adapter under test and dropped afterwards.
import { afterAll, beforeAll } from "vitest";
import { createInfluxClient } from "../../storage/influx/client.ts";
import { quoteIdent } from "../../storage/influx/influxql.ts";
import type { InfluxOptions } from "../../storage/influx/options.ts";
import { type RunningInfluxd, startInfluxd } from "./influxd.ts";

interface Adapter {
  connect(): Promise<void>;
  close(): Promise<void>;
}

/** Starts influxd before the file's tests and stops it after them. Returns the `open` a storage
 * contract takes: each call connects `create`'s adapter to a new database `<prefix>_<n>` (with
 * `extra` options, a time zone say) and its teardown closes the adapter and drops the database. */
export function freshInfluxDatabases<S extends Adapter>(
  prefix: string,
  create: (options: InfluxOptions) => S,
): (extra?: Partial<InfluxOptions>) => Promise<{ store: S; teardown(): Promise<void> }> {
  let influxd: RunningInfluxd;
  let n = 0;

  beforeAll(async () => {
    influxd = await startInfluxd();
  });

  afterAll(async () => {
    await influxd?.stop();
  });

  return async (extra = {}) => {
    const database = `${prefix}_${++n}`;
    // The contracts write 2023-2024 timestamps: keep raw points forever here.
    const store = create({ url: influxd.url, database, createDatabase: true, rawRetention: "INF", ...extra });
    await store.connect();
    return {
      store,
      async teardown() {
        await store.close();
        const admin = createInfluxClient({ url: influxd.url, auth: { kind: "none" }, timeoutMs: 10_000 });
        await admin.query(
          `DROP DATABASE ${quoteIdent(database)}; DROP DATABASE ${quoteIdent(`${database}_daily`)}`,
        );
      },
    };
  };
}
