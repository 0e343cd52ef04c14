// The one place parts are assembled from the configuration: logger, site, stores, shutdown.
import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { type Logger, pino } from "pino";
import { SiteRegistry } from "../model/registry.ts";
import type { Site } from "../model/site.ts";
import { loadSiteFile } from "../model/site-file.ts";
import { generateSite } from "../simulators/site-generator.ts";
import type { DeadLetterStore } from "../storage/dead-letter-store.ts";
import type { DecisionStore } from "../storage/decision-store.ts";
import { createInfluxDeadLetterStore } from "../storage/influx/dead-letter-store.ts";
import type { InfluxOptions } from "../storage/influx/options.ts";
import { createInfluxTelemetryStore } from "../storage/influx/telemetry-store.ts";
import { createSqliteDeadLetterStore } from "../storage/sqlite/dead-letter-store.ts";
import { createSqliteDecisionStore } from "../storage/sqlite/decision-store.ts";
import { createSqliteTelemetryStore } from "../storage/sqlite/telemetry-store.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import type { Config } from "./config.ts";
import { exitWithNpm } from "./npm-parent.ts";

export function createLogger(config: Config, name: string): Logger {
  return pino({ name, level: config.LOG_LEVEL });
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

export interface Stores {
  telemetry: TelemetryStore;
  deadLetters: DeadLetterStore;
  /** Proposals, verdicts and watch flags: SQLite (DATA_DIR/decisions.db) in both modes. */
  decisions: DecisionStore;
}

/** The telemetry store of the configured kind, not yet connected; `use: "bulk-write"` for a
 * writer that reads little (imports): a smaller SQLite page cache. */
export function createTelemetryStore(
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
