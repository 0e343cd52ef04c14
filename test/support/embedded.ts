// The embedded stack of `npm start`, in the test's own process: free ports for the broker and
// the API, no built-in simulator, silent logs; `env` adds to or overrides those settings.
import { pino } from "pino";
import { type EmbeddedStack, startEmbedded } from "../../cli/commands/start.ts";
import { type Config, loadConfig } from "../../cli/config.ts";
import { freePort } from "./ports.ts";

export async function startTestEmbedded(
  dataDir: string,
  env: Record<string, string> = {},
): Promise<{ stack: EmbeddedStack; config: Config }> {
  const config = loadConfig(
    {},
    {
      DATA_DIR: dataDir,
      MQTT_PORT: String(await freePort()),
      API_PORT: String(await freePort()),
      SIMULATE: "false",
      LOG_LEVEL: "silent",
      ...env,
    },
  );
  return { stack: await startEmbedded(config, pino({ level: "silent" })), config };
}
