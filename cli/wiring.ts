// The one place parts are assembled from the configuration: the logger and the site; the stores
// (telemetry, dead letters, decisions, consents, sign-in codes, the import ledger); the guard
// service; ingest's core (journal, writer, pipeline) and its broker side (the embedded broker or
// an external broker's subscriber, the InfluxDB rollups); the API with its token verifier,
// readiness checks and retention job; shutdown. Commands take their parts from here and run
// them; routes receive theirs through buildApp.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { type Logger, pino } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";
import { buildApp } from "../api/app.ts";
import { createVerifierFromSettings } from "../api/auth/setup.ts";
import { createRetentionJob } from "../api/retention.ts";
import type { ReadinessCheck } from "../api/routes/ops.ts";
import { createGuardService, type GuardDeps, type GuardService } from "../guard/service.ts";
import { createDeviceAccess } from "../ingest/device-access.ts";
import { createEmbeddedBroker, type EmbeddedBroker } from "../ingest/embedded-broker.ts";
import { createJournal, type Journal } from "../ingest/journal.ts";
import { LetterBudget } from "../ingest/letter-budget.ts";
import { type IngestLimits, ingestLimitsSchema } from "../ingest/limits.ts";
import { createIngestMetrics, type IngestMetrics } from "../ingest/metrics.ts";
import {
  createMqttSubscriber,
  type MqttSubscriber,
  sourceSubscriptionTopics,
} from "../ingest/mqtt-subscriber.ts";
import { createIngestPipeline, type IngestPipeline } from "../ingest/pipeline.ts";
import { createIngestRegistry, createStoreWriteMetrics } from "../ingest/prometheus.ts";
import { createJournalWriter, describeStoreFailure, type JournalWriter } from "../ingest/writer.ts";
import { writerConfigFor } from "../ingest/writer-batching.ts";
import { SiteRegistry } from "../model/registry.ts";
import type { Site } from "../model/site.ts";
import { loadSiteFile } from "../model/site-file.ts";
import { generateSite } from "../simulators/site-generator.ts";
import type { DeadLetterStore } from "../storage/dead-letter-store.ts";
import type { DecisionStore } from "../storage/decision-store.ts";
import type { ImportLedger } from "../storage/import-ledger.ts";
import { createInfluxDailyRollup, type DailyRollup } from "../storage/influx/daily-rollup.ts";
import { createInfluxDeadLetterStore } from "../storage/influx/dead-letter-store.ts";
import { createInfluxFineDataPruner } from "../storage/influx/fine-data-pruner.ts";
import type { InfluxOptions } from "../storage/influx/options.ts";
import { createInfluxTelemetryStore } from "../storage/influx/telemetry-store.ts";
import type { SignInCodeStore } from "../storage/sign-in-code-store.ts";
import { createSqliteConsentStore, type SqliteConsentStore } from "../storage/sqlite/consent-store.ts";
import { createSqliteDeadLetterStore } from "../storage/sqlite/dead-letter-store.ts";
import { createSqliteDecisionStore } from "../storage/sqlite/decision-store.ts";
import { createSqliteImportLedger, importLedgerPath } from "../storage/sqlite/import-ledger.ts";
import { createSqliteSignInCodeStore, signInCodesPath } from "../storage/sqlite/sign-in-code-store.ts";
import { createSqliteTelemetryStore } from "../storage/sqlite/telemetry-store.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import type { Config } from "./config.ts";
import { exitWithNpm } from "./npm-parent.ts";
import { tcpProbe } from "./probes.ts";

// ---------------------------------------------------------------- logger, site, options

export function createLogger(config: Config, name: string): Logger {
  return pino({ name, level: config.LOG_LEVEL });
}

/** For commands whose stdout holds only their report (or JSON): logs go to stderr. */
export function stderrLogger(config: Config, name: string): Logger {
  return pino({ name, level: config.LOG_LEVEL }, pino.destination(2));
}

export function loadSite(config: Config): Site {
  if (config.SITE_FILE) return loadSiteFile(config.SITE_FILE);
  return generateSite({
    seed: config.SITE_SEED,
    buildings: config.SITE_BUILDINGS,
    dwellingsPerBuilding: config.SITE_DWELLINGS,
  });
}

