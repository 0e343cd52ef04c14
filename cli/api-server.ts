// Builds the API from the configuration, the same way for `start` and `api`: token verifier
// (embedded secret in DATA_DIR, plus OIDC when configured), limits, consents and the
// retention job that reduces unconsented fine-grained dwelling data to daily.

import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { buildApp } from "../api/app.ts";
import { createVerifierFromSettings } from "../api/auth/setup.ts";
import { createRetentionJob } from "../api/retention.ts";
import type { ReadinessCheck } from "../api/routes/ops.ts";
import { createGuardService } from "../guard/service.ts";
import type { SiteRegistry } from "../model/registry.ts";
import { createInfluxFineDataPruner } from "../storage/influx/fine-data-pruner.ts";
import { createSqliteConsentStore } from "../storage/sqlite/consent-store.ts";
import { createSqliteImportLedger, importLedgerPath } from "../storage/sqlite/import-ledger.ts";
import { createSqliteSignInCodeStore, signInCodesPath } from "../storage/sqlite/sign-in-code-store.ts";
import type { Config } from "./config.ts";
import { influxOptionsFrom, type Stores } from "./wiring.ts";

export interface ApiServer {
  app: FastifyInstance;
  /** Stops the retention job and closes the app and the consent store. */
  close(): Promise<void>;
}

export async function buildApiServer(
  config: Config,
  registry: SiteRegistry,
  stores: Stores,
  readiness: ReadinessCheck[],
  logger: Logger,
  extraMetrics: Registry[] = [],
): Promise<ApiServer> {
  // Consents live in SQLite in both modes: beside the telemetry in its file, or in
  // DATA_DIR/consents.db when telemetry is on InfluxDB, whose pruner deletes raw points there.
  const consents = createSqliteConsentStore({
    path: config.STORE === "sqlite" ? config.SQLITE_PATH : join(config.DATA_DIR, "consents.db"),
  });
  await consents.connect();
  const signInCodes = createSqliteSignInCodeStore({ path: signInCodesPath(config.DATA_DIR) });
  await signInCodes.connect();
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
      guard: createGuardService({
        telemetry: stores.telemetry,
        registry,
        decisions: stores.decisions,
        logger,
      }),
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
      extraMetrics,
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
