import {
  appendFileSync,
  closeSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readlinkSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import pino from "pino";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeadLetter } from "../model/dead-letter.ts";
import type { Reading } from "../model/reading.ts";
import { createJournal, type Journal, type JournalConfig, type JournalEntry } from "./journal.ts";
import { encodeRecord } from "./journal-format.ts";
import { createIngestMetrics } from "./metrics.ts";

const logger = pino({ level: "silent" });
let dir: string;
const opened: Journal[] = [];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "journal-"));
});
afterEach(async () => {
  for (const j of opened.splice(0)) await j.close();
  rmSync(dir, { recursive: true, force: true });
});

async function open(config: Partial<JournalConfig> = {}, metrics = createIngestMetrics()): Promise<Journal> {
  const j = createJournal({ dir, segmentBytes: 4096, maxBytes: 1024 * 1024, ...config }, { logger, metrics });
  await j.open();
  opened.push(j);
  return j;
}

const reading = (i: number): Reading => ({
  building: "b1",
  space: "dwelling 1, ét. 2",
  sensor: "t",
  quantity: "temperature",
  t: 1_732_800_000_000 + i * 1000,
  v: 19 + i / 100,
});
const letter = (i: number): DeadLetter => ({
  receivedAt: 1_732_800_000_000 + i,
  topic: "telemetry/b1/x/y",
  reason: "unknown_space",
  detail: "no space x in building b1",
  payload: `{"v":${i}}`,
  building: "b1",
});
const entry = (i: number, withLetter = false): JournalEntry => ({
  receivedAt: 1_732_800_000_000 + i,
  readings: [reading(i)],
  deadLetters: withLetter ? [letter(i)] : [],
});

/** Reads and confirms everything, as the writer does. */
function drain(j: Journal, confirm = true): JournalEntry[] {
  const out: JournalEntry[] = [];
  for (let batch = j.read(100); batch; batch = j.read(100)) {
    out.push(...batch.entries);
    if (confirm) j.confirm(batch.end);
  }
  return out;
}

const segments = () => readdirSync(dir).filter((f) => f.endsWith(".seg"));

