// Prometheus exposition of ingest's counters (prom-client). The hot path only increments plain
// numbers (metrics.ts); this module turns them into metrics when Prometheus scrapes.
import { Counter, Gauge, Histogram, Registry } from "prom-client";
import { REJECTION_REASONS } from "../model/dead-letter.ts";
import type { IngestMetrics } from "./metrics.ts";
import type { StoreWriteObserver } from "./writer.ts";

export interface IngestGaugeSources {
  /** Bytes held by the journal (the spool). */
  spoolBytes(): number;
  /** Journal entries not yet confirmed by the store. */
  spoolEntries(): number;
  /** 1 when connected to the broker (or the embedded broker listens), else 0. */
  brokerConnected(): boolean;
  /** True while store writes fail for the server's or the operator's reason (writer.storeFailure). */
  storeFailing(): boolean;
}

/** A counter that follows a total kept elsewhere: each scrape adds what it grew by. */
function followingCounter(registry: Registry, name: string, help: string, read: () => number): void {
  let seen = 0;
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read();
      if (now > seen) this.inc(now - seen);
      seen = now;
    },
  });
}

/** Histograms of store writes: how many readings per batch and how long each write took. */
export function createStoreWriteMetrics(): { registry: Registry; observer: StoreWriteObserver } {
  const registry = new Registry();
  const size = new Histogram({
    name: "ingest_store_batch_readings",
    help: "Readings per store write",
    buckets: [1, 10, 100, 500, 1_000, 5_000, 10_000, 20_000, 50_000],
    registers: [registry],
  });
  const latency = new Histogram({
    name: "ingest_store_write_seconds",
    help: "Duration of a successful store write",
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [registry],
  });
  return {
    registry,
    observer: {
      storeWrite(readings, seconds) {
        size.observe(readings);
        latency.observe(seconds);
      },
    },
  };
}

export function createIngestRegistry(metrics: IngestMetrics, gauges: IngestGaugeSources): Registry {
  const registry = new Registry();
  followingCounter(
    registry,
    "ingest_messages_total",
    "MQTT messages handed to ingest",
    () => metrics.messages,
  );
  followingCounter(
    registry,
    "ingest_messages_refused_total",
    "Messages not acknowledged: journal full or failing",
    () => metrics.messagesRefused,
  );
  followingCounter(
    registry,
    "ingest_readings_received_total",
    "Readings accepted into the journal",
    () => metrics.readingsAccepted,
  );
  followingCounter(
    registry,
    "ingest_readings_timed_at_receipt_total",
    "Readings timed from their time of receipt (no device time, or a SenML time relative to now)",
    () => metrics.readingsTimedAtReceipt,
  );
  followingCounter(
    registry,
    "ingest_readings_receipt_time_moved_total",
    "Receipt-timed readings moved to the next free millisecond of their series",
    () => metrics.readingsReceiptTimeMoved,
  );
  followingCounter(
    registry,
    "ingest_dead_letters_summarised_total",
    "Dead letters counted in an hourly summary letter instead of kept: their source was over INGEST_MAX_DEAD_LETTERS_PER_HOUR",
    () => metrics.deadLettersSummarised,
  );
  followingCounter(
    registry,
    "ingest_readings_stored_total",
    "Readings the store confirmed",
    () => metrics.readingsStored,
  );
  followingCounter(
    registry,
    "ingest_store_batches_total",
    "Batches written to the store",
    () => metrics.storeBatches,
  );
  followingCounter(
    registry,
    "ingest_store_retries_total",
    "Store writes retried after a failure",
    () => metrics.storeRetries,
  );
  followingCounter(
    registry,
    "ingest_messages_throttled_total",
    "Publishes held back: client over its message rate",
    () => metrics.messagesThrottled,
  );
  followingCounter(
    registry,
    "ingest_mqtt_logins_refused_total",
    "MQTT logins the embedded broker refused",
    () => metrics.loginsRefused,
  );
  followingCounter(
    registry,
    "ingest_journal_corrupt_records_total",
    "Torn or corrupt journal records skipped",
    () => metrics.journalCorruptRecords,
  );
  const seen = new Map<string, number>();
  new Counter({
    name: "ingest_readings_rejected_total",
    help: "Readings refused, by reason (each is a dead letter)",
    labelNames: ["reason"],
    registers: [registry],
    collect() {
      for (const reason of REJECTION_REASONS) {
        const now = metrics.deadLetters[reason] ?? 0;
        const before = seen.get(reason) ?? 0;
        this.inc({ reason }, Math.max(0, now - before));
        seen.set(reason, now);
      }
    },
  });
  const blames = new Map<string, number>();
  new Counter({
    name: "ingest_store_errors_total",
    help: "Failed store writes, each retried: blame server (down, slow) or operator (auth, missing database, limits)",
    labelNames: ["blame"],
    registers: [registry],
    collect() {
      for (const blame of ["server", "operator", "data"] as const) {
        const now = metrics.storeErrors[blame] ?? 0;
        this.inc({ blame }, Math.max(0, now - (blames.get(blame) ?? 0)));
        blames.set(blame, now);
      }
    },
  });
  new Gauge({
    name: "ingest_store_failing",
    help: "1 while store writes fail and readings wait in the journal",
    registers: [registry],
    collect() {
      this.set(gauges.storeFailing() ? 1 : 0);
    },
  });
  new Gauge({
    name: "ingest_spool_bytes",
    help: "Bytes held by the journal, waiting for or confirmed by the store",
    registers: [registry],
    collect() {
      this.set(gauges.spoolBytes());
    },
  });
  new Gauge({
    name: "ingest_spool_entries",
    help: "Journal entries (messages) not yet written to the store",
    registers: [registry],
    collect() {
      this.set(gauges.spoolEntries());
    },
  });
  new Gauge({
    name: "ingest_mqtt_connected",
    help: "1 when ingest is connected to its MQTT broker",
    registers: [registry],
    collect() {
      this.set(gauges.brokerConnected() ? 1 : 0);
    },
  });
  return registry;
}
