// Builds the HTTP application as a tree of plugins; only cli/ listens on a port. Tests build
// it and use app.inject.
import fastifyHelmet from "@fastify/helmet";
import fastifyRateLimit from "@fastify/rate-limit";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import type { Registry } from "prom-client";
import type { GuardService } from "../guard/service.ts";
import type { SiteRegistry } from "../model/registry.ts";
import type { ConsentStore } from "../storage/consent-store.ts";
import type { DeadLetterStore } from "../storage/dead-letter-store.ts";
import type { DecisionStore } from "../storage/decision-store.ts";
import type { ImportLedger } from "../storage/import-ledger.ts";
import type { SignInCodeStore } from "../storage/sign-in-code-store.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import { installAccessControl } from "./auth/access.ts";
import type { TokenVerifier } from "./auth/tokens.ts";
import { createApiRegistry, installMetrics } from "./metrics.ts";
import { completeDocument } from "./openapi.ts";
import { sessionRoutes } from "./pages/session.ts";
import { installProblemHandlers } from "./problem.ts";
import { boardRoutes } from "./routes/boards.ts";
import { buildingRoutes } from "./routes/buildings.ts";
import { importRoutes } from "./routes/imports.ts";
import { managerRoutes } from "./routes/managers.ts";
import { opsRoutes, type ReadinessCheck } from "./routes/ops.ts";
import { proposalRoutes } from "./routes/proposals.ts";
import { tenantRoutes } from "./routes/tenants.ts";

/** Proposals and verdicts, and the guard service that evaluates proposals on that same decision
 * store (cli/wiring.ts builds both); without them the /proposals, /verdicts and board routes are
 * not mounted and no device is listed. */
export type DecisionDependencies =
  | { decisions: DecisionStore; guard: GuardService }
  | { decisions?: undefined; guard?: undefined };

/** The parts the routes use, built by cli/wiring.ts (tests build their own): no route builds a
 * store or a service. */
export type ApiDependencies = BaseDependencies & DecisionDependencies;

interface BaseDependencies {
  registry: SiteRegistry;
  store: TelemetryStore;
  deadLetters: DeadLetterStore;
  /** Occupants' consents; without it the consent routes are not mounted. */
  consents?: ConsentStore;
  /** One-time sign-in codes (`token --link`); without it /login takes tokens only. */
  signInCodes?: SignInCodeStore;
  /** History imports (POST /imports); without it the /imports routes are not mounted. */
  imports?: { ledger: ImportLedger; maxBytes: number; maxFutureSkewMs?: number };
  /** Each dependency /readyz checks, e.g. the store and the MQTT broker. */
  readiness: ReadinessCheck[];
  /** RETENTION_FINE_DAYS: per-dwelling reads finer than daily start no earlier than its cutoff
   * unless the occupant consented (api/retention.ts); unset, they are not limited. */
  fineDays?: number;
}

export interface ApiOptions {
  /** Tests pass pino({ level: "silent" }). */
  logger: Logger;
  /** Largest accepted request body, bytes; larger ones get 413. */
  bodyLimit?: number;
  /** Verifies bearer tokens (api/auth/setup.ts builds it from the configuration). Without it,
   * every route but the public ones answers 401. */
  verifyToken?: TokenVerifier;
  /** Requests per client address per window before 429; default 600 a minute. */
  rateLimit?: { max: number; windowMs: number };
  /** PUBLIC_URL: where people open the pages (a Secure cookie behind a TLS proxy, the Origin
   * sign-in accepts). */
  publicUrl?: string;
  /** Other registries served at /metrics too (ingest's, in the embedded mode). */
  extraMetrics?: Registry[];
}

const DOCS_PREFIX = "/docs";

/** Headers that carry credentials; pino writes "[redacted]" wherever they would appear. */
const REDACT = ["req.headers.authorization", "req.headers.cookie", "headers.authorization", "headers.cookie"];

export async function buildApp(deps: ApiDependencies, options: ApiOptions): Promise<FastifyInstance> {
  const common = {
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // Ids may hold characters that need percent-encoding; the router must keep them whole.
    routerOptions: { maxParamLength: 256 },
  };
  const logger = options.logger.child({}, { redact: { paths: REDACT, censor: "[redacted]" } });
  // Fastify's own request lines carry the URL, which holds dwelling ids: one line per request
  // with the route pattern instead (below).
  const app = Fastify({
    ...common,
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(app);
  app.addHook("onResponse", async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? "(no route)",
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      "request",
    );
  });
  if (!options.verifyToken) logger.warn("no token verifier configured: every non-public route answers 401");

  await app.register(fastifyHelmet, {
    // The OpenAPI UI's inline bootstrap needs its own CSP; @fastify/swagger-ui sets it (staticCSP).
    contentSecurityPolicy: { directives: { defaultSrc: ["'self'"], imgSrc: ["'self'", "data:"] } },
  });
  // Registered before the access control, so its per-route hook runs before any token check.
  await app.register(fastifyRateLimit, {
    max: options.rateLimit?.max ?? 600,
    timeWindow: options.rateLimit?.windowMs ?? 60_000,
    addHeadersOnExceeding: {
      "x-ratelimit-limit": false,
      "x-ratelimit-remaining": false,
      "x-ratelimit-reset": false,
    },
  });
  installAccessControl(app, { verify: options.verifyToken, publicPrefixes: [DOCS_PREFIX] });

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: "Charge guard API",
        description:
          "Telemetry of social-housing buildings: buildings, series, ingest dead letters and operations. Errors are application/problem+json.",
        version: "0.1.0",
        license: { name: "AGPL-3.0-or-later", url: "https://www.gnu.org/licenses/agpl-3.0.html" },
      },
      servers: [{ url: options.publicUrl ?? "/" }],
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer", bearerFormat: "JWT" } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
    // Error answers, operationIds and public routes' `security: []` (api/openapi.ts).
    transformObject: completeDocument(app),
  });
  // After @fastify/swagger, which documents only the routes registered after it.
  installMetrics(app, createApiRegistry(), options.extraMetrics);
  await app.register(fastifySwaggerUi, { routePrefix: DOCS_PREFIX, staticCSP: true });

  await app.register(opsRoutes, deps);
  await app.register(buildingRoutes, deps);
  await app.register(managerRoutes, deps);
  await app.register(proposalRoutes, deps);
  await app.register(tenantRoutes, deps);
  await app.register(boardRoutes, deps);
  if (deps.imports) {
    const { ledger, maxBytes, maxFutureSkewMs } = deps.imports;
    await app.register(importRoutes, {
      registry: deps.registry,
      store: deps.store,
      imports: ledger,
      maxImportBytes: maxBytes,
      ...(maxFutureSkewMs === undefined ? {} : { maxFutureSkewMs }),
    });
  }
  await app.register(sessionRoutes, {
    verifyToken: options.verifyToken,
    signInCodes: deps.signInCodes,
    publicUrl: options.publicUrl,
    timeZone: deps.registry.site.timezone,
  });
  return app;
}
