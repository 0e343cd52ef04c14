// The writer against real SQLite files. Failures are injected by wrapping the real store so
// it throws for a while, or by closing it and opening a new one on the same file.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeadLetter } from "../model/dead-letter.ts";
import type { Reading } from "../model/reading.ts";
import type { DeadLetterStore } from "../storage/dead-letter-store.ts";
import { createSqliteDeadLetterStore } from "../storage/sqlite/dead-letter-store.ts";
import { createSqliteTelemetryStore } from "../storage/sqlite/telemetry-store.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import { createJournal, type Journal } from "./journal.ts";
import { createIngestMetrics, type IngestMetrics } from "./metrics.ts";
import { createJournalWriter, type JournalWriter } from "./writer.ts";

const logger = pino({ level: "silent" });
const T0 = 1_732_800_000_000;
let dir: string;
const cleanups: (() => Promise<void>)[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "writer-"));
});
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  rmSync(dir, { recursive: true, force: true });
});

const reading = (i: number): Reading => ({
  building: "b1",
  space: `d${i % 7}`,
  sensor: "t",
  quantity: "temperature",
  t: T0 + i * 1000,
  v: 15 + (i % 100) / 10,
});
const letter = (i: number): DeadLetter => ({
  receivedAt: T0 + i,
  topic: "telemetry/b1/nowhere/t",
  reason: "unknown_space",
  detail: "building b1 has no space nowhere",
  payload: `{"v":${i}}`,
  building: "b1",
});

/** A real store whose writes can be made to fail, and which can be closed and reopened. */
class FaultyStore {
  inner: TelemetryStore;
  failures = 0;
  writes = 0;
  poison: ((r: Reading) => boolean) | null = null;
  /** While set, every write fails with this blame, as a store whose password changed would. */
  refusing: "operator" | "server" | null = null;
  constructor(
    inner: TelemetryStore,
    readonly path: string,
  ) {
    this.inner = inner;
  }
  asStore(): TelemetryStore {
    return new Proxy(this.inner, {
      get: (_target, key) => {
        if (key === "write") return (readings: readonly Reading[]) => this.write(readings);
        const value = Reflect.get(this.inner, key);
        return typeof value === "function" ? value.bind(this.inner) : value;
      },
    });
  }
  async write(readings: readonly Reading[]) {
    this.writes++;
    if (this.failures > 0) {
      this.failures--;
      throw Object.assign(new Error("injected: disk I/O error"), { code: "injected", retryAfterMs: 5 });
    }
    if (this.refusing) {
      throw Object.assign(new Error(`injected: ${this.refusing} refuses writes`), {
        blame: this.refusing,
        code: "injected_refusal",
        retryable: false,
      });
    }
    if (this.poison && readings.some(this.poison)) {
      throw Object.assign(new Error("injected: constraint failed"), { blame: "data" });
    }
    return this.inner.write(readings);
  }
  async bounce(during: () => Promise<void>) {
    await this.inner.close();
    await during();
    const reopened = createSqliteTelemetryStore({ path: this.path });
    await reopened.connect();
    this.inner = reopened;
  }
}

interface Rig {
  journal: Journal;
  faulty: FaultyStore;
  faultyLetters: FaultyLetters;
  store: TelemetryStore;
  deadLetters: DeadLetterStore;
  writer: JournalWriter;
  metrics: IngestMetrics;
}

/** A real dead-letter store whose writes can be made to fail, or to refuse what letters hold. */
class FaultyLetters {
  failures = 0;
  refuseWithPayload = false;
  constructor(readonly inner: DeadLetterStore) {}
  asStore(): DeadLetterStore {
    return {
      connect: () => this.inner.connect(),
      close: () => this.inner.close(),
      list: (f) => this.inner.list(f),
      countByReason: (f) => this.inner.countByReason(f),
      pruneReceivedBefore: (before) => this.inner.pruneReceivedBefore(before),
      record: async (letters) => {
        if (this.failures > 0) {
          this.failures--;
          throw Object.assign(new Error("injected: database not found"), { blame: "operator" });
        }
        if (this.refuseWithPayload && letters.some((l) => l.payload !== "")) {
          throw Object.assign(new Error("injected: field type conflict"), { blame: "data" });
        }
        return this.inner.record(letters);
      },
    };
  }
}

