// `api`: the HTTP API alone, against the configured store (production: InfluxDB).
import { buildApp } from "../../api/app.ts";
import type { Config } from "../config.ts";
import { closeStores, createLogger, loadRegistry, onShutdown, openStores } from "../wiring.ts";

export async function api(config: Config): Promise<void> {
  const logger = createLogger(config, "api");
  const registry = loadRegistry(config);
  const stores = await openStores(config);
  const app = await buildApp(
    {
      registry,
      store: stores.telemetry,
      deadLetters: stores.deadLetters,
      decisions: stores.decisions,
      readiness: [{ name: "store", check: () => stores.telemetry.ping() }],
    },
    { logger },
  );
  await app.listen({ host: config.API_HOST, port: config.API_PORT });
  onShutdown(logger, async () => {
    await app.close();
    await closeStores(stores);
  });
}
