// `mqtt-auth`: writes Mosquitto's passwd and acl for a site file (device accounts and scopes,
// ingest's account, optionally a demo simulator's); `mqtt-auth hash` hashes a secret from stdin.
import { resolve } from "node:path";
import { z } from "zod";
import { MosquittoAuthError, renderMosquittoAuth, type ServiceAccount } from "../../ingest/mosquitto-auth.ts";
import { writeMosquittoAuthFiles } from "../../ingest/mosquitto-auth-files.ts";
import {
  checkMosquittoConfig,
  hostEnvironment,
  readMosquittoDirectives,
} from "../../ingest/mosquitto-config-check.ts";
import { hashSecret } from "../../model/device-credentials.ts";
import { loadSiteFile } from "../../model/site-file.ts";
import { type Config, ConfigError } from "../config.ts";

export interface MqttAuthOptions {
  site?: string;
  out?: string;
  /** How many ingest workers share the subscription, each with its own account. */
  workers?: string;
}

// The demo simulator's account, as deploy/.env.example names it; present only when a password is set.
const simulatorEnvSchema = z.object({
  MQTT_SIMULATOR_USERNAME: z.string().min(1).default("simulator"),
  MQTT_SIMULATOR_PASSWORD: z.string().optional(),
});

export async function mqttAuth(config: Config, options: MqttAuthOptions): Promise<void> {
  const siteFile = options.site ?? config.SITE_FILE;
  if (!siteFile) throw new ConfigError("mqtt-auth needs the site file: --site <file> (or SITE_FILE)");
  if (!options.out)
    throw new ConfigError("mqtt-auth needs the folder to write passwd and acl into: --out <dir>");
  if (!config.MQTT_PASSWORD) {
    throw new ConfigError(
      'mqtt-auth needs ingest\'s broker account: set MQTT_PASSWORD (and MQTT_USERNAME, default "ingest"), the values ingest will log in with',
    );
  }
  const site = loadSiteFile(siteFile);
  const env = simulatorEnvSchema.parse({
    MQTT_SIMULATOR_USERNAME: process.env.MQTT_SIMULATOR_USERNAME || undefined,
    MQTT_SIMULATOR_PASSWORD: process.env.MQTT_SIMULATOR_PASSWORD || undefined,
  });
  const ingest: ServiceAccount = {
    username: config.MQTT_USERNAME ?? "ingest",
    password: config.MQTT_PASSWORD,
  };
  const simulator = env.MQTT_SIMULATOR_PASSWORD
    ? { username: env.MQTT_SIMULATOR_USERNAME, password: env.MQTT_SIMULATOR_PASSWORD }
    : undefined;
  const workers = Number(options.workers ?? "1");
  if (!Number.isInteger(workers) || workers < 1 || workers > 64)
    throw new ConfigError("--workers takes a whole number of ingest workers, 1 to 64");
  let files: { passwd: string; acl: string };
  try {
    files = renderMosquittoAuth({ site, ingest, simulator, ingestWorkers: workers });
  } catch (error) {
    if (error instanceof MosquittoAuthError) throw new ConfigError(error.message);
    throw error;
  }
  const paths = writeMosquittoAuthFiles(resolve(options.out), files);
  const lines = [
    `Wrote ${paths.passwd} and ${paths.acl}: ${site.devices.length} devices, ingest "${ingest.username}"${workers > 1 ? ` and ${workers - 1} more worker accounts (${ingest.username}-2…)` : ""}${simulator ? `, simulator "${simulator.username}"` : ""}.`,
  ];
  if (site.devices.length === 0)
    lines.push("The site lists no devices: add them under `devices:` (see examples/site.yaml).");
  lines.push("Mosquitto reads them at start; after a change, restart it or send it SIGHUP.");
  process.stderr.write(`${lines.join("\n")}\n`);
}

/** Reads one secret from stdin (a trailing line break is not part of it) and prints its hash. */
export async function mqttAuthHash(): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const secret = Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
  if (secret === "") throw new ConfigError("mqtt-auth hash reads the secret from stdin, and it was empty");
  if (secret.length < 16) {
    process.stderr.write(
      "warning: a secret shorter than 16 characters is easy to guess; prefer `openssl rand -base64 24`\n",
    );
  }
  process.stdout.write(`${hashSecret(secret)}\n`);
}

/** `mqtt-auth check --config FILE`: prints what is wrong with a broker config for ingest. */
export async function mqttAuthCheck(config: Config, options: { config?: string }): Promise<void> {
  if (!options.config) throw new ConfigError("mqtt-auth check needs --config <mosquitto.conf>");
  let directives: [string, string][];
  try {
    directives = readMosquittoDirectives(resolve(options.config));
  } catch (error) {
    throw new ConfigError(`cannot read ${options.config}: ${(error as Error).message}`);
  }
  const findings = checkMosquittoConfig(directives, hostEnvironment, config.INGEST_MAX_PAYLOAD_BYTES);
  for (const f of findings) process.stdout.write(`${f.level}: ${f.message}\n`);
  if (findings.some((f) => f.level === "error")) process.exitCode = 1;
}
