// Builds the API from the configuration, the same way for `start` and `api`: token verifier
// (embedded secret in DATA_DIR, plus OIDC when configured), limits, consents and the
// retention job that reduces unconsented fine-grained dwelling data to daily.
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import { buildApp } from "../api/app.ts";
import { createVerifierFromSettings } from "../api/auth/setup.ts";
import { createRetentionJob } from "../api/retention.ts";
import type { ReadinessCheck } from "../api/routes/ops.ts";
import type { SiteRegistry } from "../model/registry.ts";
import { createSqliteConsentStore } from "../storage/sqlite/consent-store.ts";
import type { Config } from "./config.ts";
import type { Stores } from "./wiring.ts";

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
  // Consents and retention need row-level deletes; on InfluxDB the raw retention policy applies.
  const consents =
    config.STORE === "sqlite" ? createSqliteConsentStore({ path: config.SQLITE_PATH }) : undefined;
  await consents?.connect();
  const app = await buildApp(
    {
      registry,
      store: stores.telemetry,
      deadLetters: stores.deadLetters,
      decisions: stores.decisions,
      consents,
      readiness,
    },
    {
      logger,
      bodyLimit: config.API_BODY_LIMIT_BYTES,
      rateLimit: { max: config.API_RATE_LIMIT, windowMs: 60_000 },
      extraMetrics,
      verifyToken: createVerifierFromSettings({
        dataDir: config.DATA_DIR,
        jwksUrl: config.AUTH_JWKS_URL,
        issuer: config.AUTH_ISSUER,
        audience: config.AUTH_AUDIENCE,
      }),
    },
  );
  const retention =
    consents && createRetentionJob({ pruner: consents, fineDays: config.RETENTION_FINE_DAYS, logger });
  retention?.start();
  return {
    app,
    async close() {
      await retention?.stop();
      await app.close();
      await consents?.close();
    },
  };
}
