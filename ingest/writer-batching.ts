// How the writer batches for each kind of telemetry store: what `start` and `ingest` give it,
// and what the bench measures.
import type { WriterConfig } from "./writer.ts";

/** How the writer batches for each store. A SQLite commit costs an fsync and a rewrite of every
 * page the batch touched (at least one per series written), whatever the batch's size, so SQLite
 * gets fewer, larger batches, one at a time (its writes run on the event loop: nothing to
 * overlap); InfluxDB keeps the writer's defaults (5 000, two writes in flight). */
export function writerConfigFor(store: "sqlite" | "influx"): WriterConfig {
  return store === "sqlite" ? { maxBatch: 20_000, maxDelayMs: 100, concurrency: 1 } : {};
}
