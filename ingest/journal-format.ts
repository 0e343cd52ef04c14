// The journal's on-disk format: a segment starts with MAGIC; then records, each a u32 LE payload
// length, a u32 LE CRC-32 of the payload, and the payload: one entry, binary (BINARY, written
// since 2026-11-29) or JSON (what earlier versions wrote; still read, so a journal left by one
// replays). A version before 2026-11-29 cannot read binary records: it would skip them as corrupt.
import { crc32 } from "node:zlib";
import type { DeadLetter } from "../model/dead-letter.ts";
import { type Reading, sameSeries } from "../model/reading.ts";

/** What one MQTT message yielded, with the receipt time already applied to readings without one. */
export interface JournalEntry {
  receivedAt: number;
  readings: Reading[];
  deadLetters: DeadLetter[];
}

export const MAGIC = Buffer.from("CGJRNL01", "latin1");
export const HEADER = MAGIC.length;
export const RECORD_HEADER = 8; // u32 LE payload length, u32 LE crc32 of the payload

/** One entry as a whole record, ready for a single write. */
export function encodeRecord(entry: JournalEntry): Buffer {
  const records = new RecordBuffer();
  records.append(entry);
  return Buffer.from(records.bytes);
}

/** Records laid end to end in one buffer it reuses, so the records of many messages go to disk
 * with one write and the ingest path allocates no buffer per message. */
export class RecordBuffer {
  #buf = Buffer.allocUnsafe(64 * 1024);
  #length = 0;