async function rig(): Promise<Rig> {
  const metrics = createIngestMetrics();
  const journal = createJournal(
    { dir: join(dir, "journal"), segmentBytes: 64 * 1024, maxBytes: 64 * 1024 * 1024 },
    { logger, metrics },
  );
  await journal.open();
  const path = join(dir, "telemetry.db");
  const real = createSqliteTelemetryStore({ path });
  await real.connect();
  const faulty = new FaultyStore(real, path);
  const realLetters = createSqliteDeadLetterStore({ path: join(dir, "dead-letters.db") });
  await realLetters.connect();
  const faultyLetters = new FaultyLetters(realLetters);
  const deadLetters = faultyLetters.asStore();
  const store = faulty.asStore();
  const writer = createJournalWriter(
    { maxBatch: 500, maxDelayMs: 5, retryBaseMs: 2, retryMaxMs: 20 },
    { journal, store, deadLetters, logger, metrics },
  );
  cleanups.push(async () => {
    await writer.close(1000);
    await journal.close();
    await faulty.inner.close();
    await deadLetters.close();
  });
  return { journal, faulty, faultyLetters, store, deadLetters, writer, metrics };
}

const everything = { building: "b1", quantity: "temperature" as const, from: 0, to: T0 * 2 };

function appendMany(journal: Journal, from: number, to: number) {
  for (let i = from; i < to; i++) {
    const withLetter = i % 100 === 0;
    expect(
      journal.append({
        receivedAt: T0 + i,
        readings: [reading(i)],
        deadLetters: withLetter ? [letter(i)] : [],
      }),
    ).toBe("ok");
  }
}

