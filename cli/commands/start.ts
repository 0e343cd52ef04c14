// `start` (npm start): the whole pipeline in one process for a laptop or a small site: the
// embedded MQTT broker with ingest in its publish hook, the writer, the API and a live
// simulator, on SQLite files in DATA_DIR.
import type { FastifyInstance } from "fastify";
import type { Logger } from "pino";
import { startWatch } from "../../guard/watch.ts";
import type { SiteRegistry } from "../../model/registry.ts";
import { runLive } from "../../simulators/publisher.ts";
import type { Config } from "../config.ts";
import {
  apiReadiness,
  closeStores,
  createBroker,
  createLogger,
  guardDeps,
  type IngestCore,
  ingestPrometheus,
  loadRegistry,
  onShutdown,
  openApiServer,
  openIngestCore,
  openStores,
  type Stores,
} from "../wiring.ts";

export interface EmbeddedStack {
  registry: SiteRegistry;
  stores: Stores;
  core: IngestCore;
  app: FastifyInstance;
  mqttUrl: string;
  apiUrl: string;
  /** Stops the simulator and the broker, drains the journal into the store, closes the rest. */
  stop(): Promise<void>;
}

/** Starts every part of the embedded mode; `start` adds the banner and signal handling. */
export async function startEmbedded(config: Config, logger: Logger): Promise<EmbeddedStack> {
  const registry = loadRegistry(config);
  const site = registry.site;
  const stores = await openStores(config, site.timezone);
  const core = await openIngestCore(config, registry, stores, logger);
  const broker = createBroker(config, registry, core, logger);
  await broker.listen();

  const api = await openApiServer(
    config,
    registry,
    stores,
    apiReadiness(config, stores, { core, broker }),
    logger,
    [ingestPrometheus(core, () => broker.port > 0)],
  );
  const app = api.app;
  const apiUrl = await app.listen({ host: config.API_HOST, port: config.API_PORT });

  const stopWatch = startWatch(guardDeps(registry, stores, logger), {
    intervalMs: config.GUARD_WATCH_INTERVAL_H * 3_600_000,
  });

  const simulation = new AbortController();
  // The simulator connects like any client; a site that refuses anonymous clients refuses it too.
  const simulate = config.SIMULATE && registry.allowsAnonymous;
  if (config.SIMULATE && !simulate) {
    logger.warn(
      "the site refuses anonymous MQTT clients, so the built-in simulator is off; publish with a device account",
    );
  }
  const simulator = simulate
    ? runLive({
        url: broker.url,
        clientId: "charge-guard-simulator",
        site,
        seed: config.SITE_SEED,
        intervalS: config.SIMULATE_INTERVAL_S,
        signal: simulation.signal,
        quiet: true,
        logger,
      }).catch((error: unknown) => logger.error({ err: error }, "simulator stopped"))
    : Promise.resolve();

  return {
    registry,
    stores,
    core,
    app,
    mqttUrl: broker.url,
    apiUrl,
    async stop() {
      await stopWatch();
      simulation.abort();
      await simulator;
      await broker.close();
      await core.close();
      await api.close();
      await closeStores(stores);
    },
  };
}

export async function start(config: Config): Promise<void> {
  const logger = createLogger(config, "charge-guard");
  const stack = await startEmbedded(config, logger);
  printBanner({ config, registry: stack.registry, mqttUrl: stack.mqttUrl, apiUrl: stack.apiUrl });
  onShutdown(logger, () => stack.stop());
}

function printBanner(o: { config: Config; registry: SiteRegistry; mqttUrl: string; apiUrl: string }): void {
  const { config, registry, mqttUrl, apiUrl } = o;
  const building = registry.buildings[0]!;
  const dwelling = building.dwellings[0];
  const space = dwelling?.id ?? "common";
  const sensor =
    (dwelling?.sensors ?? building.common.sensors).find((s) => s.quantity === "temperature") ??
    (dwelling?.sensors ?? building.common.sensors)[0];
  const dwellings = registry.buildings.reduce((n, b) => n + b.dwellings.length, 0);
  const example = sensor
    ? `mosquitto_pub -h ${config.MQTT_HOST} -p ${new URL(mqttUrl).port} -q 1 -t 'telemetry/${building.id}/${space}/${sensor.id}' -m '{"v": 19.5}'`
    : "";
  const lines = [
    "",
    `Garde-charges is running: site "${registry.site.name}", ${registry.buildings.length} buildings, ${dwellings} dwellings, ${registry.sensorCount} sensors.`,
    `  MQTT broker   ${mqttUrl}   MQTT 3.1.1 (for MQTT 5 or $share/, run Mosquitto: deploy/README.md)   topics telemetry/{building}/{space}/{sensor}`,
    `  API           ${apiUrl}`,
    `  API docs      ${apiUrl}/docs`,
    `  Data folder   ${config.DATA_DIR}`,
    `  Simulator     ${config.SIMULATE ? `live, every ${config.SIMULATE_INTERVAL_S} s` : "off (SIMULATE=false)"}`,
    "",
    "Publish a first reading:",
    `  ${example}`,
    "Read it back with an API token (printed by the token command, kept valid for 30 days):",
    "  TOKEN=$(npm run -s cli -- token --role admin)",
    `  curl -H "Authorization: Bearer $TOKEN" '${apiUrl}/buildings/${encodeURIComponent(building.id)}/latest?space=${encodeURIComponent(space)}'`,
    "",
    "Stop with Ctrl+C.",
    "",
  ];
  process.stderr.write(lines.join("\n"));
}
