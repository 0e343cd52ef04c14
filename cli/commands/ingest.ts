// `ingest`: subscribe to an external broker (MQTT_URL) with a persistent session and store
// readings; serves /healthz, /readyz and /metrics on INGEST_HTTP_HOST:INGEST_HTTP_PORT.
import Fastify, { type FastifyBaseLogger, LogController } from "fastify";
import type { Logger } from "pino";
import { Registry } from "prom-client";
import { z } from "zod";
import { sendProblem } from "../../api/problem.ts";
import { describeStoreFailure } from "../../ingest/writer.ts";
import type { DailyRollup } from "../../storage/influx/daily-rollup.ts";
import type { Config } from "../config.ts";
import {
  closeStores,
  createLogger,
  createRollup,
  createSubscriber,
  ingestPrometheus,
  loadRegistry,
  onShutdown,
  openIngestCore,
  openStores,
  processMetrics,
} from "../wiring.ts";

export async function ingest(config: Config): Promise<void> {
  const logger = createLogger(config, "ingest");
  const registry = loadRegistry(config);
  const stores = await openStores(config, registry.site.timezone);
  const core = await openIngestCore(config, registry, stores, logger);
  const subscriber = createSubscriber(config, registry, core, logger);
  await subscriber.connect();

  const prometheus = Registry.merge([ingestPrometheus(core, () => subscriber.connected), processMetrics()]);
  const http = Fastify({
    loggerInstance: logger as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true }),
  });
  http.get("/healthz", async () => ({ status: "ok" }));
  http.get("/readyz", async (request, reply) => {
    const problems: string[] = [];
    if (!subscriber.connected) problems.push("not connected to the MQTT broker");
    await stores.telemetry.ping().catch((error: Error) => problems.push(`store: ${error.message}`));
    const failure = core.writer.storeFailure;
    if (failure) problems.push(describeStoreFailure(failure));
    if (problems.length === 0) return { status: "ready" };
    return sendProblem(reply, request, "NOT_READY", problems.join("; "));
  });
  http.get("/metrics", async (request, reply) => {
    const query = metricsQuerySchema.safeParse(request.query);
    if (!query.success)
      return sendProblem(
        reply,
        request,
        "BAD_REQUEST",
        "name must be a metric name, e.g. ?name=ingest_readings_stored_total",
      );
    const names = query.data.name === undefined ? [] : [query.data.name].flat();
    if (names.length === 0) return reply.type(prometheus.contentType).send(await prometheus.metrics());
    // Only the named metrics: cheap enough for a watchdog or a bench polling many times a second
    // (all of them include process metrics read from /proc on every scrape).
    const unknown = names.filter((name) => prometheus.getSingleMetric(name) === undefined);
    if (unknown.length > 0)
      return sendProblem(reply, request, "NOT_FOUND", `no metric named ${unknown.join(", ")}`);
    const texts = await Promise.all(names.map((name) => prometheus.getSingleMetricAsString(name)));
    return reply.type(prometheus.contentType).send(`${texts.join("\n")}\n`);
  });
  await http.listen({ host: config.INGEST_HTTP_HOST, port: config.INGEST_HTTP_PORT });

  const rollup = createRollup(config, registry.site.timezone);
  const stopRollups = rollup ? scheduleRollups(rollup, logger) : () => {};

  onShutdown(logger, async () => {
    stopRollups();
    await subscriber.close();
    await core.close();
    await http.close();
    await closeStores(stores);
  });
}

/** Prometheus' metric names. */
const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;

const metricsQuerySchema = z.object({
  name: z.union([z.string().regex(METRIC_NAME), z.array(z.string().regex(METRIC_NAME)).max(50)]).optional(),
});

const ROLLUP_EVERY_MS = 15 * 60_000;

/** InfluxDB keeps daily rollups beyond the raw retention, and the store reads settled days from
 * them; roll every day that writes touched since its last roll. One process only: two rolls
 * overlapping could leave an older snapshot stamped with the newer roll's time. */
function scheduleRollups(rollup: DailyRollup, logger: Logger): () => void {
  let running = false;
  const run = () => {
    if (running) return;
    running = true;
    rollup
      .runDue()
      .then(({ days, points }) => logger.info({ days, points }, "daily rollups refreshed"))
      .catch((error: unknown) => logger.warn({ err: error }, "daily rollups failed; retrying later"))
      .finally(() => {
        running = false;
      });
  };
  run();
  const timer = setInterval(run, ROLLUP_EVERY_MS);
  timer.unref();
  return () => clearInterval(timer);
}