describe("journal writer", () => {
  it("stores every reading once and every dead letter, then the journal is empty", async () => {
    const r = await rig();
    r.writer.start();
    appendMany(r.journal, 0, 3000);
    expect(await r.writer.flush()).toBe(true);
    expect(await r.store.count(everything)).toBe(3000);
    expect(await r.deadLetters.countByReason()).toEqual({ unknown_space: 30 });
    expect(r.metrics.readingsStored).toBe(3000);
    expect(r.journal.stats().unread).toBe(0);
  });

  it("keeps two writes in flight but confirms them in order: a later batch stored first waits", async () => {
    const r = await rig();
    // The first batch's write is held until released; the second goes through meanwhile.
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => (release = resolve));
    const write = r.faulty.write.bind(r.faulty);
    let calls = 0;
    r.faulty.write = async (readings) => {
      if (++calls === 1) await held;
      return write(readings);
    };
    appendMany(r.journal, 0, 1000);
    const start = r.journal.stats().confirmed;
    r.writer.start();
    for (let i = 0; i < 500 && r.metrics.readingsStored === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(r.metrics.readingsStored).toBeGreaterThan(400);
    // The second batch is stored, yet nothing is confirmed: a crash now replays both.
    expect(r.journal.stats().confirmed).toEqual(start);
    release();
    expect(await r.writer.flush()).toBe(true);
    expect(r.journal.stats().confirmed).toEqual(r.journal.stats().head);
    expect(await r.store.count(everything)).toBe(1000);
  });

  it("loses and duplicates nothing while the store fails for a while", async () => {
    const r = await rig();
    r.writer.start();
    appendMany(r.journal, 0, 1000);
    r.faulty.failures = 5;
    appendMany(r.journal, 1000, 2000);
    expect(await r.writer.flush()).toBe(true);
    expect(r.metrics.storeRetries).toBeGreaterThanOrEqual(5);
    expect(await r.store.count(everything)).toBe(2000);
    const raw = await r.store.readRaw(everything);
    expect(new Set(raw.map((x) => `${x.space}|${x.t}`)).size).toBe(2000);
    expect(await r.deadLetters.countByReason()).toEqual({ unknown_space: 20 });
  });

  it("rides out the store being closed and reopened on the same file", async () => {
    const r = await rig();
    r.writer.start();
    appendMany(r.journal, 0, 500);
    expect(await r.writer.flush()).toBe(true);
    await r.faulty.bounce(async () => {
      appendMany(r.journal, 500, 1500);
      await new Promise((res) => setTimeout(res, 30)); // writes fail meanwhile
    });
    expect(await r.writer.flush()).toBe(true);
    expect(r.metrics.storeRetries).toBeGreaterThan(0);
    expect(await r.store.count(everything)).toBe(1500);
  });

  it("turns a reading the store refuses for good into a store_rejected dead letter, keeping the rest", async () => {
    const r = await rig();
    r.faulty.poison = (x) => x.t === reading(123).t;
    r.writer.start();
    appendMany(r.journal, 0, 400);
    expect(await r.writer.flush()).toBe(true);
    expect(await r.store.count(everything)).toBe(399);
    const letters = await r.deadLetters.list({ reason: "store_rejected", limit: 10 });
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ topic: "telemetry/b1/d4/t", building: "b1", receivedAt: T0 + 123 });
    expect(letters[0]!.detail).toContain("constraint failed");
  });

  it("never takes a store that refuses every write (auth, missing database) out on the readings", async () => {
    for (const blame of ["operator", "server"] as const) {
      dir = mkdtempSync(join(tmpdir(), `writer-${blame}-`));
      const r = await rig();
      r.writer.start();
      appendMany(r.journal, 0, 300);
      expect(await r.writer.flush()).toBe(true);
      r.faulty.refusing = blame;
      appendMany(r.journal, 300, 900);
      await expect.poll(() => r.metrics.storeRetries, { timeout: 5000 }).toBeGreaterThanOrEqual(20);
      // Failing for 20 attempts and more: nothing dead-lettered, readiness says why.
      expect(r.writer.storeFailure).toMatchObject({
        store: "telemetry store",
        blame,
        code: "injected_refusal",
      });
      expect(r.metrics.storeErrors[blame]).toBeGreaterThanOrEqual(20);
      expect(r.metrics.deadLetters.store_rejected).toBeUndefined();
      r.faulty.refusing = null;
      expect(await r.writer.flush()).toBe(true);
      expect(r.writer.storeFailure).toBeNull();
      expect(await r.store.count(everything)).toBe(900);
      expect(await r.deadLetters.countByReason()).toEqual({ unknown_space: 9 });
      for (const c of cleanups.splice(0).reverse()) await c();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("keeps dead letters in the journal while their store fails, and never drops one", async () => {
    const r = await rig();
    r.faultyLetters.failures = 15;
    r.writer.start();
    appendMany(r.journal, 0, 1000);
    expect(await r.writer.flush()).toBe(true);
    expect(await r.deadLetters.countByReason()).toEqual({ unknown_space: 10 });
    // A letter refused for what it holds is kept without its payload, with the reason said.
    r.faultyLetters.refuseWithPayload = true;
    appendMany(r.journal, 1000, 1200);
    expect(await r.writer.flush()).toBe(true);
    const letters = await r.deadLetters.list({ limit: 20 });
    expect(letters).toHaveLength(12);
    expect(letters[0]).toMatchObject({ payload: "", receivedAt: T0 + 1100 });
    expect(letters[0]!.detail).toContain("payload not kept");
    expect(r.metrics.deadLettersWithoutPayload).toBe(2);
  });

  it("after a crash, replays what the store had not confirmed; nothing lost, nothing doubled", async () => {
    const first = await rig();
    appendMany(first.journal, 0, 2000);
    first.writer.start();
    // Let part of it through, then the process "dies": no flush, no close of the journal.
    await first.journal.waitForData(1);
    await new Promise((res) => setTimeout(res, 1));
    cleanups.length = 0;
    await first.writer.close(0);
    await first.faulty.inner.close();
    await first.faultyLetters.inner.close();

    const second = await rig();
    second.writer.start();
    expect(await second.writer.flush()).toBe(true);
    expect(await second.store.count(everything)).toBe(2000);
    expect(new Set((await second.store.readRaw(everything)).map((x) => `${x.space}|${x.t}`)).size).toBe(2000);
    // Dead letters are idempotent too: the replay recorded none twice.
    expect(await second.deadLetters.countByReason()).toEqual({ unknown_space: 20 });
  });

  it("close() stores everything first, and is safe twice", async () => {
    const r = await rig();
    r.writer.start();
    appendMany(r.journal, 0, 700);
    await r.writer.close();
    await r.writer.close();
    expect(await r.store.count(everything)).toBe(700);
  });
});
