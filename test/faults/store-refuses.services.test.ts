// Faults of the store that are the operator's, not the data's: influxd restarted on an empty
// data folder (a fresh volume: "database not found" for every write) and the app user's password
// rotated under ingest (HTTP 401). Ingest keeps acknowledging into its journal, reports the
// failure on /readyz and in its metrics, and stores everything once the store takes writes
// again: stored = published, and not one reading made a dead letter.
import { afterEach, describe, expect, it } from "vitest";
import { createInfluxTelemetryStore } from "../../storage/influx/telemetry-store.ts";
import {
  type InfluxAuth,
  influxDeadLetters,
  influxQuery,
  ingestCounter,
  ingestReadiness,
} from "../support/fault-stores.ts";
import { fingerprintOf, planStream, totalOf } from "../support/fault-stream.ts";
import { type FaultFixture, type FixtureOptions, openFixture, settle } from "../support/faults.ts";
import { sleep } from "../support/wait.ts";
import { Publisher } from "./publisher.ts";

const SPACES = 50;
const READINGS = 30_000;
const REFUSING_MS = 5_000;

let fx: FaultFixture | undefined;
afterEach(async () => {
  await fx?.close();
  fx = undefined;
});

/** The databases and policies ingest writes to, as `INFLUX_CREATE_DATABASE` or an operator makes them. */
async function createDatabases(url: string, auth?: InfluxAuth): Promise<void> {
  const store = createInfluxTelemetryStore({ url, database: "telemetry", createDatabase: true, ...auth });
  await store.connect();
  await store.close();
}

/** Streams READINGS readings over ~12 s; `refuse` runs just before (an empty influxd would
 * lose what was stored before it) and returns the step that makes the store take writes again,
 * which runs REFUSING_MS into the stream. Returns what ingest said meanwhile. */
async function streamThrough(
  options: FixtureOptions & {
    env?: Record<string, string>;
    auth?: InfluxAuth;
    prepare?: (fx: FaultFixture) => Promise<void>;
  },
  refuse: (fx: FaultFixture) => Promise<() => Promise<void>>,
) {
  fx = await openFixture(SPACES, options);
  const f = fx;
  await createDatabases(f.influx.url, options.auth);
  await options.prepare?.(f);
  const plan = planStream({ spaces: SPACES, readings: READINGS, pack: 10 });
  const worker = await f.worker("ingest-refused", "telemetry/#", options.env ?? {});
  const publisher = new Publisher(plan.messages, {
    url: f.mosquitto.url,
    clientId: "pub-refused",
    protocolVersion: 5,
    rate: plan.messages.length / 12,
  });
  await publisher.connect();
  const restore = await refuse(f);
  const done = publisher.run(120_000);
  done.catch(() => {}); // awaited below
  let during: { readiness: { status: number; text: string }; failing: number } | undefined;
  try {
    await sleep(REFUSING_MS - 1000);
    during = {
      readiness: await ingestReadiness(worker.httpPort),
      failing: await ingestCounter(worker.httpPort, "ingest_store_failing"),
    };
    await sleep(1000);
    await restore();
    await done;
  } finally {
    await publisher.close();
  }
  const published = fingerprintOf(plan.messages);
  const { stored, diff } = await settle(f.influx.url, published, 90_000, options.auth);
  const letters = await influxDeadLetters(f.influx.url, options.auth);
  const after = await ingestReadiness(worker.httpPort);
  const figures = {
    published: READINGS,
    acknowledged: publisher.acked.size === plan.messages.length ? READINGS : -1,
    stored: totalOf(stored),
    deadLetters: Object.values(letters).reduce((a, b) => a + b, 0),
  };
  console.log(JSON.stringify(figures));
  expect(await worker.stop("SIGTERM")).toBe(0);
  return { diff, letters, during, after, figures, explain: f.explain() };
}

describe("fault: the store refuses every write for 5 s for the operator's reasons", () => {
  it("influxd restarted on an empty folder, the operator creates the database again: nothing lost, no dead letter", async () => {
    const r = await streamThrough({ env: { INFLUX_CREATE_DATABASE: "false" } }, async (f) => {
      await f.influx.restart({ empty: true });
      return () => createDatabases(f.influx.url);
    });
    expect(r.diff, r.explain).toEqual([]);
    expect(r.letters).toEqual({});
    expect(r.during?.readiness.status).toBe(503);
    expect(r.during?.readiness.text).toMatch(/telemetry store refuses writes.*database not found/);
    expect(r.during?.failing).toBe(1);
    expect(r.after.status).toBe(200);
  });

  it("influxd restarted on an empty folder with INFLUX_CREATE_DATABASE: ingest creates it again", async () => {
    const r = await streamThrough({}, async (f) => {
      await f.influx.restart({ empty: true });
      return async () => {};
    });
    expect(r.diff, r.explain).toEqual([]);
    expect(r.letters).toEqual({});
    const databases = await influxQuery(fx!.influx.url, "SHOW DATABASES");
    expect(databases.series?.[0]?.values.flat()).toEqual(
      expect.arrayContaining(["telemetry", "telemetry_daily"]),
    );
  });

  it("the app user's credentials refused under ingest for 5 s (HTTP 401): nothing lost, no dead letter", async () => {
    const admin = { username: "admin", password: "admin-secret" };
    const app = { username: "app", password: "app-secret" };
    const run = (f: FaultFixture, statements: string[]) =>
      statements.reduce(
        (previous, q) =>
          previous.then(() => influxQuery(f.influx.url, q, { auth: admin }).then(() => undefined)),
        Promise.resolve(),
      );
    const createApp = [
      `CREATE USER "app" WITH PASSWORD '${app.password}'`,
      `GRANT ALL ON "telemetry" TO "app"`,
      `GRANT ALL ON "telemetry_daily" TO "app"`,
    ];
    const r = await streamThrough(
      {
        influxAdmin: admin,
        auth: admin,
        env: {
          INFLUX_USERNAME: app.username,
          INFLUX_PASSWORD: app.password,
          INFLUX_CREATE_DATABASE: "false",
        },
        prepare: (f) => run(f, createApp),
      },
      // As a password rotated on the server before the app's secret is: the app's login fails.
      async (f) => {
        await run(f, [`DROP USER "app"`]);
        return () => run(f, createApp);
      },
    );
    expect(r.diff, r.explain).toEqual([]);
    expect(r.letters).toEqual({});
    expect(r.during?.readiness.status).toBe(503);
    expect(r.during?.readiness.text).toMatch(/refuses writes.*(authorization failed|user not found)/);
    expect(r.during?.failing).toBe(1);
  });
});