describe("journal", () => {
  it("hands back appended entries in order, readings and dead letters intact", async () => {
    const j = await open();
    for (let i = 0; i < 10; i++) expect(j.append(entry(i, i % 3 === 0))).toBe("ok");
    expect(j.unread).toBe(14);
    expect(drain(j)).toEqual(Array.from({ length: 10 }, (_, i) => entry(i, i % 3 === 0)));
    expect(j.read(100)).toBeNull();
  });

  it("gives each entry a position of its own, the same when the journal replays it", async () => {
    const a = await open();
    for (let i = 0; i < 50; i++) a.stage(entry(i, true));
    a.flush();
    const first = a.read(1000)!;
    const key = (p: { segment: number; offset: number }) => `${p.segment}:${p.offset}`;
    expect(new Set(first.positions.map(key)).size).toBe(50);
    // Not confirmed: a new journal on the same folder replays the same entries at the same places.
    const b = await open();
    const again = b.read(1000)!;
    expect(again.entries).toEqual(first.entries);
    expect(again.positions.map(key)).toEqual(first.positions.map(key));
  });

  it("limits a batch to about the requested number of readings", async () => {
    const j = await open();
    for (let i = 0; i < 10; i++) j.append(entry(i));
    expect(j.read(4)?.entries).toHaveLength(4);
    expect(j.read(4)?.entries).toHaveLength(4);
    expect(j.read(4)?.entries).toHaveLength(2);
  });

  it("replays what was not confirmed after the process dies without closing", async () => {
    const a = await open();
    for (let i = 0; i < 300; i++) a.append(entry(i, i === 7));
    const first = a.read(100)!;
    a.confirm(first.end);
    a.read(100); // read but never confirmed: the store write did not finish
    // The process "dies": no close, no flush. A new journal opens the same folder.
    const b = await open();
    const replayed = drain(b);
    const n = first.entries.length; // 99: the entry with a dead letter weighs two
    expect(replayed.map((e) => e.readings[0]!.t)).toEqual(
      Array.from({ length: 300 - n }, (_, i) => reading(i + n).t),
    );
    expect(replayed.some((e) => e.deadLetters.length > 0)).toBe(false);
  });

  it("writes every record whole though it encodes them all in one reused buffer, large or small", async () => {
    const a = await open({ segmentBytes: 256 * 1024 });
    const big: JournalEntry = {
      receivedAt: 1,
      readings: Array.from({ length: 800 }, (_, i) => ({ ...reading(i), sensor: `sonde « ${i} »` })),
      deadLetters: [],
    };
    // A pack: runs of one series, then another, then the first again.
    const pack: JournalEntry = {
      receivedAt: 2,
      readings: [0, 1, 2, 3, 4, 5].map((i) => ({ ...reading(i), space: i < 2 || i > 3 ? "d1" : "d2" })),
      deadLetters: [letter(9)],
    };
    const written = [entry(0), big, entry(1), pack, big, entry(2)];
    for (const e of written) expect(a.append(e)).toBe("ok");
    // Replayed from disk by a second journal, as after a crash: each record as it was appended.
    const b = await open({ segmentBytes: 256 * 1024 });
    expect(drain(b)).toEqual(written);
  });

  it("rotates segments by size and deletes each once all its entries are confirmed", async () => {
    const j = await open();
    for (let i = 0; i < 200; i++) j.append(entry(i));
    const before = segments().length;
    expect(before).toBeGreaterThan(3);
    for (const f of segments()) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(4096);
    const batch = j.read(100)!;
    j.confirm(batch.end);
    const middle = segments().length;
    expect(middle).toBeLessThan(before);
    expect(middle).toBeGreaterThan(0);
    drain(j);
    expect(segments().length).toBeLessThanOrEqual(1);
    // Nothing left to replay.
    const k = await open();
    expect(drain(k)).toEqual([]);
  });

  it("skips a torn last record on open instead of failing, keeps the rest, appends after it", async () => {
    const a = await open();
    for (let i = 0; i < 5; i++) a.append(entry(i));
    const last = segments().sort().at(-1)!;
    // A crash in the middle of a write leaves a partial record at the end.
    appendFileSync(join(dir, last), Buffer.from([200, 0, 0, 0, 1, 2, 3, 4, 123, 34]));
    const metrics = createIngestMetrics();
    const b = await open({}, metrics);
    expect(metrics.journalCorruptRecords).toBe(1);
    b.append(entry(5));
    expect(drain(b).map((e) => e.readings[0]!.t)).toEqual([0, 1, 2, 3, 4, 5].map((i) => reading(i).t));
  });

  it("skips a corrupt record in a closed segment and goes on with the next segment", async () => {
    const a = await open();
    for (let i = 0; i < 200; i++) a.append(entry(i));
    const first = segments().sort()[0]!;
    const size = statSync(join(dir, first)).size;
    // Overwrite the middle of the first segment with garbage (bit rot, partial sector write).
    const { openSync, writeSync, closeSync } = await import("node:fs");
    const fd = openSync(join(dir, first), "r+");
    writeSync(fd, Buffer.alloc(64, 0xab), 0, 64, Math.floor(size / 2));
    closeSync(fd);
    const metrics = createIngestMetrics();
    const b = await open({}, metrics);
    const got = drain(b);
    expect(metrics.journalCorruptRecords).toBe(1);
    expect(got.length).toBeLessThan(200);
    expect(got.length).toBeGreaterThan(150);
    expect(got.at(-1)!.readings[0]!.t).toBe(reading(199).t);
  });

  it("answers full at its byte bound, and has room again once the writer confirms", async () => {
    const j = await open({ segmentBytes: 4096, maxBytes: 8192 });
    let accepted = 0;
    while (j.append(entry(accepted)) === "ok") accepted++;
    expect(accepted).toBeGreaterThan(20);
    expect(j.append(entry(accepted))).toBe("full");
    expect(j.stats().bytes).toBeLessThanOrEqual(8192);
    const room = j.waitForRoom();
    drain(j);
    await room;
    expect(j.append(entry(accepted))).toBe("ok");
    expect(drain(j)).toHaveLength(1);
  });

  it("reads back from disk what did not fit in memory, in order", async () => {
    const j = await open({ memoryBytes: 2000 });
    for (let i = 0; i < 120; i++) j.append(entry(i));
    expect(j.unread).toBe(Number.POSITIVE_INFINITY);
    const got = drain(j);
    expect(got.map((e) => e.readings[0]!.t)).toEqual(Array.from({ length: 120 }, (_, i) => reading(i).t));
    // Back in memory mode once caught up.
    j.append(entry(500));
    expect(j.unread).toBe(1);
  });

  it("wakes a waiting reader when enough data arrives", async () => {
    const j = await open();
    let woke = false;
    const waiting = j.waitForData(3).then(() => {
      woke = true;
    });
    j.append(entry(1));
    j.append(entry(2));
    await Promise.resolve();
    expect(woke).toBe(false);
    j.append(entry(3));
    await waiting;
    expect(woke).toBe(true);
  });

  it("writes the entries staged in one turn together, and says so only once they are written", async () => {
    const metrics = createIngestMetrics();
    const j = await open({ segmentBytes: 64 * 1024 }, metrics);
    const told: (string | null)[] = [];
    for (let i = 0; i < 5; i++) expect(j.stage(entry(i))).toBe("ok");
    j.whenWritten((error, entries) => told.push(error ? error.code : `written ${entries}`));
    // Staged is not written: nothing to read, nothing on disk, nobody told yet.
    expect(told).toEqual([]);
    expect(j.unread).toBe(0);
    expect(metrics.journalAppends).toBe(0);
    await new Promise((r) => setImmediate(r));
    expect(told).toEqual(["written 5"]);
    expect(metrics.journalAppends).toBe(5);
    expect(drain(j, false)).toEqual([0, 1, 2, 3, 4].map((i) => entry(i)));
    // Nothing staged: told right away. A crash now loses nothing written.
    j.whenWritten((error) => told.push(error ? "error" : "nothing staged"));
    expect(told.at(-1)).toBe("nothing staged");
    const k = await open({ segmentBytes: 64 * 1024 });
    expect(drain(k)).toEqual([0, 1, 2, 3, 4].map((i) => entry(i)));
  });

  it("splits a staged write at segment boundaries and replays it in order", async () => {
    const j = await open({ segmentBytes: 4096 });
    for (let i = 0; i < 200; i++) expect(j.stage(entry(i, i % 50 === 0))).toBe("ok");
    j.flush();
    expect(segments().length).toBeGreaterThan(3);
    for (const f of segments()) expect(statSync(join(dir, f)).size).toBeLessThanOrEqual(4096);
    const k = await open({ segmentBytes: 4096 });
    expect(drain(k)).toEqual(Array.from({ length: 200 }, (_, i) => entry(i, i % 50 === 0)));
  });

  it("counts staged bytes against its bound", async () => {
    const j = await open({ segmentBytes: 4096, maxBytes: 8192 });
    let staged = 0;
    while (j.stage(entry(staged)) === "ok") staged++;
    expect(staged).toBeGreaterThan(20);
    j.flush();
    expect(j.stats().bytes).toBeLessThanOrEqual(8192);
    expect(drain(j, false)).toHaveLength(staged);
  });

  it("tells every waiter when the staged write fails, and acknowledges none of it", async () => {
    const j = await open();
    j.append(entry(0));
    j.stage(entry(1));
    const told: (string | null)[] = [];
    j.whenWritten((error) => told.push(error?.code ?? null));
    // Swap the segment's descriptor for a read-only one (Linux reuses the lowest free number), so
    // the next write fails as on a failing disk.
    const segFd = readdirSync("/proc/self/fd")
      .map(Number)
      .find((fd) => {
        try {
          return readlinkSync(`/proc/self/fd/${fd}`).endsWith(".seg");
        } catch {
          return false;
        }
      });
    expect(segFd).toBeDefined();
    closeSync(segFd!);
    expect(openSync(join(dir, "checkpoint.json.ro"), "w+")).toBe(segFd);
    closeSync(segFd!);
    expect(openSync(join(dir, "checkpoint.json.ro"), "r")).toBe(segFd);
    expect(() => j.flush()).toThrow(/could not write the journal/);
    expect(told).toEqual(["journal_write_failed"]);
    // Only what was written before is there to read.
    expect(drain(j, false)).toEqual([entry(0)]);
  });

  it("replays the JSON records an earlier version wrote, then appends binary ones after them", async () => {
    // A segment as versions before 2026-11-29 wrote it: MAGIC, then u32 length, u32 CRC-32, JSON.
    const json = (i: number, withLetter = false) => {
      const e = entry(i, withLetter);
      const r = e.readings.map((x) => [x.building, x.space, x.sensor, x.quantity, x.t, x.v]);
      const payload = Buffer.from(
        JSON.stringify(withLetter ? { a: e.receivedAt, r, d: e.deadLetters } : { a: e.receivedAt, r }),
      );
      const head = Buffer.alloc(8);
      head.writeUInt32LE(payload.length, 0);
      head.writeUInt32LE(crc32(payload), 4);
      return Buffer.concat([head, payload]);
    };
    writeFileSync(
      join(dir, "000000000001.seg"),
      Buffer.concat([Buffer.from("CGJRNL01", "latin1"), json(0), json(1, true), json(2)]),
    );
    const j = await open();
    j.append(entry(3, true));
    expect(drain(j)).toEqual([entry(0), entry(1, true), entry(2), entry(3, true)]);
  });

  it("ignores a torn checkpoint and replays from the first segment", async () => {
    const a = await open();
    for (let i = 0; i < 3; i++) a.append(entry(i));
    await a.close();
    writeFileSync(join(dir, "checkpoint.json"), '{"segm');
    const b = await open();
    expect(drain(b)).toHaveLength(3);
  });

  it("numbers new segments past a checkpoint left by a journal it emptied, so a crash replays them all", async () => {
    // A journal that wrote and confirmed everything: no segment left, a checkpoint far along.
    const a = await open();
    for (let i = 0; i < 200; i++) a.append(entry(i));
    drain(a);
    await a.close();
    // The last segment, confirmed whole, goes on the next open.
    await (await open()).close();
    expect(segments()).toEqual([]);
    // The next one spools many segments while the store is down, then the process dies.
    const b = await open();
    for (let i = 200; i < 600; i++) b.append(entry(i));
    expect(segments().length).toBeGreaterThan(5);
    const c = await open();
    expect(drain(c).map((e) => e.readings[0]!.t)).toEqual(
      Array.from({ length: 400 }, (_, i) => entry(200 + i).readings[0]!.t),
    );
  });

  it("honours a checkpoint only when its crc matches: one written in place may be torn", async () => {
    const a = await open();
    for (let i = 0; i < 3; i++) a.append(entry(i));
    await a.close();
    const segment = Number.parseInt(segments()[0]!, 10);
    const offset = 8 + encodeRecord(entry(0)).length; // just past the first record
    const checkpoint = (crc: number) =>
      writeFileSync(join(dir, "checkpoint.json"), JSON.stringify({ segment, offset, crc }));
    checkpoint(crc32(`${segment}:${offset}`));
    const b = await open();
    expect(drain(b, false)).toEqual([entry(1), entry(2)]);
    await b.close();
    checkpoint(crc32(`${segment}:${offset}`) ^ 1);
    const c = await open();
    expect(drain(c, false)).toEqual([entry(0), entry(1), entry(2)]);
  });

  it("is safe to close twice and without open, and refuses appends after close", async () => {
    const never = createJournal({ dir }, { logger });
    await never.close();
    await never.close();
    const j = await open();
    await j.close();
    await j.close();
    expect(() => j.append(entry(1))).toThrow(/not open/);
  });
});