  /** Appends the entry's record; returns its size in bytes. */
  append(entry: JournalEntry): number {
    const letters = entry.deadLetters.length > 0 ? JSON.stringify(entry.deadLetters) : "";
    const most = this.#length + RECORD_HEADER + binarySizeAtMost(entry, letters);
    if (this.#buf.length < most) {
      const grown = Buffer.allocUnsafe(Math.max(most, 2 * this.#buf.length));
      this.#buf.copy(grown, 0, 0, this.#length);
      this.#buf = grown;
    }
    const buf = this.#buf;
    const at = this.#length;
    const len = encodeBinary(entry, letters, buf, at + RECORD_HEADER) - (at + RECORD_HEADER);
    buf.writeUInt32LE(len, at);
    buf.writeUInt32LE(crc32(buf.subarray(at + RECORD_HEADER, at + RECORD_HEADER + len)), at + 4);
    this.#length = at + RECORD_HEADER + len;
    return RECORD_HEADER + len;
  }

  /** Drops the last `size` bytes (the record just appended). */
  unappend(size: number): void {
    this.#length -= size;
  }

  get length(): number {
    return this.#length;
  }

  /** The records so far, valid until the next append or clear. */
  get bytes(): Buffer {
    return this.#buf.subarray(0, this.#length);
  }

  /** Forgets the records; a buffer grown by a burst of large messages is let go. */
  clear(): void {
    this.#length = 0;
    if (this.#buf.length > 4 * 1024 * 1024) this.#buf = Buffer.allocUnsafe(64 * 1024);
  }
}

// The binary payload, all little-endian:
//   u8 BINARY, f64 receivedAt, u32 readings, then each reading:
//     u8 SAME (building, space, sensor and quantity of the reading before) or NEW followed by the
//     four as u16 byte length + UTF-8, then f64 t, f64 v;
//   u32 byte length of the dead letters as a JSON array (0 when none) + that JSON.
// No number is formatted as text (JSON's main cost), and a pack's series is written once.
const BINARY = 0x02;
const SAME = 0;
const NEW = 1;

/** Bytes the binary payload may take: UTF-8 takes at most 3 bytes per UTF-16 code unit. */
function binarySizeAtMost(entry: JournalEntry, letters: string): number {
  let n = 1 + 8 + 4 + 4 + 3 * letters.length;
  for (const r of entry.readings) {
    n += 1 + 16 + 8 + 3 * (r.building.length + r.space.length + r.sensor.length + r.quantity.length);
  }
  return n;
}

function writeString(buf: Buffer, s: string, at: number): number {
  // Ids are short and nearly always ASCII: copying their characters costs less than a call into
  // buf.write's UTF-8 encoder, four times per reading of a single-reading message.
  let len = s.length;
  let ascii = len <= 32;
  for (let i = 0; ascii && i < len; i++) {
    const c = s.charCodeAt(i);
    if (c > 0x7f) ascii = false;
    else buf[at + 2 + i] = c;
  }
  if (!ascii) len = buf.write(s, at + 2, "utf8");
  buf[at] = len & 0xff;
  buf[at + 1] = len >>> 8;
  return at + 2 + len;
}

/** Writes the payload at `at`; returns where it ends. */
function encodeBinary(entry: JournalEntry, letters: string, buf: Buffer, at: number): number {
  buf[at++] = BINARY;
  at = buf.writeDoubleLE(entry.receivedAt, at);
  const readings = entry.readings;
  at = buf.writeUInt32LE(readings.length, at);
  let prev: Reading | undefined;
  for (let i = 0; i < readings.length; i++) {
    const r = readings[i]!;
    if (prev !== undefined && sameSeries(r, prev)) {
      buf[at++] = SAME;
    } else {
      buf[at++] = NEW;
      at = writeString(buf, r.building, at);
      at = writeString(buf, r.space, at);
      at = writeString(buf, r.sensor, at);
      at = writeString(buf, r.quantity, at);
    }
    at = buf.writeDoubleLE(r.t, at);
    at = buf.writeDoubleLE(r.v, at);
    prev = r;
  }
  if (letters.length === 0) return buf.writeUInt32LE(0, at);
  const len = buf.write(letters, at + 4, "utf8");
  buf.writeUInt32LE(len, at);
  return at + 4 + len;
}

function decodeBinary(buf: Buffer, start: number, end: number): JournalEntry {
  let at = start + 1;
  const receivedAt = buf.readDoubleLE(at);
  const count = buf.readUInt32LE(at + 8);
  at += 12;
  const readings: Reading[] = new Array(count);
  let building = "";
  let space = "";
  let sensor = "";
  let quantity = "" as Reading["quantity"];
  const string = () => {
    const len = buf.readUInt16LE(at);
    const s = buf.toString("utf8", at + 2, at + 2 + len);
    at += 2 + len;
    return s;
  };
  for (let i = 0; i < count; i++) {
    const kind = buf[at++];
    if (kind === NEW) {
      building = string();
      space = string();
      sensor = string();
      quantity = string() as Reading["quantity"];
    } else if (kind !== SAME || i === 0) {
      throw new Error(`journal record: reading ${i} has an unknown kind ${kind}`);
    }
    readings[i] = { building, space, sensor, quantity, t: buf.readDoubleLE(at), v: buf.readDoubleLE(at + 8) };
    at += 16;
  }
  const lettersLength = buf.readUInt32LE(at);
  at += 4;
  if (at + lettersLength !== end) throw new Error("journal record: length does not match its content");
  const deadLetters =
    lettersLength === 0 ? [] : (JSON.parse(buf.toString("utf8", at, at + lettersLength)) as DeadLetter[]);
  return { receivedAt, readings, deadLetters };
}

/** Decodes a record's payload, `payload[start, end)`, binary or JSON. Throws on one it cannot
 * read (the journal treats it as corrupt). */
export function decodeEntry(payload: Buffer, start = 0, end = payload.length): JournalEntry {
  if (payload[start] === BINARY) return decodeBinary(payload, start, end);
  return decodeJson(payload, start, end);
}

/** The JSON payload of versions before 2026-11-29: {"a": receivedAt, "r": [[building, space,
 * sensor, quantity, t, v], …], "d": [dead letters]}. */
function decodeJson(payload: Buffer, start: number, end: number): JournalEntry {
  const o = JSON.parse(payload.toString("utf8", start, end)) as {
    a: number;
    r: [string, string, string, Reading["quantity"], number, number][];
    d?: DeadLetter[];
  };
  return {
    receivedAt: o.a,
    readings: o.r.map(([building, space, sensor, quantity, t, v]) => ({
      building,
      space,
      sensor,
      quantity,
      t,
      v,
    })),
    deadLetters: o.d ?? [],
  };
}

/** Parses the records of `buf` (which starts at file offset `base`); stops at the first torn or corrupt one. */
export function* records(
  buf: Buffer,
  base: number,
): Generator<{ start: number; end: number; payload: Buffer }, number> {
  let at = 0;
  while (at + RECORD_HEADER <= buf.length) {
    const len = buf.readUInt32LE(at);
    if (len === 0 || at + RECORD_HEADER + len > buf.length) break;
    const payload = buf.subarray(at + RECORD_HEADER, at + RECORD_HEADER + len);
    if (crc32(payload) !== buf.readUInt32LE(at + 4)) break;
    const start = base + at;
    at += RECORD_HEADER + len;
    yield { start, end: base + at, payload };
  }
  return base + at;
}
