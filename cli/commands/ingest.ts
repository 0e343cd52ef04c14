// `ingest`: subscribe to an external broker (MQTT_URL) with a persistent session and store
// readings; serves /healthz, /readyz and /metrics on INGEST_HTTP_HOST:INGEST_HTTP_PORT.
import Fastify, { type FastifyBaseLogger } from "fastify";
import { createMqttSubscriber } from "../../ingest/mqtt-subscriber.ts";
import { createIngestRegistry } from "../../ingest/prometheus.ts";
import type { Config } from "../config.ts";
import { openIngestCore } from "../ingest-core.ts";
import { closeStores, createLogger, loadRegistry, onShutdown, openStores } from "../wiring.ts";

export async function ingest(config: Config): Promise<void> {
  const logger = createLogger(config, "ingest");
  const registry = loadRegistry(config);
  const stores = await openStores(config);
  const core = await openIngestCore(config, registry, stores, logger);
  const subscriber = createMqttSubscriber(
    {
      url: config.MQTT_URL,
      clientId: config.MQTT_CLIENT_ID,
      username: config.MQTT_USERNAME,
      password: config.MQTT_PASSWORD,
      topic: config.MQTT_TOPIC,
    },
    { pipeline: core.pipeline, logger },
  );
  await subscriber.connect();

  const prometheus = createIngestRegistry(core.metrics, {
    spoolBytes: () => core.journal.stats().bytes,
    spoolEntries: () => core.journal.stats().unread,
    brokerConnected: () => subscriber.connected,
  });
  const http = Fastify({ loggerInstance: logger as FastifyBaseLogger, disableRequestLogging: true });
  http.get("/healthz", async () => ({ status: "ok" }));
  http.get("/readyz", async (_request, reply) => {
    const problems: string[] = [];
    if (!subscriber.connected) problems.push("not connected to the MQTT broker");
    await stores.telemetry.ping().catch((error: Error) => problems.push(`store: ${error.message}`));
    if (problems.length === 0) return { status: "ready" };
    return reply.code(503).type("application/problem+json").send({ title: "Not ready", status: 503, detail: problems.join("; ") });
  });
  http.get("/metrics", async (_request, reply) => reply.type(prometheus.contentType).send(await prometheus.metrics()));
  await http.listen({ host: config.INGEST_HTTP_HOST, port: config.INGEST_HTTP_PORT });

  onShutdown(logger, async () => {
    await subscriber.close();
    await core.close();
    await http.close();
    await closeStores(stores);
  });
}
