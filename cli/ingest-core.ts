// Assembles ingest's core from the configuration: journal, writer and pipeline. The broker side
// (embedded aedes or an external broker's subscriber) is added by the command.
import { join } from "node:path";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { createJournal, type Journal } from "../ingest/journal.ts";
import { LetterBudget } from "../ingest/letter-budget.ts";
import { type IngestLimits, ingestLimitsSchema } from "../ingest/limits.ts";
import { createIngestMetrics, type IngestMetrics } from "../ingest/metrics.ts";
import { createIngestPipeline, type IngestPipeline } from "../ingest/pipeline.ts";
import { createStoreWriteMetrics } from "../ingest/prometheus.ts";
import { createJournalWriter, type JournalWriter } from "../ingest/writer.ts";
import { writerConfigFor } from "../ingest/writer-batching.ts";
import type { SiteRegistry } from "../model/registry.ts";
import type { Config } from "./config.ts";
import type { Stores } from "./wiring.ts";

export interface IngestCore {
  journal: Journal;
  writer: JournalWriter;
  pipeline: IngestPipeline;
  metrics: IngestMetrics;
  /** Shared by the pipeline and the embedded broker's refusals. */
  letterBudget: LetterBudget;
  /** Histograms of store writes (batch size, latency), for /metrics. */
  storeWriteMetrics: Registry;
  /** Drains what the journal holds into the stores, then closes the journal. */
  close(): Promise<void>;
}

export function limitsFrom(config: Config): IngestLimits {
  return ingestLimitsSchema.parse({
    maxPayloadBytes: config.INGEST_MAX_PAYLOAD_BYTES,
    maxReadingsPerMessage: config.INGEST_MAX_READINGS_PER_MESSAGE,
    maxFutureSkewMs: config.INGEST_MAX_FUTURE_SKEW_S * 1000,
    maxPastAgeMs: config.INGEST_MAX_PAST_AGE_DAYS * 86_400_000,
  });
}

export async function openIngestCore(
  config: Config,
  registry: SiteRegistry,
  stores: Stores,
  logger: Logger,
): Promise<IngestCore> {
  const metrics = createIngestMetrics();
  const storeWrites = createStoreWriteMetrics();
  const segmentBytes = Math.min(16 * 1024 * 1024, Math.floor(config.JOURNAL_MAX_BYTES / 4));
  const journal = createJournal(
    {
      dir: join(config.DATA_DIR, "journal"),
      maxBytes: config.JOURNAL_MAX_BYTES,
      segmentBytes,
      fsyncIntervalMs: config.JOURNAL_FSYNC_INTERVAL_MS,
    },
    { logger, metrics },
  );
  await journal.open();
  const writer = createJournalWriter(writerConfigFor(config.STORE), {
    journal,
    store: stores.telemetry,
    deadLetters: stores.deadLetters,
    logger,
    metrics,
    observer: storeWrites.observer,
  });
  writer.start();
  const letterBudget = new LetterBudget(config.INGEST_MAX_DEAD_LETTERS_PER_HOUR, registry);
  const pipeline = createIngestPipeline({
    registry,
    limits: limitsFrom(config),
    journal,
    metrics,
    logger,
    letterBudget,
  });
  return {
    journal,
    writer,
    pipeline,
    metrics,
    letterBudget,
    storeWriteMetrics: storeWrites.registry,
    async close() {
      await writer.close();
      await journal.close();
    },
  };
}
