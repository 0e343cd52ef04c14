// deploy/influxdb/init/10-retention-policies.sh run for real against Debian's influxd, the way
// the influxdb 1.x image sources it on a first start: after it created INFLUXDB_DB and the
// users, with $INFLUX_CMD running one statement as admin (here a curl to /query). Then the
// app's own user, which is no admin, writes raw points and rollups where the adapter does.
import { execFileSync } from "node:child_process";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, expect, it } from "vitest";
import { windowStart } from "../domain/calendar.ts";
import { createInfluxClient, type InfluxClient } from "../storage/influx/client.ts";
import { createInfluxDailyRollup } from "../storage/influx/daily-rollup.ts";
import { createInfluxTelemetryStore } from "../storage/influx/telemetry-store.ts";
import { type RunningInfluxd, startInfluxd } from "../test/support/influxd.ts";

const SCRIPT = join(
  resolve(fileURLToPath(new URL("..", import.meta.url))),
  "deploy/influxdb/init/10-retention-policies.sh",
);
const ADMIN = { username: "admin", password: "admin-pw" };
const APP = { username: "charge_guard", password: "app-pw" };
const GRAFANA = { username: "grafana", password: "grafana-pw" };

let influxd: RunningInfluxd;
let admin: InfluxClient;

beforeAll(async () => {
  influxd = await startInfluxd({ admin: ADMIN });
  admin = createInfluxClient({
    url: influxd.url,
    auth: { kind: "password", in: "basic", ...ADMIN },
    timeoutMs: 10_000,
  });
  // What the image does before sourcing the init scripts.
  await admin.query(
    [
      'CREATE DATABASE "telemetry"',
      `CREATE USER "${APP.username}" WITH PASSWORD '${APP.password}'`,
      `GRANT ALL ON "telemetry" TO "${APP.username}"`,
      `CREATE USER "${GRAFANA.username}" WITH PASSWORD '${GRAFANA.password}'`,
      `GRANT READ ON "telemetry" TO "${GRAFANA.username}"`,
    ].join("; "),
  );
  const shell = `
    q() { curl -sS --fail -u "$ADMIN_USER:$ADMIN_PASSWORD" -XPOST "$INFLUX_URL/query" --data-urlencode "q=$1" | grep -v '"error"'; }
    INFLUX_CMD=q
    . "$SCRIPT"`;
  execFileSync("bash", ["-euc", shell], {
    env: {
      PATH: process.env.PATH,
      SCRIPT,
      INFLUX_URL: influxd.url,
      ADMIN_USER: ADMIN.username,
      ADMIN_PASSWORD: ADMIN.password,
      INFLUXDB_DB: "telemetry",
      INFLUXDB_USER: APP.username,
      INFLUXDB_READ_USER: GRAFANA.username,
      INFLUX_RAW_RETENTION: "400d",
      INFLUX_ROLLUP_DATABASE: "telemetry_daily",
    },
    stdio: ["ignore", "ignore", "pipe"],
  });
});

afterAll(async () => {
  await influxd?.stop();
});

const rows = async (q: string) => (await admin.query(q))[0]?.series?.[0]?.values ?? [];

it("creates the raw policy as default and the rollups' database with its policy", async () => {
  const raw = await rows('SHOW RETENTION POLICIES ON "telemetry"');
  expect(raw.find((r) => r[0] === "raw")?.slice(1)).toEqual(["9600h0m0s", expect.any(String), 1, true]);
  expect((await rows("SHOW DATABASES")).map((r) => r[0])).toContain("telemetry_daily");
  const daily = await rows('SHOW RETENTION POLICIES ON "telemetry_daily"');
  expect(daily.find((r) => r[0] === "forever")?.[1]).toBe("0s");
  expect(await rows(`SHOW GRANTS FOR "${APP.username}"`)).toEqual(
    expect.arrayContaining([["telemetry_daily", "ALL PRIVILEGES"]]),
  );
  expect(await rows(`SHOW GRANTS FOR "${GRAFANA.username}"`)).toEqual(
    expect.arrayContaining([["telemetry_daily", "READ"]]),
  );
});

it("lets the app's user, no admin, write and roll where the adapter does", async () => {
  const options = {
    url: influxd.url,
    database: "telemetry",
    rollupDatabase: "telemetry_daily",
    ...APP,
    createDatabase: false,
    rollupClockMarginMs: 0,
  };
  const store = createInfluxTelemetryStore(options);
  await store.connect();
  // Within the raw policy's 400 days, and over.
  const day = windowStart(Date.now() - 3 * 86_400_000, "1d", "Europe/Paris");
  const written = await store.write([
    { building: "b", space: "d", sensor: "m", quantity: "cold_water", t: day + 3_600_000, v: 1 },
    { building: "b", space: "d", sensor: "m", quantity: "cold_water", t: day + 7_200_000, v: 1.5 },
  ]);
  expect(written).toEqual({ written: 2, rejected: [] });
  expect(await createInfluxDailyRollup(options).runDue()).toEqual({ days: 1, points: 1 });
  const grafana = createInfluxClient({
    url: influxd.url,
    auth: { kind: "password", in: "basic", ...GRAFANA },
    timeoutMs: 10_000,
  });
  const [answer] = await grafana.query('SELECT "consumption" FROM "forever"."cold_water"', {
    db: "telemetry_daily",
  });
  expect(answer?.series?.[0]?.values).toEqual([[day, 0.5]]);
  await store.close();
});
