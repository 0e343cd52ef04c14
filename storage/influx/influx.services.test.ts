// The InfluxDB adapter against a real influxd beyond the contract: escaping round trips,
// injection attempts, authentication, partial writes and error classification.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Reading } from "../../model/reading.ts";
import { type RunningInfluxd, startInfluxd } from "../../test/support/influxd.ts";
import { createInfluxClient, type InfluxClient, InfluxError } from "./client.ts";
import { createInfluxDailyRollup } from "./daily-rollup.ts";
import { quoteIdent, quoteString } from "./influxql.ts";
import { encodePoint, encodeTagValue } from "./line-protocol.ts";
import type { InfluxOptions } from "./options.ts";
import { createInfluxTelemetryStore } from "./telemetry-store.ts";

const ADMIN = { username: "admin", password: "s3cret 'pw' \"x\"" };
const t0 = Date.parse("2024-01-15T10:00:00Z");

/** A store on the test server's `database`, created if missing, raw points kept forever unless told. */
async function connectedStore(database: string, options: Partial<InfluxOptions> = {}) {
  const store = createInfluxTelemetryStore({
    url: influxd.url,
    database,
    createDatabase: true,
    rawRetention: "INF",
    ...options,
  });
  await store.connect();
  return store;
}

const char = fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 });
// Any text a string field may carry, line breaks, NUL and escapes included.
const textArb = fc.string({
  unit: fc.oneof(fc.constantFrom("\\", '"', "\n", "\r\n", "\t", "\u0000"), char),
  maxLength: 40,
});