export function loadRegistry(config: Config): SiteRegistry {
  return new SiteRegistry(loadSite(config));
}

/** `timeZone`: the site's, which the rollups' days follow. */
export function influxOptionsFrom(config: Config, timeZone: string): InfluxOptions {
  return {
    url: config.INFLUX_URL,
    database: config.INFLUX_DATABASE,
    timeZone,
    retentionPolicy: config.INFLUX_RETENTION_POLICY,
    rollupDatabase: config.INFLUX_ROLLUP_DATABASE,
    username: config.INFLUX_USERNAME,
    password: config.INFLUX_PASSWORD,
    token: config.INFLUX_TOKEN,
    createDatabase: config.INFLUX_CREATE_DATABASE,
    rawRetention: config.INFLUX_RAW_RETENTION,
  };
}

function limitsFrom(config: Config): IngestLimits {
  return ingestLimitsSchema.parse({
    maxPayloadBytes: config.INGEST_MAX_PAYLOAD_BYTES,
    maxReadingsPerMessage: config.INGEST_MAX_READINGS_PER_MESSAGE,
    maxFutureSkewMs: config.INGEST_MAX_FUTURE_SKEW_S * 1000,
    maxPastAgeMs: config.INGEST_MAX_PAST_AGE_DAYS * 86_400_000,
  });
}

// ---------------------------------------------------------------- stores

export interface Stores {
  telemetry: TelemetryStore;
  deadLetters: DeadLetterStore;
  /** Proposals, verdicts and watch flags: SQLite (DATA_DIR/decisions.db) in both modes. */
  decisions: DecisionStore;
}

/** The telemetry store of the configured kind, not yet connected; `use: "bulk-write"` for a
 * writer that reads little (imports): a smaller SQLite page cache. */
function createTelemetryStore(
  config: Config,
  timeZone: string,
  use: "serve" | "bulk-write" = "serve",
): TelemetryStore {
  return config.STORE === "influx"
    ? createInfluxTelemetryStore(influxOptionsFrom(config, timeZone))
    : createSqliteTelemetryStore({
        path: config.SQLITE_PATH,
        timeZone,
        ...(use === "bulk-write" ? { cacheMiB: 16 } : {}),
      });
}

/** Opens the stores of the configured kind for a site whose days follow `timeZone`. */
export async function openStores(config: Config, timeZone: string): Promise<Stores> {
  mkdirSync(config.DATA_DIR, { recursive: true });
  let stores: Omit<Stores, "decisions">;
  if (config.STORE === "influx") {
    const influx = influxOptionsFrom(config, timeZone);
    stores = {
      telemetry: createTelemetryStore(config, timeZone),
      deadLetters: createInfluxDeadLetterStore(influx),
    };
  } else {
    stores = {
      telemetry: createTelemetryStore(config, timeZone),
      deadLetters: createSqliteDeadLetterStore({ path: join(config.DATA_DIR, "dead-letters.db") }),
    };
  }
  const decisions = createSqliteDecisionStore({ path: join(config.DATA_DIR, "decisions.db") });
  await stores.telemetry.connect();
  await stores.deadLetters.connect();
  await decisions.connect();
  return { ...stores, decisions };
}

export async function closeStores(stores: Stores): Promise<void> {
  await Promise.allSettled([stores.telemetry.close(), stores.deadLetters.close(), stores.decisions.close()]);
}

/** What `import` writes to, neither yet connected (the command says which one failed): the
 * telemetry store for bulk writes and the import ledger (DATA_DIR/imports.db). */
export function createImportTargets(
  config: Config,
  timeZone: string,
): { store: TelemetryStore; ledger: ImportLedger } {
  mkdirSync(config.DATA_DIR, { recursive: true });
  return {
    store: createTelemetryStore(config, timeZone, "bulk-write"),
    ledger: createSqliteImportLedger({ path: importLedgerPath(config.DATA_DIR) }),
  };
}

/** One-time sign-in codes (DATA_DIR/sign-in-codes.db): `token --link` writes them, the API
 * spends them. */
