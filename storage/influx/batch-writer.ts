// Writes lines of line protocol in requests of at most batchSize lines and finds exactly which
// lines InfluxDB refused: a partial write names how many it dropped but not which, so the
// request is bisected until each refused line stands alone. Points InfluxDB accepted are
// stored at the first attempt; re-sending them while bisecting is harmless (same identity).
import { type InfluxClient, InfluxError, type WriteOptions } from "./client.ts";
import { LineBuffer } from "./line-buffer.ts";

export interface LineRejection {
  /** Index of the line among those given to writeLines. */
  index: number;
  reason: string;
}

function refusal(error: unknown): InfluxError | undefined {
  // Refusals of the points themselves are never retried as they are: they are bisected down to
  // the refused lines. Anything else (auth, a missing database, a limit, an outage) is thrown
  // whole, for the caller to retry.
  return error instanceof InfluxError && error.blame === "data" ? error : undefined;
}

/** Writes lines [from, to), bisecting on refusal. */
async function writeRange(
  client: InfluxClient,
  lines: LineBuffer,
  from: number,
  to: number,
  options: WriteOptions,
  rejections: LineRejection[],
): Promise<void> {
  let refused: InfluxError | undefined;
  try {
    await client.write(lines.body(from, to), options);
    return;
  } catch (error) {
    if (error instanceof InfluxError && error.code === "influx_too_large" && to - from > 1) {
      const half = from + Math.ceil((to - from) / 2);
      await writeRange(client, lines, from, half, options, rejections);
      await writeRange(client, lines, half, to, options, rejections);
      return;
    }
    refused = refusal(error);
    if (refused === undefined) throw error;
  }
  const dropped = refused.partial?.dropped;
  if (to - from === 1 || dropped === to - from) {
    for (let index = from; index < to; index++) rejections.push({ index, reason: refused.message });
    return;
  }
  // Find the refused lines, `dropped` of them when InfluxDB said how many.
  const half = from + Math.ceil((to - from) / 2);
  const before = rejections.length;
  await writeRange(client, lines, from, half, options, rejections);
  // Everything refused was in the left half: the right half was stored by the first request.
  if (dropped !== undefined && rejections.length - before >= dropped) return;
  await writeRange(client, lines, half, to, options, rejections);
}

/** Writes every line; resolves with the lines InfluxDB refused, throws when a retry is needed. */
export async function writeLines(
  client: InfluxClient,
  lines: LineBuffer | readonly string[],
  options: WriteOptions,
  batchSize: number,
): Promise<LineRejection[]> {
  const encoded = lines instanceof LineBuffer ? lines : encodeLines(lines);
  const rejections: LineRejection[] = [];
  for (let from = 0; from < encoded.count; from += batchSize) {
    await writeRange(client, encoded, from, Math.min(encoded.count, from + batchSize), options, rejections);
  }
  return rejections.sort((a, b) => a.index - b.index);
}

function encodeLines(lines: readonly string[]): LineBuffer {
  const buffer = new LineBuffer(lines.reduce((n, l) => n + l.length + 1, 0));
  for (const line of lines) buffer.appendLine(line);
  return buffer;
}
