// Lines of line protocol encoded end to end in one growing buffer: the request body of a write,
// without a string per line, a joined string per request, or the copy fetch makes of a string
// body. A batch of 5 000 points is one buffer; any run of its lines is a slice of it, which is
// what the refusal bisection (batch-writer.ts) sends.
import { formatFloat } from "./line-protocol.ts";

const NEWLINE = 0x0a;
const SPACE = 0x20;
const ZERO = 0x30;
const MINUS = 0x2d;

export class LineBuffer {
  #buf: Buffer;
  #length = 0;
  /** #starts[i] is where line i begins; #starts[count] is where the next one will. */
  #starts: number[] = [0];

  constructor(expectedBytes = 64 * 1024) {
    this.#buf = Buffer.allocUnsafe(Math.max(256, expectedBytes));
  }

  /** Forgets the lines, keeping the buffer for the next batch (one grown past `keepBytes` is let go). */
  reset(keepBytes = 4 * 1024 * 1024): void {
    this.#length = 0;
    this.#starts.length = 1;
    if (this.#buf.length > keepBytes) this.#buf = Buffer.allocUnsafe(keepBytes);
  }

  /** Lines so far. */
  get count(): number {
    return this.#starts.length - 1;
  }

  /** Appends `<prefix><value> <time>`: `prefix` is a series' encoded `measurement,tags field=`
   * (UTF-8), `value` a finite float, `time` an integer timestamp. */
  appendPoint(prefix: Uint8Array, value: number, time: number): void {
    const digits = formatFloat(value);
    // Digits, sign, point and exponent are ASCII: one byte each. A time has at most 21 characters.
    this.#reserve(prefix.length + digits.length + 24);
    const buf = this.#buf;
    let at = this.#length;
    buf.set(prefix, at);
    at += prefix.length;
    for (let i = 0; i < digits.length; i++) buf[at++] = digits.charCodeAt(i);
    buf[at++] = SPACE;
    at = writeInteger(buf, at, time);
    this.#endLine(at);
  }

  /** Appends one already encoded line (without its newline). */
  appendLine(line: string): void {
    this.#reserve(3 * line.length + 1);
    this.#endLine(this.#length + this.#buf.write(line, this.#length, "utf8"));
  }

  /** Lines [from, to) as one request body, newline-separated; valid until the next append. */
  body(from: number, to: number): Buffer {
    // Each line's newline is written with it; the body leaves out the last one.
    return this.#buf.subarray(this.#starts[from], this.#starts[to]! - 1);
  }

  /** Line i as text, for messages. */
  line(i: number): string {
    return this.#buf.toString("utf8", this.#starts[i], this.#starts[i + 1]! - 1);
  }

  #endLine(at: number): void {
    this.#buf[at++] = NEWLINE;
    this.#length = at;
    this.#starts.push(at);
  }

  #reserve(bytes: number): void {
    if (this.#length + bytes <= this.#buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.#length + bytes, 2 * this.#buf.length));
    this.#buf.copy(grown, 0, 0, this.#length);
    this.#buf = grown;
  }
}

/** Writes a safe integer in decimal at `at`; returns where it ends. */
function writeInteger(buf: Buffer, at: number, n: number): number {
  if (!Number.isSafeInteger(n)) throw new RangeError(`a timestamp must be a safe integer, not ${n}`);
  if (n < 0) {
    buf[at++] = MINUS;
    n = -n;
  }
  let width = 1;
  for (let p = 10; p <= n; p *= 10) width++;
  let rest = n;
  for (let i = at + width - 1; i >= at; i--) {
    const q = Math.floor(rest / 10);
    buf[i] = ZERO + (rest - q * 10);
    rest = q;
  }
  return at + width;
}
