// Writes lines of line protocol in requests of at most batchSize lines and finds exactly which
// lines InfluxDB refused: a partial write names how many it dropped but not which, so the
// request is bisected until each refused line stands alone. Points InfluxDB accepted are
// stored at the first attempt; re-sending them while bisecting is harmless (same identity).
import { type InfluxClient, InfluxError, type WriteOptions } from "./client.ts";

export interface LineRejection {
  /** Index of the line in the array given to writeLines. */
  index: number;
  reason: string;
}

function refusal(error: unknown): InfluxError | undefined {
  // 400/422 and partial writes are about the points themselves: never retried as they are.
  if (
    error instanceof InfluxError &&
    (error.code === "influx_partial_write" || error.code === "influx_bad_request")
  ) {
    return error;
  }
  return undefined;
}

async function writeChunk(
  client: InfluxClient,
  lines: readonly string[],
  indices: readonly number[],
  options: WriteOptions,
  rejections: LineRejection[],
): Promise<void> {
  let refused: InfluxError | undefined;
  try {
    await client.write(indices.map((i) => lines[i]).join("\n"), options);
    return;
  } catch (error) {
    if (error instanceof InfluxError && error.code === "influx_too_large" && indices.length > 1) {
      const half = Math.ceil(indices.length / 2);
      await writeChunk(client, lines, indices.slice(0, half), options, rejections);
      await writeChunk(client, lines, indices.slice(half), options, rejections);
      return;
    }
    refused = refusal(error);
    if (refused === undefined) throw error;
  }
  const dropped = refused.partial?.dropped;
  if (indices.length === 1 || dropped === indices.length) {
    for (const index of indices) rejections.push({ index, reason: refused.message });
    return;
  }
  await bisect(client, lines, indices, options, rejections, dropped);
}

/** Finds the refused lines among `indices`, `expected` of them when InfluxDB said how many. */
async function bisect(
  client: InfluxClient,
  lines: readonly string[],
  indices: readonly number[],
  options: WriteOptions,
  rejections: LineRejection[],
  expected: number | undefined,
): Promise<void> {
  const half = Math.ceil(indices.length / 2);
  const before = rejections.length;
  await writeChunk(client, lines, indices.slice(0, half), options, rejections);
  const foundLeft = rejections.length - before;
  // Everything refused was in the left half: the right half was stored by the first request.
  if (expected !== undefined && foundLeft >= expected) return;
  await writeChunk(client, lines, indices.slice(half), options, rejections);
}

/** Writes every line; resolves with the lines InfluxDB refused, throws when a retry is needed. */
export async function writeLines(
  client: InfluxClient,
  lines: readonly string[],
  options: WriteOptions,
  batchSize: number,
): Promise<LineRejection[]> {
  const rejections: LineRejection[] = [];
  for (let start = 0; start < lines.length; start += batchSize) {
    const indices: number[] = [];
    for (let i = start; i < Math.min(lines.length, start + batchSize); i++) indices.push(i);
    await writeChunk(client, lines, indices, options, rejections);
  }
  return rejections.sort((a, b) => a.index - b.index);
}
