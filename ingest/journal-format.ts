// The journal's on-disk format: a segment starts with MAGIC; then records, each a u32 LE payload
// length, a u32 LE CRC-32 of the payload, and the payload (one entry as JSON).
import { crc32 } from "node:zlib";
import type { DeadLetter } from "../model/dead-letter.ts";
import type { Reading } from "../model/reading.ts";

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
    const json = encodeJson(entry);
    // UTF-8 takes at most 3 bytes per UTF-16 code unit.
    const most = this.#length + RECORD_HEADER + 3 * json.length;
    if (this.#buf.length < most) {
      const grown = Buffer.allocUnsafe(Math.max(most, 2 * this.#buf.length));
      this.#buf.copy(grown, 0, 0, this.#length);
      this.#buf = grown;
    }
    const buf = this.#buf;
    const at = this.#length;
    const len = buf.write(json, at + RECORD_HEADER, "utf8");
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

// Readings are stored as tuples: half the bytes of objects and cheaper to encode and parse.
function encodeJson(entry: JournalEntry): string {
  const r = new Array(entry.readings.length);
  for (let i = 0; i < entry.readings.length; i++) {
    const x = entry.readings[i]!;
    r[i] = [x.building, x.space, x.sensor, x.quantity, x.t, x.v];
  }
  return JSON.stringify(
    entry.deadLetters.length > 0
      ? { a: entry.receivedAt, r, d: entry.deadLetters }
      : { a: entry.receivedAt, r },
  );
}

export function decodeEntry(payload: Buffer): JournalEntry {
  const o = JSON.parse(payload.toString("utf8")) as {
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