// Ids as model/ids.ts allows them: no '/', '#', '+' or control characters, 1 to 64 long.
const idArb = fc
  .string({
    unit: fc.oneof(fc.constantFrom("\\", ",", "=", " ", '"', "'", "\n"), char),
    minLength: 1,
    maxLength: 20,
  })
  // biome-ignore lint/suspicious/noControlCharactersInRegex: replacing what ids may not hold
  .map((s) => s.replace(/[/#+\u0000-\u001f\u007f]/g, "_"))
  .filter((s) => s.length >= 1 && s.length <= 64);

let influxd: RunningInfluxd;
let secured: RunningInfluxd;
let admin: InfluxClient;

beforeAll(async () => {
  [influxd, secured] = await Promise.all([startInfluxd(), startInfluxd({ admin: ADMIN })]);
  admin = createInfluxClient({ url: influxd.url, auth: { kind: "none" }, timeoutMs: 10_000 });
});

afterAll(async () => {
  await Promise.all([influxd?.stop(), secured?.stop()]);
});

describe("escaping through the real influxd", () => {
  it("round-trips any id as tag value and any string as field value", async () => {
    await admin.query('CREATE DATABASE "esc"');
    let i = 0;
    await fc.assert(
      fc.asyncProperty(idArb, textArb, async (id, field) => {
        const time = ++i;
        const line = encodePoint({
          measurement: "m, x",
          tags: { "tag, =key": encodeTagValue(id) },
          fields: { "f, =": field, value: 1 },
          time,
        });
        await admin.write(line, { db: "esc", precision: "ms" });
        const [result] = await admin.query(
          `SELECT ${quoteIdent("f, =")}, ${quoteIdent("tag, =key")} FROM ${quoteIdent("m, x")} WHERE ${quoteIdent("tag, =key")} = ${quoteString(encodeTagValue(id))} AND time = ${time}ms`,
          { db: "esc" },
        );
        expect(result?.series?.[0]?.values).toEqual([[time, field, encodeTagValue(id)]]);
      }),
      { numRuns: 150 },
    );
  });

  it("keeps injection attempts inside their literal", async () => {
    const store = await connectedStore("inj");
    const attacks = [
      "x' OR 1=1 --",
      "x' OR building =~ /.*/ --",
      "b1'; DROP DATABASE \"inj\"; SELECT '",
      'b1"; DROP DATABASE inj; --',
      "\\' OR ''='",
      "x\\",
      "x\\'",
    ];
    const batch: Reading[] = attacks.map((id, i) => ({
      building: id,
      space: "d",
      sensor: id,
      quantity: "co2",
      t: t0,
      v: i,
    }));
    batch.push({ building: "b1", space: "d", sensor: "s", quantity: "co2", t: t0, v: 99 });
    await store.write(batch);
    for (const [i, id] of attacks.entries()) {
      const filter = { building: id, quantity: "co2" as const, from: 0, to: t0 + 1 };
      expect(await store.readRaw(filter)).toEqual([batch[i]]);
      expect(await store.readRaw({ ...filter, sensor: `${id}' OR sensor='s` })).toEqual([]);
    }
    expect(await store.count({ building: "b1", quantity: "co2", from: 0, to: t0 + 1 })).toBe(1);
    const [dbs] = await admin.query("SHOW DATABASES");
    expect(dbs?.series?.[0]?.values.flat()).toContain("inj");
    await store.close();
  });
});

describe("partial writes", () => {
  it("rejects exactly the points of a conflicting field type and stores the rest", async () => {
    const store = await connectedStore("partial", { batchSize: 7 });
    // A string `value` arrives first in humidity: floats there now conflict in that shard.
    await admin.write(`humidity,building=b1,sensor=bad,space=d value="oops" ${t0}`, {
      db: "partial",
      precision: "ms",
    });
    const batch: Reading[] = [];
    for (let i = 0; i < 40; i++) {
      const quantity = i % 9 === 4 ? "humidity" : "temperature";
      batch.push({ building: "b1", space: "d", sensor: `s${i}`, quantity, t: t0 + i, v: i });
    }
    const result = await store.write(batch);
    const conflicting = batch.filter((r) => r.quantity === "humidity");
    expect(result.rejected.map((r) => r.reading)).toEqual(conflicting);
    for (const r of result.rejected) expect(r.reason).toMatch(/field type conflict/);
    expect(result.written).toBe(40 - conflicting.length);
    expect(await store.count({ building: "b1", quantity: "temperature", from: 0, to: t0 + 100 })).toBe(
      40 - conflicting.length,
    );
    await store.close();
  });

  it("refuses, reading by reading, what line protocol cannot carry, and stores the rest", async () => {
    const store = await connectedStore("uncarriable");
    const ok: Reading = { building: "b1", space: "d", sensor: "s", quantity: "co2", t: t0, v: 400 };
    const nan = { ...ok, t: t0 + 1, v: Number.NaN };
    const fractional = { ...ok, t: t0 + 2.5 };
    const result = await store.write([nan, ok, fractional]);
    expect(result.written).toBe(1);
    expect(result.rejected).toEqual([
      { reading: nan, reason: expect.stringMatching(/finite/) },
      { reading: fractional, reason: expect.stringMatching(/whole number/) },
    ]);
    expect(await store.readRaw({ building: "b1", quantity: "co2", from: 0, to: t0 + 10 })).toEqual([ok]);
    await store.close();
  });

  it("rejects points beyond the retention policy and stores the recent ones", async () => {
    const store = await connectedStore("retention", { rawRetention: "24h" });
    const now = Date.now();
    const old = {
      building: "b1",
      space: "d",
      sensor: "s",
      quantity: "co2" as const,
      t: now - 3 * 86_400_000,
      v: 400,
    };
    const fresh = { ...old, t: now - 60_000, v: 410 };
    const result = await store.write([old, fresh]);
    expect(result.rejected).toEqual([{ reading: old, reason: expect.stringMatching(/retention/) }]);
    expect(await store.readRaw({ building: "b1", quantity: "co2", from: 0, to: now })).toEqual([fresh]);
    await store.close();
  });
});

describe("authentication", () => {
  const open = (auth: Record<string, unknown>) =>
    createInfluxTelemetryStore({ url: secured.url, database: "authdb", createDatabase: true, ...auth });

  it("works with username/password, as Basic or as u/p parameters", async () => {
    for (const credentialsInQuery of [false, true]) {
      const store = open({ ...ADMIN, credentialsInQuery });
      await store.connect();
      const r: Reading = { building: "b", space: "d", sensor: "s", quantity: "co2", t: Date.now(), v: 1 };
      expect(await store.write([r])).toEqual({ written: 1, rejected: [] });
      await store.close();
    }
  });

  it("refuses a wrong password with a typed, non-retryable error", async () => {
    const store = open({ username: ADMIN.username, password: "wrong" });
    const error = await store.connect().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(InfluxError);
    expect((error as InfluxError).code).toBe("influx_unauthorized");
    expect((error as InfluxError).retryable).toBe(false);
    expect((error as InfluxError).message).not.toContain("wrong");
  });

  it("sends a token as `Authorization: Token …`; influxd 1.6 predates it and says unauthorized", async () => {
    const store = open({ token: `${ADMIN.username}:${ADMIN.password}` });
    await expect(store.connect()).rejects.toMatchObject({ code: "influx_unauthorized" });
    // What goes on the wire, seen by a plain HTTP listener (1.8+, 2.x and 3.x accept this header).
    const seen: (string | undefined)[] = [];
    const server = createServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = createInfluxClient({ url, auth: { kind: "token", token: "tok-123" }, timeoutMs: 5000 });
    await client.ping();
    await new Promise((resolve) => server.close(resolve));
    expect(seen).toEqual(["Token tok-123"]);
  });
});

describe("error classification against the server", () => {
  it("names a missing database, an unreachable server and a bad query", async () => {
    const client = createInfluxClient({ url: influxd.url, auth: { kind: "none" }, timeoutMs: 5000 });
    await expect(client.write("m value=1 1", { db: "nope", precision: "ms" })).rejects.toMatchObject({
      code: "influx_database_not_found",
      retryable: false,
    });
    await expect(client.query("SELEKT 1")).rejects.toMatchObject({ code: "influx_query_error" });
    const down = createInfluxClient({ url: "http://127.0.0.1:1", auth: { kind: "none" }, timeoutMs: 5000 });
    await expect(down.ping()).rejects.toMatchObject({ code: "influx_unreachable", retryable: true });
  });

  it("gives up on a server that does not answer in time, and the next request goes through", async () => {
    // Answers nothing to the first request, then like influxd's /write.
    let requests = 0;
    const server = createServer((_req, res) => {
      requests++;
      if (requests > 1) res.writeHead(204).end();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const client = createInfluxClient({ url, auth: { kind: "none" }, timeoutMs: 300 });
    const started = Date.now();
    await expect(client.write("m value=1 1", { db: "d", precision: "ms" })).rejects.toMatchObject({
      code: "influx_timeout",
      retryable: true,
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    await expect(
      client.write(Buffer.from("m value=2 2"), { db: "d", precision: "ms" }),
    ).resolves.toBeUndefined();
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    expect(requests).toBe(2);
  });

  it("turns a request it cannot even send into an InfluxError, and leaves no timer behind", async () => {
    const timers = () => process.getActiveResourcesInfo().filter((r) => r === "Timeout").length;
    const before = timers();
    const client = createInfluxClient({
      url: influxd.url,
      auth: { kind: "token", token: "pasted with its newline\n" },
      timeoutMs: 60_000,
    });
    await expect(client.ping()).rejects.toMatchObject({
      code: "influx_unreachable",
      retryable: true,
      message: expect.stringMatching(/could not be sent.*credentials/),
    });
    expect(timers()).toBe(before);
  });

  it("survives a restart of influxd with the data kept", async () => {
    const store = await connectedStore("restart");
    const r: Reading = { building: "b", space: "d", sensor: "s", quantity: "co2", t: t0, v: 1 };
    await store.write([r]);
    await influxd.restart();
    expect(await store.readRaw({ building: "b", quantity: "co2", from: 0, to: t0 + 1 })).toEqual([r]);
    await store.close();
  });
});

describe("daily rollups", () => {
  it("keep per-sensor local days in the rollup policy, consumption by the shared rule", async () => {
    const options = {
      url: influxd.url,
      database: "rollup",
      createDatabase: true,
      rawRetention: "INF",
    } as const;
    const store = createInfluxTelemetryStore(options);
    await store.connect();
    const H = 3_600_000;
    const meter = (sensor: string, t: number, v: number): Reading => ({
      building: "b,1",
      space: "d\\",
      sensor,
      quantity: "heating_energy",
      t,
      v,
    });
    const day = Date.parse("2024-03-30T23:00:00Z"); // 31 March 2024 in Paris, 23 hours long
    await store.write([
      meter("m", day - H, 100),
      meter("m", day + 2 * H, 104),
      meter("m", day + 20 * H, 3), // reset: counts 3
      meter("m", day + 23 * H, 10), // 1 April in Paris
      { ...meter("t", day + H, 18.5), quantity: "temperature" },
      { ...meter("t", day + 22 * H, 20.5), quantity: "temperature" },
    ]);
    const rollup = createInfluxDailyRollup(options);
    expect(await rollup.run(day, day + 23 * H + 1)).toBe(3);
    const [energy, temperature] = await admin.query(
      'SELECT "consumption", "count", "last" FROM "forever"."heating_energy" GROUP BY "space"; SELECT "mean", "min", "max" FROM "forever"."temperature"',
      { db: "rollup_daily" },
    );
    expect(energy?.series?.[0]?.tags).toEqual({ space: encodeTagValue("d\\") });
    expect(energy?.series?.[0]?.values).toEqual([
      [day, 7, 2, 3],
      [day + 23 * H, 7, 1, 10],
    ]);
    expect(temperature?.series?.[0]?.values).toEqual([[day, 19.5, 18.5, 20.5]]);
    const shared = await store.consumption({
      building: "b,1",
      quantity: "heating_energy",
      from: day,
      to: day + 24 * H,
      every: "1d",
    });
    expect(shared).toEqual([
      { start: day, value: 7 },
      { start: day + 23 * H, value: 7 },
    ]);
    await store.close();
  });

  it("answer settled days instead of raw points, until a write sends the day back to raw", async () => {
    const options = {
      url: influxd.url,
      database: "settled",
      createDatabase: true,
      rawRetention: "INF",
      // One process writes and rolls here: one clock.
      rollupClockMarginMs: 0,
    } as const;
    const store = createInfluxTelemetryStore(options);
    const rollup = createInfluxDailyRollup(options);
    await store.connect();
    const day = Date.parse("2024-01-14T23:00:00Z"); // 15 January 2024 in Paris
    const meter = (t: number, v: number): Reading => ({
      building: "b",
      space: "d",
      sensor: "m",
      quantity: "electricity",
      t,
      v,
    });
    await store.write([meter(day + 3_600_000, 10), meter(day + 7_200_000, 15)]);
    const theDay = {
      building: "b",
      quantity: "electricity",
      from: day,
      to: day + 86_400_000,
      every: "1d",
    } as const;
    const read = () => store.consumption(theDay);
    const aggregate = (fn: "max" | "last") => store.aggregate({ ...theDay, fn });
    expect(await read()).toEqual([{ start: day, value: 5 }]);
    expect(await rollup.runDue()).toEqual({ days: 1, points: 1 });
    expect(await rollup.runDue()).toEqual({ days: 0, points: 0 });

    // Written behind the store's back: a settled day is read from its rollup, so this is unseen.
    await admin.write(`electricity,building=b,sensor=m,space=d value=115 ${day + 10_800_000}`, {
      db: "settled",
      precision: "ms",
    });
    expect(await read()).toEqual([{ start: day, value: 5 }]);
    expect(await aggregate("max")).toEqual([{ start: day, value: 15 }]);

    // Through the store, the day goes back to raw at once, then to the new rollup.
    await store.write([meter(day + 14_400_000, 120)]);
    expect(await read()).toEqual([{ start: day, value: 110 }]);
    expect(await rollup.runDue()).toEqual({ days: 1, points: 1 });
    expect(await read()).toEqual([{ start: day, value: 110 }]);
    expect(await aggregate("last")).toEqual([{ start: day, value: 120 }]);
    await store.close();
  });

  it("rolled under an older consumption rule are read raw, then rolled again", async () => {
    const options = {
      url: influxd.url,
      database: "older_rule",
      createDatabase: true,
      rawRetention: "INF",
      rollupClockMarginMs: 0,
    } as const;
    const store = createInfluxTelemetryStore(options);
    await store.connect();
    const day = Date.parse("2024-01-14T23:00:00Z"); // 15 January 2024 in Paris
    const meter = (hour: number, v: number): Reading => ({
      building: "b",
      space: "d",
      sensor: "m",
      quantity: "electricity",
      t: day + hour * 3_600_000,
      v,
    });
    // 1010 → 1009 is a misread (domain/consumption.ts): 13 in all, where rule 1 counted 1022.
    await store.write([meter(9, 1000), meter(10, 1010), meter(11, 1009), meter(12, 1012)]);
    const theDay = {
      building: "b",
      quantity: "electricity",
      from: day,
      to: day + 86_400_000,
      every: "1d",
    } as const;
    expect(await createInfluxDailyRollup(options).runDue()).toEqual({ days: 1, points: 1 });
    // As rollups of rule 1 were: the old figure, and no record of the rule.
    await admin.write(`electricity,building=b,sensor=m,space=d consumption=1022 ${day}`, {
      db: "older_rule_daily",
      rp: "forever",
      precision: "ms",
    });
    await admin.query('DROP MEASUREMENT "rollup_rule"', { db: "older_rule_daily" });
    expect(await store.consumption(theDay)).toEqual([{ start: day, value: 13 }]);
    expect(await createInfluxDailyRollup(options).runDue()).toEqual({ days: 1, points: 1 });
    const [rolled] = await admin.query('SELECT "consumption" FROM "forever"."electricity"', {
      db: "older_rule_daily",
    });
    expect(rolled?.series?.[0]?.values).toEqual([[day, 13]]);
    expect(await store.consumption(theDay)).toEqual([{ start: day, value: 13 }]);
    await store.close();
  });

  it("keep days past the raw retention answering from rollups, in a database of their own", async () => {
    const options = {
      url: influxd.url,
      database: "expired",
      createDatabase: true,
      rawRetention: "INF",
      rollupClockMarginMs: 0,
    } as const;
    const store = createInfluxTelemetryStore(options);
    await store.connect();
    const day = Date.parse("2024-01-14T23:00:00Z");
    const readings: Reading[] = [0, 1, 2].map((d) => ({
      building: "b",
      space: "d",
      sensor: "m",
      quantity: "cold_water",
      t: day + d * 86_400_000 + 43_200_000,
      v: 10 + d,
    }));
    await store.write(readings);
    await createInfluxDailyRollup(options).runDue();
    // What an expired raw shard or the retention job's DELETE leaves: no raw point at all.
    await admin.query('DROP MEASUREMENT "cold_water"', { db: "expired" });
    const range = { building: "b", quantity: "cold_water", from: day, to: day + 3 * 86_400_000 } as const;
    expect(await store.readRaw(range)).toEqual([]);
    expect(await store.consumption({ ...range, every: "1d" })).toEqual([
      { start: day + 86_400_000, value: 1 },
      { start: day + 2 * 86_400_000, value: 1 },
    ]);
    expect(await store.aggregate({ ...range, every: "1mo", fn: "max" })).toEqual([
      { start: Date.parse("2023-12-31T23:00:00Z"), value: 12 },
    ]);
    await store.close();
  });

  it("are cut in the site's time zone: Martinique's days from 04:00 UTC, rollup points there", async () => {
    const options = {
      url: influxd.url,
      database: "martinique",
      createDatabase: true,
      rawRetention: "INF",
      rollupClockMarginMs: 0,
      timeZone: "America/Martinique",
    } as const;
    const store = createInfluxTelemetryStore(options);
    await store.connect();
    const day = Date.parse("2025-01-31T04:00:00Z"); // 31 January 2025 in Martinique
    const meter = (t: number, v: number): Reading => ({
      building: "b",
      space: "d",
      sensor: "m",
      quantity: "electricity",
      t,
      v,
    });
    await store.write([
      meter(day - 1, 100),
      meter(day, 101),
      meter(day + 86_400_000 - 1, 103),
      meter(day + 86_400_000, 107),
    ]);
    expect(await createInfluxDailyRollup(options).runDue()).toEqual({ days: 3, points: 3 });
    const [rolled] = await admin.query('SELECT "consumption", "count" FROM "forever"."electricity"', {
      db: "martinique_daily",
    });
    expect(rolled?.series?.[0]?.values).toEqual([
      [day - 86_400_000, null, 1],
      [day, 3, 2],
      [day + 86_400_000, 4, 1],
    ]);
    const [zone] = await admin.query('SELECT "zone" FROM "forever"."rollup_zone"', {
      db: "martinique_daily",
    });
    expect(zone?.series?.[0]?.values).toEqual([[0, "America/Martinique"]]);
    const range = {
      building: "b",
      quantity: "electricity",
      from: day - 86_400_000,
      to: day + 2 * 86_400_000,
    } as const;
    expect(await store.consumption({ ...range, every: "1d" })).toEqual([
      { start: day, value: 3 },
      { start: day + 86_400_000, value: 4 },
    ]);
    expect(await store.consumption({ ...range, every: "1mo" })).toEqual([
      { start: Date.parse("2025-01-01T04:00:00Z"), value: 3 },
      { start: Date.parse("2025-02-01T04:00:00Z"), value: 4 },
    ]);
    await store.close();

    // The same rollups read as another zone's days would be wrong: the store and the job refuse.
    const paris = createInfluxTelemetryStore({ ...options, timeZone: "Europe/Paris" });
    await expect(paris.connect()).rejects.toMatchObject({
      code: "influx_time_zone_changed",
      message: expect.stringMatching(/America\/Martinique days.*Europe\/Paris.*INFLUX_ROLLUP_DATABASE/),
    });
    await expect(
      createInfluxDailyRollup({ ...options, timeZone: "Europe/Paris" }).runDue(),
    ).rejects.toMatchObject({
      code: "influx_time_zone_changed",
    });
    const again = createInfluxTelemetryStore({ ...options, timeZone: "america/martinique" });
    await expect(again.connect()).resolves.toBeUndefined();
  });

  it("written before the zone was recorded hold Paris days: another zone is refused, Paris goes on", async () => {
    const options = {
      url: influxd.url,
      database: "legacy",
      createDatabase: true,
      rawRetention: "INF",
    } as const;
    const store = createInfluxTelemetryStore(options);
    await store.connect();
    await store.write([
      {
        building: "b",
        space: "d",
        sensor: "m",
        quantity: "electricity",
        t: Date.parse("2024-01-15T12:00:00Z"),
        v: 1,
      },
    ]);
    await createInfluxDailyRollup(options).runDue();
    await admin.query('DROP MEASUREMENT "rollup_zone"', { db: "legacy_daily" });
    await expect(
      createInfluxTelemetryStore({ ...options, timeZone: "Indian/Reunion" }).connect(),
    ).rejects.toMatchObject({
      code: "influx_time_zone_changed",
    });
    const paris = createInfluxTelemetryStore(options);
    await expect(paris.connect()).resolves.toBeUndefined();
    const [zone] = await admin.query('SELECT "zone" FROM "forever"."rollup_zone"', { db: "legacy_daily" });
    expect(zone?.series?.[0]?.values).toEqual([[0, "Europe/Paris"]]);
  });

  it("refuse an unknown time zone when the store is created", () => {
    expect(() =>
      createInfluxTelemetryStore({ url: influxd.url, database: "x", timeZone: "Europe/Atlantis" }),
    ).toThrow(/timeZone: unknown time zone "Europe\/Atlantis"/);
  });
});
