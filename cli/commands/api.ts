// `api`: the HTTP API alone, against the configured store (production: InfluxDB).
import type { Config } from "../config.ts";
import {
  apiReadiness,
  closeStores,
  createLogger,
  loadRegistry,
  onShutdown,
  openApiServer,
  openStores,
} from "../wiring.ts";

export async function api(config: Config): Promise<void> {
  const logger = createLogger(config, "api");
  const registry = loadRegistry(config);
  const stores = await openStores(config, registry.site.timezone);
  const server = await openApiServer(config, registry, stores, apiReadiness(config, stores), logger);
  await server.app.listen({ host: config.API_HOST, port: config.API_PORT });
  onShutdown(logger, async () => {
    await server.close();
    await closeStores(stores);
  });
}