export async function openSignInCodes(config: Config): Promise<SignInCodeStore> {
  const store = createSqliteSignInCodeStore({ path: signInCodesPath(config.DATA_DIR) });
  await store.connect();
  return store;
}

/** Consents live in SQLite in both modes: beside the telemetry in its file, or in
 * DATA_DIR/consents.db when telemetry is on InfluxDB, whose pruner deletes raw points there. */
async function openConsents(config: Config): Promise<SqliteConsentStore> {
  const consents = createSqliteConsentStore({
    path: config.STORE === "sqlite" ? config.SQLITE_PATH : join(config.DATA_DIR, "consents.db"),
  });
  await consents.connect();
  return consents;
}

// ---------------------------------------------------------------- the guard

/** What the guard reads and writes: the site, its telemetry and the decision store. */
export function guardDeps(registry: SiteRegistry, stores: Stores, logger: Logger): GuardDeps {
  return { telemetry: stores.telemetry, registry, decisions: stores.decisions, logger };
}

/** The guard service on the site's stores, with the default policy. */
export function createGuard(registry: SiteRegistry, stores: Stores, logger: Logger): GuardService {
  return createGuardService(guardDeps(registry, stores, logger));
}

// ---------------------------------------------------------------- ingest

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

/** Ingest's core: journal, writer and pipeline. The broker side (embedded aedes or an external
 * broker's subscriber) is added by the command. */
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

/** The embedded aedes broker with ingest in its publish hook and the site's device accounts,
 * not yet listening. */
export function createBroker(
  config: Config,
  registry: SiteRegistry,
  core: IngestCore,
  logger: Logger,
): EmbeddedBroker {
  const access = createDeviceAccess({
    registry,
    journal: core.journal,
    metrics: core.metrics,
    logger,
    letterBudget: core.letterBudget,
  });
  return createEmbeddedBroker(
    {
      host: config.MQTT_HOST,
      port: config.MQTT_PORT,
      clientRate: { perSecond: config.INGEST_CLIENT_MAX_MSG_PER_S, burst: config.INGEST_CLIENT_BURST },
      // As the shipped Mosquitto: a message too large for ingest still reaches it and is
      // dead-lettered; only one four times larger is refused by the broker.
      maxPacketBytes: 4 * config.INGEST_MAX_PAYLOAD_BYTES,
    },
    { pipeline: core.pipeline, logger, access, metrics: core.metrics },
  );
}

/** The subscription to the external broker (MQTT_URL) with a persistent session, not yet
 * connected: telemetry and the topics of the site's sources. */
export function createSubscriber(
  config: Config,
  registry: SiteRegistry,
  core: IngestCore,
  logger: Logger,
): MqttSubscriber {
  return createMqttSubscriber(
    {
      url: config.MQTT_URL,
      clientId: config.MQTT_CLIENT_ID,
      username: config.MQTT_USERNAME,
      password: config.MQTT_PASSWORD,
      topic: config.MQTT_TOPIC,
      topics: sourceSubscriptionTopics(config.MQTT_TOPIC, registry.sourceSubscriptions),
      leaveSharedOnStop: config.MQTT_LEAVE_SHARED_ON_STOP,
    },
    { pipeline: core.pipeline, logger },
  );
}

let processRegistry: Registry | undefined;

/** The process's own metrics (process_*, nodejs_*), under the names Node.js dashboards expect,
 * collected once per process however many parts serve a /metrics. */
