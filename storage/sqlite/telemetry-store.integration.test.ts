// Runs the TelemetryStore contract against the SQLite adapter on temporary files, plus what
// only this adapter promises: durability across reopen, lifecycle, schema versioning.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { vitestKit } from "../../test/support/contract-kit.ts";
import { telemetryStoreContract } from "../contract/telemetry-store.contract.ts";
import { timeZoneContract } from "../contract/time-zone.contract.ts";
import { SCHEMA_VERSION } from "./schema.ts";
import { createSqliteTelemetryStore } from "./telemetry-store.ts";

const folder = mkdtempSync(join(tmpdir(), "sqlite-telemetry-"));
let files = 0;
const freshPath = () => join(folder, `store-${files++}.db`);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

telemetryStoreContract(vitestKit, "sqlite (file)", async () => {
  const store = createSqliteTelemetryStore({ path: freshPath() });
  await store.connect();
  return { store, teardown: () => store.close() };
});

timeZoneContract(vitestKit, "sqlite (file)", async (timeZone) => {
  const store = createSqliteTelemetryStore({ path: freshPath(), timeZone });
  await store.connect();
  return { store, teardown: () => store.close() };
});

describe("SQLite telemetry store", () => {
  const reading = {
    building: "b1",
    space: "d1",
    sensor: "m1",
    quantity: "electricity" as const,
    t: 1_700_000_000_000,
    v: 12.5,
  };

  it("keeps what a resolved write stored after closing and reopening the file", async () => {
    const path = freshPath();
    const first = createSqliteTelemetryStore({ path });
    await first.connect();
    await first.write([reading, { ...reading, t: reading.t + 60_000, v: 13 }]);
    await first.close();
    const second = createSqliteTelemetryStore({ path });
    await second.connect();
    expect(await second.readRaw({ building: "b1", quantity: "electricity", from: 0, to: 2e12 })).toHaveLength(
      2,
    );
    expect(
      await second.consumption({ building: "b1", quantity: "electricity", from: 0, to: 2e12, every: "1d" }),
    ).toEqual([{ start: Date.parse("2023-11-13T23:00:00Z"), value: 0.5 }]);
    await second.close();
  });

  it("runs in memory with ':memory:'", async () => {
    const store = createSqliteTelemetryStore({ path: ":memory:" });
    await store.connect();
    await store.write([reading]);
    expect(await store.count({ building: "b1", quantity: "electricity", from: 0, to: 2e12 })).toBe(1);
    await store.close();
  });

  it("closes safely without connect, and refuses use before connect with a typed error", async () => {
    const store = createSqliteTelemetryStore({ path: freshPath() });
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.ping()).rejects.toMatchObject({ code: "sqlite_not_connected" });
  });

  it("validates its options without touching the disk", () => {
    expect(() => createSqliteTelemetryStore({ path: "" })).toThrow(
      expect.objectContaining({ code: "sqlite_bad_config" }),
    );
  });

  it("uses WAL with synchronous=FULL and records its schema version", async () => {
    const path = freshPath();
    const store = createSqliteTelemetryStore({ path });
    await store.connect();
    const db = new Database(path);
    expect(db.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(db.pragma("user_version", { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
    await store.close();
  });

  it("cuts days in its time zone: Martinique midnight is 04:00 UTC", async () => {
    const store = createSqliteTelemetryStore({ path: ":memory:", timeZone: "America/Martinique" });
    await store.connect();
    const at = (iso: string, v: number) => ({ ...reading, t: Date.parse(iso), v });
    await store.write([
      at("2025-01-31T03:00:00Z", 1), // 30 January, 23:00 local
      at("2025-01-31T03:59:59.999Z", 2), // 30 January, 23:59:59.999
      at("2025-01-31T04:00:00Z", 4), // 31 January, 00:00
      at("2025-02-01T03:30:00Z", 8), // 31 January, 23:30
      at("2025-02-01T04:00:00Z", 16), // 1 February, 00:00
    ]);
    const range = { building: "b1", quantity: "electricity" as const, from: 0, to: 2e12 };
    expect(await store.aggregate({ ...range, fn: "sum", every: "1d" })).toEqual([
      { start: Date.parse("2025-01-30T04:00:00Z"), value: 3 },
      { start: Date.parse("2025-01-31T04:00:00Z"), value: 12 },
      { start: Date.parse("2025-02-01T04:00:00Z"), value: 16 },
    ]);
    expect(await store.aggregate({ ...range, fn: "sum", every: "1mo" })).toEqual([
      { start: Date.parse("2025-01-01T04:00:00Z"), value: 15 },
      { start: Date.parse("2025-02-01T04:00:00Z"), value: 16 },
    ]);
    await store.close();
  });

  it("refuses an unknown time zone without touching the disk", () => {
    expect(() => createSqliteTelemetryStore({ path: freshPath(), timeZone: "Europe/Atlantis" })).toThrow(
      expect.objectContaining({ code: "sqlite_bad_config", message: expect.stringMatching(/Atlantis/) }),
    );
  });

  it("keeps one time zone per file: another is refused once days are stored, taken while none are", async () => {
    const path = freshPath();
    const empty = createSqliteTelemetryStore({ path, timeZone: "Indian/Reunion" });
    await empty.connect();
    await empty.close();
    // Nothing stored yet: the file follows the new zone.
    const martinique = createSqliteTelemetryStore({ path, timeZone: "America/Martinique" });
    await martinique.connect();
    await martinique.write([reading]);
    await martinique.close();
    const paris = createSqliteTelemetryStore({ path });
    await expect(paris.connect()).rejects.toMatchObject({
      code: "sqlite_time_zone_changed",
      message: expect.stringMatching(/America\/Martinique days.*Europe\/Paris.*SQLITE_PATH/),
    });
    await paris.close();
    // The same zone, spelled another way, is the same zone.
    const again = createSqliteTelemetryStore({ path, timeZone: "america/martinique" });
    await again.connect();
    expect(await again.count({ building: "b1", quantity: "electricity", from: 0, to: 2e12 })).toBe(1);
    await again.close();
  });

  it("reads a file from before time zones as Europe/Paris days", async () => {
    const path = freshPath();
    const store = createSqliteTelemetryStore({ path });
    await store.connect();
    await store.write([reading]);
    await store.close();
    // Back to schema 2: no settings table, as files written before this version.
    const db = new Database(path);
    db.exec("DROP TABLE settings");
    db.pragma("user_version = 2");
    db.close();
    const reunion = createSqliteTelemetryStore({ path, timeZone: "Indian/Reunion" });
    await expect(reunion.connect()).rejects.toMatchObject({ code: "sqlite_time_zone_changed" });
    await reunion.close();
    const paris = createSqliteTelemetryStore({ path });
    await paris.connect();
    expect(await paris.count({ building: "b1", quantity: "electricity", from: 0, to: 2e12 })).toBe(1);
    await paris.close();
  });

  it("takes out of a file's daily consumption what the old rule counted for a misread", async () => {
    const path = freshPath();
    const meter = (t: string, v: number) => ({
      building: "b1",
      space: "d1",
      sensor: "m1",
      quantity: "electricity" as const,
      t: Date.parse(t),
      v,
    });
    const store = createSqliteTelemetryStore({ path });
    await store.connect();
    // 1010 → 1009 is a misread (rule 2); 1012 → 3 on the next day is a reset.
    await store.write([
      meter("2024-01-15T08:00:00Z", 1000),
      meter("2024-01-15T09:00:00Z", 1010),
      meter("2024-01-15T10:00:00Z", 1009),
      meter("2024-01-15T11:00:00Z", 1012),
      meter("2024-01-16T08:00:00Z", 3),
    ]);
    await store.close();
    // As a file of schema 3 holds it: rule 1 counted the misread's 1009 in its day.
    const db = new Database(path);
    db.exec("UPDATE daily SET inc = inc + 1009 WHERE day = (SELECT MIN(day) FROM daily)");
    db.pragma("user_version = 3");
    db.close();
    const reopened = createSqliteTelemetryStore({ path });
    await reopened.connect();
    const days = await reopened.consumption({
      building: "b1",
      quantity: "electricity",
      from: Date.parse("2024-01-14T23:00:00Z"),
      to: Date.parse("2024-01-16T23:00:00Z"),
      every: "1d",
    });
    expect(days.map((d) => d.value)).toEqual([13, 3]);
    await reopened.close();
  });

  it("refuses a file written by a newer schema", async () => {
    const path = freshPath();
    const db = new Database(path);
    db.pragma("user_version = 99");
    db.close();
    const store = createSqliteTelemetryStore({ path });
    await expect(store.connect()).rejects.toMatchObject({ code: "sqlite_schema_too_new" });
    await store.close();
  });
});
