// The real ingest chain for service tests and the bench: a small site, a journal, SQLite stores
// in a temp folder, the writer and the pipeline. `crash()` drops it all without flushing.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Logger } from "pino";
import pino from "pino";
import { createDeviceAccess } from "../../ingest/device-access.ts";
import {
  createEmbeddedBroker,
  type EmbeddedBroker,
  type EmbeddedBrokerConfig,
} from "../../ingest/embedded-broker.ts";
import { createJournal, type Journal, type JournalConfig } from "../../ingest/journal.ts";
import { ingestLimitsSchema } from "../../ingest/limits.ts";
import { createIngestMetrics, type IngestMetrics } from "../../ingest/metrics.ts";
import { createIngestPipeline, type IngestPipeline } from "../../ingest/pipeline.ts";
import { createJournalWriter, type JournalWriter, type WriterConfig } from "../../ingest/writer.ts";
import { SiteRegistry } from "../../model/registry.ts";
import { type Site, siteSchema } from "../../model/site.ts";
import type { DeadLetterStore } from "../../storage/dead-letter-store.ts";
import { createSqliteDeadLetterStore } from "../../storage/sqlite/dead-letter-store.ts";
import { createSqliteTelemetryStore } from "../../storage/sqlite/telemetry-store.ts";
import type { TelemetryStore } from "../../storage/telemetry-store.ts";

export const BUILDING = "b1";
export const DWELLINGS = 20;

/** One building, `dwellings` dwellings each with a temperature sensor "t" and an electricity meter "elec". */
export function testRegistry(dwellings = DWELLINGS): SiteRegistry {
  return new SiteRegistry(
    siteSchema.parse({
      id: "site",
      name: "Test site",
      buildings: [
        {
          id: BUILDING,
          name: "Résidence des Tilleuls",
          dwellings: Array.from({ length: dwellings }, (_, i) => ({
            id: `d${i}`,
            areaM2: 50,
            sensors: [
              { id: "t", quantity: "temperature" },
              { id: "elec", quantity: "electricity" },
            ],
          })),
        },
      ],
    }),
  );
}

export interface IngestStack {
  dir: string;
  registry: SiteRegistry;
  journal: Journal;
  store: TelemetryStore;
  deadLetters: DeadLetterStore;
  writer: JournalWriter;
  pipeline: IngestPipeline;
  metrics: IngestMetrics;
  logger: Logger;
  /** Graceful: flush the writer, close journal and stores. */
  close(): Promise<void>;
  /** The process "dies": writer stopped without flushing, journal left open, stores closed. */
  crash(): Promise<void>;
}

export async function openStack(
  options: {
    dir?: string;
    dwellings?: number;
    journal?: Partial<JournalConfig>;
    writer?: WriterConfig;
    logger?: Logger;
  } = {},
): Promise<IngestStack> {
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "ingest-"));
  const logger = options.logger ?? pino({ level: "silent" });
  const metrics = createIngestMetrics();
  const registry = testRegistry(options.dwellings);
  const journal = createJournal({ dir: join(dir, "journal"), ...options.journal }, { logger, metrics });
  const store = createSqliteTelemetryStore({ path: join(dir, "telemetry.db") });
  const deadLetters = createSqliteDeadLetterStore({ path: join(dir, "dead-letters.db") });
  await journal.open();
  await store.connect();
  await deadLetters.connect();
  const writer = createJournalWriter(options.writer ?? {}, { journal, store, deadLetters, logger, metrics });
  writer.start();
  const limits = ingestLimitsSchema.parse({});
  const pipeline = createIngestPipeline({ registry, limits, journal, metrics, logger });
  return {
    dir,
    registry,
    journal,
    store,
    deadLetters,
    writer,
    pipeline,
    metrics,
    logger,
    async close() {
      await writer.close();
      await journal.close();
      await store.close();
      await deadLetters.close();
    },
    async crash() {
      await writer.close(0);
      await store.close();
      await deadLetters.close();
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** The embedded broker with device accounts on a stack's journal, for the site given: its own
 * registry, pipeline and device access. `close()` stops the broker, then the stack. */
export async function openBrokerStack(
  site: Site,
  config: EmbeddedBrokerConfig = {},
): Promise<{ stack: IngestStack; broker: EmbeddedBroker; close(): Promise<void> }> {
  const stack = await openStack();
  const registry = new SiteRegistry(site);
  const { journal, metrics, logger } = stack;
  const pipeline = createIngestPipeline({
    registry,
    limits: ingestLimitsSchema.parse({}),
    journal,
    metrics,
    logger,
  });
  const access = createDeviceAccess({ registry, journal, metrics, logger });
  const broker = createEmbeddedBroker({ port: 0, ...config }, { pipeline, logger, access, metrics });
  await broker.listen();
  return {
    stack,
    broker,
    async close() {
      await broker.close();
      await stack.close();
      removeDir(stack.dir);
    },
  };
}
