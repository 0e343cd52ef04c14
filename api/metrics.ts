// Prometheus metrics of the HTTP API: request durations by route pattern (never the URL,
// which holds dwelling ids) and status. The process's own metrics and, in the embedded mode,
// ingest's come as other registries from the wiring, each metric once.
import type { FastifyInstance } from "fastify";
import { Histogram, Registry } from "prom-client";
import { z } from "zod";

export function createApiRegistry(): Registry {
  const registry = new Registry();
  return registry;
}

/** Observes every response and serves `registries` merged at GET /metrics (public: no personal data). */
export function installMetrics(app: FastifyInstance, registry: Registry, extra: Registry[] = []): void {
  const duration = new Histogram({
    name: "api_request_duration_seconds",
    help: "HTTP request duration by route pattern, method and status",
    labelNames: ["route", "method", "status"],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  app.addHook("onResponse", async (request, reply) => {
    duration.observe(
      {
        route: request.routeOptions.url ?? "(no route)",
        method: request.method,
        status: String(reply.statusCode),
      },
      reply.elapsedTime / 1000,
    );
  });
  const merged = extra.length > 0 ? Registry.merge([registry, ...extra]) : registry;
  app.get(
    "/metrics",
    {
      config: { access: { scope: "public", roles: [] } },
      schema: {
        tags: ["operations"],
        summary: "Prometheus metrics of the API (and, embedded, of ingest), in the text exposition format",
        response: {
          200: {
            description: "The metrics",
            content: { "text/plain": { schema: z.string() } },
          },
        },
      },
    },
    async (_request, reply) => reply.type(merged.contentType).send(await merged.metrics()),
  );
}
