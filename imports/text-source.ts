// A table file's bytes as text: gunzipped when they start with gzip's magic, decoded in the
// declared or detected encoding, with the raw bytes counted and hashed on the way.
import { createHash } from "node:crypto";
import { Readable } from "node:stream";
import { createGunzip } from "node:zlib";
import { oneKindError } from "../model/errors.ts";
import { detectEncoding, type Encoding } from "./sniff.ts";

/** The file could not be read to its end: the upload broke off, the gzip stream is cut or
 * corrupt, the disk failed. What was read before it stays imported. */
export class InputError extends oneKindError("InputError") {}

async function reading<T>(next: () => Promise<T>, compressed: boolean): Promise<T> {
  try {
    return await next();
  } catch (error) {
    if (error instanceof InputError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new InputError(
      compressed && /unexpected end|incorrect header|invalid|zlib|gzip/i.test(message)
        ? `the gzip stream is cut or corrupt (${message})`
        : `the file could not be read to its end (${message})`,
      { cause: error },
    );
  }
}

/** Bytes looked at to detect the encoding. */
const SNIFF_BYTES = 1 << 20;

export interface TextSource {
  encoding: Encoding;
  compressed: boolean;
  text: AsyncIterable<string>;
  /** Raw bytes read so far (compressed bytes for a gzip file). */
  bytesRead(): number;
  /** SHA-256 of the raw bytes, once the text is consumed. */
  sha256(): string;
  /** SHA-256 of the first raw megabyte: who the file is, before it is read whole. */
  headDigest: string;
}

export async function openTextSource(
  input: AsyncIterable<Buffer | Uint8Array | string>,
  declared?: Encoding,
): Promise<TextSource> {
  const hash = createHash("sha256");
  const head = createHash("sha256");
  let headBytes = 0;
  let bytes = 0;
  const iterator = input[Symbol.asyncIterator]();
  const pending: Buffer[] = [];
  const pull = async (): Promise<Buffer | undefined> => {
    const next = await reading(() => iterator.next(), false);
    if (next.done) return undefined;
    const chunk =
      typeof next.value === "string"
        ? Buffer.from(next.value)
        : Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
    bytes += chunk.length;
    hash.update(chunk);
    if (headBytes < SNIFF_BYTES) {
      const part = chunk.subarray(0, SNIFF_BYTES - headBytes);
      head.update(part);
      headBytes += part.length;
    }
    return chunk;
  };
  // Read the first megabyte (or the whole file) to know who it is.
  while (headBytes < SNIFF_BYTES) {
    const chunk = await pull();
    if (chunk === undefined) break;
    pending.push(chunk);
  }
  const headDigest = head.digest("hex");
  const first = pending[0];
  const compressed = first !== undefined && first.length >= 2 && first[0] === 0x1f && first[1] === 0x8b;
  async function* raw(): AsyncGenerator<Buffer> {
    while (pending.length > 0) yield pending.shift()!;
    for (;;) {
      const chunk = await pull();
      if (chunk === undefined) return;
      yield chunk;
    }
  }
  let decompressed: AsyncIterable<Buffer> = raw();
  if (compressed) {
    const gunzip = createGunzip();
    Readable.from(raw())
      .on("error", (e) => gunzip.destroy(e))
      .pipe(gunzip);
    decompressed = gunzip;
  }
  // Detect the encoding on the first decompressed megabyte.
  const plainIterator = decompressed[Symbol.asyncIterator]();
  const plainHead: Buffer[] = [];
  let plainBytes = 0;
  while (plainBytes < SNIFF_BYTES) {
    const next = await reading(() => plainIterator.next(), compressed);
    if (next.done) break;
    plainHead.push(next.value);
    plainBytes += next.value.length;
  }
  const encoding = declared ?? detectEncoding(Buffer.concat(plainHead).subarray(0, SNIFF_BYTES));
  async function* text(): AsyncGenerator<string> {
    const decoder = new TextDecoder(encoding, { ignoreBOM: false });
    for (const chunk of plainHead) yield decoder.decode(chunk, { stream: true });
    plainHead.length = 0;
    for (;;) {
      const next = await reading(() => plainIterator.next(), compressed);
      if (next.done) break;
      yield decoder.decode(next.value, { stream: true });
    }
    const rest = decoder.decode();
    if (rest !== "") yield rest;
  }
  return {
    encoding,
    compressed,
    text: text(),
    bytesRead: () => bytes,
    sha256: () => hash.copy().digest("hex"),
    headDigest,
  };
}
