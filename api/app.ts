// Builds the HTTP application as a tree of plugins; only cli/ listens on a port. Tests build
// it and use app.inject.
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from "fastify";
import { jsonSchemaTransform, serializerCompiler, validatorCompiler } from "fastify-type-provider-zod";
import type { Logger } from "pino";
import type { SiteRegistry } from "../model/registry.ts";
import type { DeadLetterStore } from "../storage/dead-letter-store.ts";
import type { DecisionStore } from "../storage/decision-store.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import { installProblemHandlers } from "./problem.ts";
import { buildingRoutes } from "./routes/buildings.ts";
import { opsRoutes, type ReadinessCheck } from "./routes/ops.ts";
import { proposalRoutes } from "./routes/proposals.ts";

export interface ApiDependencies {
  registry: SiteRegistry;
  store: TelemetryStore;
  deadLetters: DeadLetterStore;
  /** Proposals and verdicts; without it the /proposals and /verdicts routes are not mounted. */
  decisions?: DecisionStore;
  /** Each dependency /readyz checks, e.g. the store and the MQTT broker. */
  readiness: ReadinessCheck[];
}

export interface ApiOptions {
  /** Tests pass pino({ level: "silent" }). */
  logger: Logger;
  /** Largest accepted request body, bytes. */
  bodyLimit?: number;
}

export async function buildApp(deps: ApiDependencies, options: ApiOptions): Promise<FastifyInstance> {
  const common = {
    bodyLimit: options.bodyLimit ?? 64 * 1024,
    // Ids may hold characters that need percent-encoding; the router must keep them whole.
    routerOptions: { maxParamLength: 256 },
  };
  const app = Fastify({ ...common, loggerInstance: options.logger as FastifyBaseLogger });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installProblemHandlers(app);

  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: "Charge guard API",
        description:
          "Telemetry of social-housing buildings: buildings, series, ingest dead letters and operations. Errors are application/problem+json.",
        version: "0.1.0",
      },
    },
    transform: jsonSchemaTransform,
  });
  await app.register(fastifySwaggerUi, { routePrefix: "/docs" });

  await app.register(opsRoutes, deps);
  await app.register(buildingRoutes, deps);
  await app.register(proposalRoutes, deps);
  return app;
}
