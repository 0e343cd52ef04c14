// The ingest journal: a size-bounded, append-only log on local disk of what each MQTT message
// yielded (readings and dead letters), so a message is acknowledged once it is safe HERE and the
// store is written later in large batches. Confirmed segments are deleted; the rest replays.
import {
  closeSync,
  constants,
  fdatasync,
  fdatasyncSync,
  fsyncSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import type { Logger } from "pino";
import { z } from "zod";
import { type CodeOf, errorFamily } from "../model/errors.ts";
import {
  decodeEntry,
  HEADER,
  type JournalEntry,
  MAGIC,
  RECORD_HEADER,
  RecordBuffer,
  records,
} from "./journal-format.ts";
import type { IngestMetrics } from "./metrics.ts";

export type { JournalEntry } from "./journal-format.ts";

const MiB = 1024 * 1024;

export const journalConfigSchema = z
  .object({
    /** Folder of the segment files; created when missing. Local disk, never a network share. */
    dir: z.string().min(1),
    /** A segment is closed and a new one started past this size. */
    segmentBytes: z
      .number()
      .int()
      .min(4 * 1024)
      .default(16 * MiB),
    /** Disk the journal may use; when reached, `append` answers "full" and nothing is acknowledged. */
    maxBytes: z
      .number()
      .int()
      .min(8 * 1024)
      .default(512 * MiB),
    /** Appends are flushed to the device at this interval (power loss loses at most this much);
     * 0 flushes after every append, which is safe and slow. */
    fsyncIntervalMs: z.number().int().min(0).max(10_000).default(25),
    /** Unread entries kept decoded in memory up to this size; beyond it they are read back from disk. */
    memoryBytes: z
      .number()
      .int()
      .min(0)
      .default(64 * MiB),
  })
  .strict()
  .refine((c) => c.maxBytes >= 2 * c.segmentBytes, {
    message: "maxBytes must be at least twice segmentBytes, so a full journal always has a segment to free",
    path: ["maxBytes"],
  });

export type JournalConfig = z.input<typeof journalConfigSchema>;

/** A place in the journal: the byte offset just past a record in a segment. */
export interface JournalPosition {
  segment: number;
  offset: number;
}

export interface JournalBatch {
  entries: JournalEntry[];
  /** Where each entry's record ends: the same on every replay, unique within the journal. */
  positions: JournalPosition[];
  /** Confirm this once every entry of the batch is stored. */
  end: JournalPosition;
}

export type JournalErrorCode = CodeOf<"JournalError">;

export class JournalError extends errorFamily("JournalError") {}

const CHECKPOINT = "checkpoint.json";
const SEGMENT_RE = /^(\d{12})\.seg$/;

interface Segment {
  id: number;
  size: number;
}

interface DataWaiter {
  threshold: number;
  resolve: () => void;
}

interface MemoryEntry {
  entry: JournalEntry;
  end: number;
  segment: number;
  weight: number;
  bytes: number;
}

const segmentName = (id: number) => `${String(id).padStart(12, "0")}.seg`;
const before = (a: JournalPosition, b: JournalPosition) =>
  a.segment < b.segment || (a.segment === b.segment && a.offset < b.offset);
/** Readings and dead letters each count as one unit of work for batching. */
const weightOf = (e: JournalEntry) => Math.max(1, e.readings.length + e.deadLetters.length);

export class Journal {
  readonly #config: z.infer<typeof journalConfigSchema>;
  readonly #logger: Logger;
  readonly #metrics: IngestMetrics | undefined;
  /** Records staged since the last write: encoded end to end, written together (#writePending). */
  readonly #pending = new RecordBuffer();
  #pendingEntries: JournalEntry[] = [];
  #pendingSizes: number[] = [];
  #pendingWaiters: ((error: JournalError | null, entries: number) => void)[] = [];
  #writeScheduled = false;
  readonly #writeSoon = () => {
    this.#writeScheduled = false;
    this.#writePending();
  };

  #open = false;
  #closed = false;
  #segments: Segment[] = [];
  /** Write descriptor of the last segment, opened lazily by the first append after open or rotation. */
  #fd: number | null = null;
  #totalBytes = 0;
  #head: JournalPosition = { segment: 0, offset: HEADER };
  #confirmed: JournalPosition = { segment: 0, offset: HEADER };
  #cursor: JournalPosition = { segment: 0, offset: HEADER };

  // Unread entries [cursor, memEnd) are held decoded; [memEnd, head) only on disk ("spilled").
  #memory: MemoryEntry[] = [];
  #memoryHead = 0;
  #memoryBytes = 0;
  #memoryWeight = 0;
  #spilled = false;
  /** The last window read back from disk while spilled. */
  #readCache: { segment: number; start: number; buf: Buffer } | null = null;

  /** The checkpoint file, opened by its first write. */
  #checkpointFd: number | null = null;

  #dirty = false;
  #syncTimer: NodeJS.Timeout | null = null;
  #syncInFlight: number | null = null;
  #closeAfterSync = new Set<number>();

  #dataWaiter: DataWaiter | null = null;
  #roomWaiters: (() => void)[] = [];

  constructor(config: JournalConfig, deps: { logger: Logger; metrics?: IngestMetrics }) {
    this.#config = journalConfigSchema.parse(config);
    this.#logger = deps.logger;
    this.#metrics = deps.metrics;
  }

  /** Opens the folder and finds what is left to replay; drops a torn last record. */
  async open(): Promise<void> {
    if (this.#closed) throw new JournalError("journal_closed", "the journal was closed; create a new one");
    if (this.#open) return;
    const dir = this.#config.dir;
    mkdirSync(dir, { recursive: true });
    const ids = readdirSync(dir)
      .map((name) => SEGMENT_RE.exec(name)?.[1])
      .filter((id): id is string => id !== undefined)
      .map(Number)
      .sort((a, b) => a - b);
    for (const id of ids) {
      const size = this.#recoverSegment(id, id === ids[ids.length - 1]);
      if (size !== null) this.#segments.push({ id, size });
    }
    this.#totalBytes = this.#segments.reduce((n, s) => n + s.size, 0);
    const last = this.#segments[this.#segments.length - 1];
    const first = this.#segments[0];
    const checkpoint = this.#readCheckpoint();
    // New appends go to a fresh segment so nothing is ever written after a recovered tail, and
    // past the checkpoint's segment: once every segment was confirmed and deleted, numbering
    // restarting at 1 would let a later crash take the stale checkpoint for progress through
    // segments it never saw, and drop them unreplayed.
    const newest = Math.max(last?.id ?? ids[ids.length - 1] ?? 0, checkpoint?.segment ?? 0);
    this.#head = { segment: newest + 1, offset: HEADER };
    this.#confirmed = first ? { segment: first.id, offset: HEADER } : this.#head;
    if (checkpoint && before(this.#confirmed, checkpoint) && before(checkpoint, this.#head)) {
      this.#confirmed = checkpoint;
    }
    this.#cursor = { ...this.#confirmed };
    this.#spilled = before(this.#cursor, this.#head);
    this.#dropConfirmedSegments();
    this.#open = true;
    if (this.#spilled) {
      this.#logger.info(
        { segments: this.#segments.length, bytes: this.#totalBytes },
        "journal replays unconfirmed entries",
      );
    }
    if (this.#config.fsyncIntervalMs > 0) {
      this.#syncTimer = setInterval(() => this.#syncSoon(), this.#config.fsyncIntervalMs);
      this.#syncTimer.unref();
    }
  }

  /** Appends one message's entry with a single write (with whatever was staged before it). "ok"
   * means it survives a process crash from now on (a power loss after the next fsync, or now when
   * fsyncIntervalMs is 0); "full" means the caller must not acknowledge. Throws a JournalError
   * when the write fails. */
  append(entry: JournalEntry): "ok" | "full" {
    if (this.#stage(entry) === "full") return "full";
    const error = this.#writePending();
    if (error) throw error;
    return "ok";
  }

  /** Encodes one message's entry for a write that `whenWritten` reports, made by `flush()` or, at
   * the latest, on the next turn of the event loop: the entries of the messages handled in one
   * turn go to disk with one write(2) (and one fdatasync when fsyncIntervalMs is 0). "ok" means
   * it is staged, NOT yet written: acknowledge it only from `whenWritten`. "full" means the caller
   * must not acknowledge. */
  stage(entry: JournalEntry): "ok" | "full" {
    if (this.#stage(entry) === "full") return "full";
    if (!this.#writeScheduled) {
      this.#writeScheduled = true;
      setImmediate(this.#writeSoon);
    }
    return "ok";
  }

  /** Calls `done` once every entry staged so far is written as `append` writes (and synced when
   * fsyncIntervalMs is 0), with null; or with the error, when that write failed (none of those
   * entries may then be acknowledged). Right away when nothing is staged. */
  whenWritten(done: (error: JournalError | null, entries: number) => void): void {
    if (this.#pendingEntries.length === 0) done(null, 0);
    else this.#pendingWaiters.push(done);
  }

  /** Writes what is staged now rather than on the next turn; throws when the write fails. */
  flush(): void {
    const error = this.#writePending();
    if (error) throw error;
  }

  #stage(entry: JournalEntry): "ok" | "full" {
    if (!this.#open) {
      throw new JournalError(this.#closed ? "journal_closed" : "journal_not_open", "the journal is not open");
    }
    const size = this.#pending.append(entry);
    const used = this.#totalBytes + this.#pending.length - size;
    if (used + size > this.#config.maxBytes && used > 0) {
      this.#pending.unappend(size);
      return "full";
    }
    this.#pendingEntries.push(entry);
    this.#pendingSizes.push(size);
    return "ok";
  }

  /** Writes the staged records: one write(2) per segment they go to. Null when all are written;
   * otherwise the error, and nothing staged may be acknowledged (some records may be on disk,
   * which is harmless: the broker redelivers, and stores write a point once). */
  #writePending(): JournalError | null {
    const entries = this.#pendingEntries;
    const n = entries.length;
    if (n === 0) return null;
    const sizes = this.#pendingSizes;
    const waiters = this.#pendingWaiters;
    const buf = this.#pending.bytes;
    // The arrays are reused (emptied below); the waiters' only when there are some.
    if (waiters.length > 0) this.#pendingWaiters = [];
    let error: JournalError | null = null;
    let i = 0;
    let from = 0;
    try {
      while (i < n) {
        const segmentBytes = this.#config.segmentBytes;
        if (this.#fd !== null && this.#head.offset + sizes[i]! > segmentBytes) this.#rotate();
        const fd = this.#fd ?? this.#startSegment();
        const at = this.#head.offset;
        // The records that fit in this segment, at least one.
        let j = i + 1;
        let len = sizes[i]!;
        while (j < n && at + len + sizes[j]! <= segmentBytes) len += sizes[j++]!;
        this.#writeAt(fd, buf, from, len, at);
        let end = at;
        for (let k = i; k < j; k++) {
          end += sizes[k]!;
          this.#remember(entries[k]!, end, sizes[k]!);
        }
        this.#head.offset = at + len;
        this.#segments[this.#segments.length - 1]!.size = at + len;
        this.#totalBytes += len;
        this.#dirty = true;
        if (this.#metrics) {
          this.#metrics.journalAppends += j - i;
          this.#metrics.journalBytes += len;
        }
        from += len;
        i = j;
      }
      if (this.#config.fsyncIntervalMs === 0) this.#syncNow();
    } catch (err) {
      error =
        err instanceof JournalError
          ? err
          : new JournalError(
              "journal_write_failed",
              `could not write the journal in ${this.#config.dir}: is the disk full or failing?`,
              { cause: err },
            );
    } finally {
      this.#pending.clear();
      entries.length = 0;
      sizes.length = 0;
    }
    if (this.#dataWaiter !== null && this.unread >= this.#dataWaiter.threshold) {
      this.#dataWaiter.resolve();
      this.#dataWaiter = null;
    }
    for (const w of waiters) {
      try {
        w(error, n);
      } catch (err) {
        // One waiter's bug must not keep the others' acknowledgements (or refusals) from going.
        this.#logger.error({ err }, "a journal write waiter threw");
      }
    }
    return error;
  }

  /** One write at `at`, all of it; on failure the segment is cut back to `at` (a torn tail is
   * skipped on the next open anyway). */
  #writeAt(fd: number, buf: Buffer, from: number, size: number, at: number): void {
    try {
      let done = 0;
      while (done < size) done += writeSync(fd, buf, from + done, size - done, at + done);
    } catch (err) {
      try {
        ftruncateSync(fd, at);
      } catch {
        // the write error below is what matters
      }
      throw new JournalError(
        "journal_write_failed",
        `could not write the journal in ${this.#config.dir}: is the disk full or failing?`,
        { cause: err },
      );
    }
  }

  /** fsyncIntervalMs 0: the records just written are made durable before anyone acknowledges. */
  #syncNow(): void {
    if (this.#fd === null) return;
    try {
      fdatasyncSync(this.#fd);
    } catch (err) {
      throw new JournalError(
        "journal_write_failed",
        `could not flush the journal in ${this.#config.dir} to disk: is the disk failing?`,
        { cause: err },
      );
    }
  }

  /** Keeps a written entry decoded for the reader while memory allows; past it, the reader
   * takes the rest from disk. */
  #remember(entry: JournalEntry, end: number, size: number): void {
    const weight = weightOf(entry);
    if (!this.#spilled && this.#memoryBytes + size <= this.#config.memoryBytes) {
      this.#memory.push({ entry, end, segment: this.#head.segment, weight, bytes: size });
      this.#memoryBytes += size;
      this.#memoryWeight += weight;
    } else {
      this.#spilled = true;
    }
  }

  /** Unread readings and dead letters, or Infinity when part of the backlog is only on disk. */
  get unread(): number {
    return this.#spilled ? Number.POSITIVE_INFINITY : this.#memoryWeight;
  }

  /** Resolves once at least `threshold` readings and dead letters are unread (or on close).
   * The journal has one reader: a new call settles the previous wait. */
  waitForData(threshold = 1): Promise<void> {
    this.#dataWaiter?.resolve();
    this.#dataWaiter = null;
    if (this.unread >= threshold || this.#closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.#dataWaiter = { threshold, resolve };
    });
  }

  /** Resolves when confirmed entries have freed disk space (or on close). */
  waitForRoom(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    return new Promise((resolve) => this.#roomWaiters.push(resolve));
  }

  /** Takes the next unread entries, about `maxWeight` readings and dead letters (at least one
   * entry). They stay in the journal until `confirm(batch.end)`. */
  read(maxWeight: number): JournalBatch | null {
    if (!this.#open) return null;
    const entries: JournalEntry[] = [];
    const positions: JournalPosition[] = [];
    let weight = 0;
    while (this.#memoryHead < this.#memory.length && (entries.length === 0 || weight < maxWeight)) {
      const m = this.#memory[this.#memoryHead]!;
      if (entries.length > 0 && weight + m.weight > maxWeight) break;
      this.#memory[this.#memoryHead++] = undefined as unknown as MemoryEntry;
      entries.push(m.entry);
      positions.push({ segment: m.segment, offset: m.end });
      weight += m.weight;
      this.#memoryBytes -= m.bytes;
      this.#memoryWeight -= m.weight;
      this.#cursor = { segment: m.segment, offset: m.end };
    }
    if (this.#memoryHead === this.#memory.length) {
      this.#memory = [];
      this.#memoryHead = 0;
    } else if (this.#memoryHead > 4096) {
      this.#memory = this.#memory.slice(this.#memoryHead);
      this.#memoryHead = 0;
    }
    if (entries.length === 0 && this.#spilled) this.#readFromDisk(entries, positions, maxWeight);
    if (this.#spilled && !before(this.#cursor, this.#head)) {
      this.#spilled = false;
      this.#readCache = null;
    }
    return entries.length > 0 ? { entries, positions, end: { ...this.#cursor } } : null;
  }

  /** Everything up to `position` is stored: segments wholly before it are deleted. */
  confirm(position: JournalPosition): void {
    if (!this.#open || !before(this.#confirmed, position)) return;
    this.#confirmed = { ...position };
    const freed = this.#dropConfirmedSegments();
    this.#writeCheckpoint();
    if (freed && this.#roomWaiters.length > 0) {
      const waiters = this.#roomWaiters;
      this.#roomWaiters = [];
      for (const w of waiters) w();
    }
  }

  stats(): {
    segments: number;
    bytes: number;
    unread: number;
    head: JournalPosition;
    confirmed: JournalPosition;
  } {
    return {
      segments: this.#segments.length,
      bytes: this.#totalBytes,
      unread: this.unread,
      head: { ...this.#head },
      confirmed: { ...this.#confirmed },
    };
  }

  /** Flushes and closes the files; unconfirmed entries replay on the next open. Safe twice. */
  async close(): Promise<void> {
    if (this.#closed) return;
    if (this.#open) this.#writePending();
    this.#closed = true;
    if (this.#syncTimer) clearInterval(this.#syncTimer);
    this.#syncTimer = null;
    if (this.#fd !== null) this.#closeFd(this.#fd);
    this.#fd = null;
    while (this.#syncInFlight !== null) await new Promise((r) => setTimeout(r, 1));
    try {
      if (this.#open) this.#writeCheckpoint();
    } finally {
      // A checkpoint that could not be written only means more replay on the next open.
      if (this.#checkpointFd !== null) closeSync(this.#checkpointFd);
      this.#checkpointFd = null;
      this.#open = false;
      this.#dataWaiter?.resolve();
      this.#dataWaiter = null;
      for (const w of this.#roomWaiters) w();
      this.#roomWaiters = [];
    }
  }

  /** Validates a segment found on open; returns its usable size, or null when it was removed. */
  #recoverSegment(id: number, isLast: boolean): number | null {
    const path = join(this.#config.dir, segmentName(id));
    const fileSize = statSync(path).size;
    const head = this.#readAt(id, 0, HEADER);
    if (fileSize <= HEADER || !head.equals(MAGIC)) {
      if (fileSize <= HEADER) {
        unlinkSync(path); // created but never written: a crash between create and first write
        return null;
      }
      renameSync(path, `${path}.corrupt`);
      this.#logger.error({ segment: id }, "journal segment has no valid header; set aside as .corrupt");
      return null;
    }
    if (!isLast) return fileSize; // closed segments were synced whole; reads skip any damage
    const buf = readFileSync(path);
    const it = records(buf.subarray(HEADER), HEADER);
    let r = it.next();
    while (!r.done) r = it.next();
    const end = r.value;
    if (end < buf.length) {
      if (this.#metrics) this.#metrics.journalCorruptRecords++;
      this.#logger.warn({ segment: id, bytes: buf.length - end }, "journal tail torn by a crash; dropped it");
      const fd = openSync(path, "r+");
      try {
        ftruncateSync(fd, end);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    }
    return end;
  }

  #readFromDisk(entries: JournalEntry[], positions: JournalPosition[], maxWeight: number): void {
    let weight = 0;
    while (before(this.#cursor, this.#head) && weight < maxWeight) {
      const seg = this.#segments.find((s) => s.id >= this.#cursor.segment);
      if (!seg) {
        this.#cursor = { ...this.#head };
        return;
      }
      if (seg.id !== this.#cursor.segment) this.#cursor = { segment: seg.id, offset: HEADER };
      if (this.#cursor.offset >= seg.size) {
        if (seg.id === this.#head.segment) return;
        this.#cursor = { segment: seg.id + 1, offset: HEADER };
        continue;
      }
      const buf = this.#window(seg.id, this.#cursor.offset, Math.min(seg.size - this.#cursor.offset, MiB));
      let progressed = false;
      for (const rec of records(buf, this.#cursor.offset)) {
        let entry: JournalEntry;
        try {
          entry = decodeEntry(rec.payload);
        } catch {
          break; // a CRC-valid record that is not ours to parse: treat like corruption below
        }
        entries.push(entry);
        positions.push({ segment: seg.id, offset: rec.end });
        weight += weightOf(entry);
        this.#cursor = { segment: seg.id, offset: rec.end };
        progressed = true;
        if (weight >= maxWeight) return;
      }
      if (!progressed) {
        // One record larger than the read window: read exactly it.
        const len = this.#readAt(seg.id, this.#cursor.offset, RECORD_HEADER).readUInt32LE(0);
        const whole = len > 0 && this.#cursor.offset + RECORD_HEADER + len <= seg.size;
        const rec = whole
          ? records(
              this.#readAt(seg.id, this.#cursor.offset, RECORD_HEADER + len),
              this.#cursor.offset,
            ).next()
          : null;
        if (rec && !rec.done) {
          try {
            const entry = decodeEntry(rec.value.payload);
            entries.push(entry);
            positions.push({ segment: seg.id, offset: rec.value.end });
            weight += weightOf(entry);
            this.#cursor = { segment: seg.id, offset: rec.value.end };
            continue;
          } catch {
            // fall through to skipping the segment's rest
          }
        }
        // Corruption inside a segment cannot be resynchronised: skip its remainder, loudly.
        if (this.#metrics) this.#metrics.journalCorruptRecords++;
        this.#logger.error(
          { segment: seg.id, offset: this.#cursor.offset, lostBytes: seg.size - this.#cursor.offset },
          "corrupt journal record; skipped the rest of the segment",
        );
        this.#cursor =
          seg.id === this.#head.segment ? { ...this.#head } : { segment: seg.id + 1, offset: HEADER };
      }
    }
  }

  /** Bytes of `segment` from `offset` holding at least one whole record (unless torn): the rest of
   * the last window read when it does, else a new read of `length` bytes. One read serves many
   * batches. */
  #window(segment: number, offset: number, length: number): Buffer {
    const c = this.#readCache;
    if (c !== null && c.segment === segment && offset >= c.start && offset < c.start + c.buf.length) {
      const rest = c.buf.subarray(offset - c.start);
      if (rest.length >= RECORD_HEADER && RECORD_HEADER + rest.readUInt32LE(0) <= rest.length) return rest;
    }
    const buf = this.#readAt(segment, offset, length);
    this.#readCache = { segment, start: offset, buf };
    return buf;
  }

  #readAt(segment: number, offset: number, length: number): Buffer {
    const fd = openSync(join(this.#config.dir, segmentName(segment)), "r");
    try {
      const buf = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const n = readSync(fd, buf, got, length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      return buf.subarray(0, got);
    } finally {
      closeSync(fd);
    }
  }

  #startSegment(): number {
    const id = this.#head.segment;
    const fd = openSync(join(this.#config.dir, segmentName(id)), "wx");
    writeSync(fd, MAGIC, 0, HEADER, 0);
    this.#syncDir();
    this.#fd = fd;
    this.#segments.push({ id, size: HEADER });
    this.#totalBytes += HEADER;
    this.#head = { segment: id, offset: HEADER };
    return fd;
  }

  #rotate(): void {
    if (this.#fd !== null) this.#closeFd(this.#fd);
    this.#fd = null;
    this.#head = { segment: this.#head.segment + 1, offset: HEADER };
  }

  /** Deletes segments wholly confirmed; the write segment too once everything is confirmed. */
  #dropConfirmedSegments(): boolean {
    let freed = false;
    const allConfirmed = !before(this.#confirmed, this.#head);
    while (this.#segments.length > 0) {
      const s = this.#segments[0]!;
      const isWriting = this.#fd !== null && s.id === this.#head.segment;
      const done =
        s.id < this.#confirmed.segment ||
        (s.id === this.#confirmed.segment && this.#confirmed.offset >= s.size);
      if (!done) break;
      if (isWriting) {
        // Recycle the write segment only when worth it, to avoid creating a file per batch.
        if (!allConfirmed || s.size < this.#config.segmentBytes / 4) break;
        this.#closeFd(this.#fd!);
        this.#fd = null;
        this.#head = { segment: s.id + 1, offset: HEADER };
        this.#confirmed = { ...this.#head };
        if (!before(this.#cursor, this.#head)) this.#cursor = { ...this.#head };
      }
      unlinkSync(join(this.#config.dir, segmentName(s.id)));
      this.#segments.shift();
      this.#totalBytes -= s.size;
      freed = true;
    }
    return freed;
  }

  #syncSoon(): void {
    if (!this.#dirty || this.#fd === null || this.#syncInFlight !== null) return;
    this.#dirty = false;
    const fd = this.#fd;
    this.#syncInFlight = fd;
    // Off the event loop: an fsync can take milliseconds on a real disk.
    fdatasync(fd, (err) => {
      this.#syncInFlight = null;
      if (err) this.#logger.error({ err }, "journal fsync failed");
      if (this.#closeAfterSync.delete(fd)) closeSync(fd);
    });
  }

  #closeFd(fd: number): void {
    fdatasyncSync(fd);
    if (this.#syncInFlight === fd) this.#closeAfterSync.add(fd);
    else closeSync(fd);
  }

  #syncDir(): void {
    const fd = openSync(this.#config.dir, "r");
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  }

  #readCheckpoint(): JournalPosition | null {
    try {
      const o = JSON.parse(readFileSync(join(this.#config.dir, CHECKPOINT), "utf8")) as Partial<
        JournalPosition & { crc: number }
      >;
      if (!Number.isInteger(o.segment) || !Number.isInteger(o.offset)) return null;
      // A checkpoint torn by a crash mid-write cannot pass for another position. (Versions before
      // 2026-11-29 replaced the file whole, without a crc.)
      if (o.crc !== undefined && o.crc !== checkpointCrc(o.segment!, o.offset!)) return null;
      return { segment: o.segment!, offset: o.offset! };
    } catch {
      return null; // no checkpoint (or a torn one): replay from the first segment, harmless
    }
  }

  /** Overwrites the checkpoint in place: one pwrite(2) of a fixed-size record per confirmed
   * batch (a temporary file and a rename each time cost ingest ~2 % of its CPU). */
  #writeCheckpoint(): void {
    const { segment, offset } = this.#confirmed;
    const text = JSON.stringify({ segment, offset, crc: checkpointCrc(segment, offset) });
    const record = Buffer.from(`${text.padEnd(CHECKPOINT_BYTES - 1)}\n`, "latin1");
    if (this.#checkpointFd === null) {
      // Opened without truncating: until the first record is written over it, the previous one
      // stays readable (a full disk or a crash then means replay from there, not from the start).
      const fd = openSync(join(this.#config.dir, CHECKPOINT), constants.O_RDWR | constants.O_CREAT, 0o644);
      this.#checkpointFd = fd;
      writeSync(fd, record, 0, record.length, 0);
      ftruncateSync(fd, record.length); // a longer file from an earlier version ends here
      return;
    }
    writeSync(this.#checkpointFd, record, 0, record.length, 0);
  }
}

const CHECKPOINT_BYTES = 96;
const checkpointCrc = (segment: number, offset: number) => crc32(`${segment}:${offset}`);

export function createJournal(
  config: JournalConfig,
  deps: { logger: Logger; metrics?: IngestMetrics },
): Journal {
  return new Journal(config, deps);
}