export function processMetrics(): Registry {
  if (processRegistry === undefined) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Ingest's metrics and its store writes' histograms, for a /metrics (without the process's). */
export function ingestPrometheus(core: IngestCore, brokerConnected: () => boolean): Registry {
  return Registry.merge([
    createIngestRegistry(core.metrics, {
      spoolBytes: () => core.journal.stats().bytes,
      spoolEntries: () => core.journal.stats().unread,
      brokerConnected,
      storeFailing: () => core.writer.storeFailure !== null,
    }),
    core.storeWriteMetrics,
  ]);
}

/** InfluxDB's daily rollups, when this process is to roll them (STORE=influx and
 * INFLUX_ROLLUP_JOB); undefined otherwise. */
export function createRollup(config: Config, timeZone: string): DailyRollup | undefined {
  return config.STORE === "influx" && config.INFLUX_ROLLUP_JOB
    ? createInfluxDailyRollup(influxOptionsFrom(config, timeZone))
    : undefined;
}

// ---------------------------------------------------------------- the API

/** What /readyz checks: the store, and in the embedded mode the writer's store writes and the
 * broker. */
export function apiReadiness(
  config: Config,
  stores: Stores,
  embedded?: { core: IngestCore; broker: EmbeddedBroker },
): ReadinessCheck[] {
  const checks: ReadinessCheck[] = [{ name: "store", check: () => stores.telemetry.ping() }];
  if (embedded) {
    const { core, broker } = embedded;
    checks.push(
      {
        name: "store writes",
        check: async () => {
          const failure = core.writer.storeFailure;
          if (failure) throw new Error(describeStoreFailure(failure));
        },
      },
      { name: "broker", check: () => tcpProbe(config.MQTT_HOST, broker.port) },
    );
  }
  return checks;
}

export interface ApiServer {
  app: FastifyInstance;
  /** Stops the retention job and closes the app and the stores it opened. */
  close(): Promise<void>;
}

/** The API, the same way for `start` and `api`: the stores given, plus consents, sign-in codes
 * and the import ledger (opened here), the guard service, the token verifier (embedded secret
 * in DATA_DIR, plus OIDC when configured) and limits; and the retention job that reduces
 * unconsented fine-grained dwelling data to daily, started. Not yet listening. */
export async function openApiServer(
  config: Config,
  registry: SiteRegistry,
  stores: Stores,
  readiness: ReadinessCheck[],
  logger: Logger,
  extraMetrics: Registry[] = [],
): Promise<ApiServer> {
  const consents = await openConsents(config);
  const signInCodes = await openSignInCodes(config);
  const imports = createSqliteImportLedger({ path: importLedgerPath(config.DATA_DIR) });
  await imports.connect();
  const pruner =
    config.STORE === "sqlite"
      ? consents
      : createInfluxFineDataPruner(influxOptionsFrom(config, registry.site.timezone), consents);
  const app = await buildApp(
    {
      registry,
      store: stores.telemetry,
      deadLetters: stores.deadLetters,
      decisions: stores.decisions,
      guard: createGuard(registry, stores, logger),
      consents,
      signInCodes,
      imports: {
        ledger: imports,
        maxBytes: config.IMPORT_MAX_BYTES,
        maxFutureSkewMs: config.INGEST_MAX_FUTURE_SKEW_S * 1000,
      },
      readiness,
      fineDays: config.RETENTION_FINE_DAYS,
    },
    {
      logger,
      bodyLimit: config.API_BODY_LIMIT_BYTES,
      rateLimit: { max: config.API_RATE_LIMIT, windowMs: 60_000 },
      extraMetrics: [processMetrics(), ...extraMetrics],
      publicUrl: config.PUBLIC_URL,
      verifyToken: createVerifierFromSettings({
        dataDir: config.DATA_DIR,
        jwksUrl: config.AUTH_JWKS_URL,
        issuer: config.AUTH_ISSUER,
        audience: config.AUTH_AUDIENCE,
      }),
    },
  );
  const retention = createRetentionJob({
    pruner,
    deadLetters: stores.deadLetters,
    fineDays: config.RETENTION_FINE_DAYS,
    timeZone: registry.site.timezone,
    logger,
  });
  retention.start();
  return {
    app,
    async close() {
      await retention.stop();
      await app.close();
      await consents.close();
      await signInCodes.close();
      await imports.close();
    },
  };
}

// ---------------------------------------------------------------- shutdown

/** Runs `stop` once on SIGTERM or SIGINT, then exits; a second signal exits at once. */
export function onShutdown(logger: Logger, stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(1);
    stopping = true;
    logger.info({ signal }, "shutting down");
    stop().then(
      () => {
        logger.info("stopped cleanly");
        logger.flush();
        process.exit(0);
      },
      (error: unknown) => {
        logger.error({ err: error }, "shutdown failed");
        logger.flush();
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", handler);
  process.once("SIGINT", handler);
  exitWithNpm();
}
