// The one configuration schema: environment variables (and the CLI flags that override them),
// validated at start with a message that names every bad variable. The README's table and the
// docker compose test are both checked against CONFIG_KEYS.
import { resolve } from "node:path";
import { z } from "zod";
import { oneKindError } from "../model/errors.ts";

const bool = z
  .enum(["true", "false", "1", "0", "yes", "no"])
  .transform((v) => v === "true" || v === "1" || v === "yes");
const port = z.coerce.number().int().min(0).max(65_535);
const positiveInt = z.coerce.number().int().positive();

export const configSchema = z
  .object({
    DATA_DIR: z.string().default("./data").describe("Folder for the SQLite files and the ingest journal"),
    SITE_FILE: z
      .string()
      .optional()
      .describe("Site description (YAML or JSON); without it a site is generated"),
    SITE_SEED: z.coerce
      .number()
      .int()
      .default(42)
      .describe("Seed of the generated site and of the simulator"),
    SITE_BUILDINGS: positiveInt.max(1_000).default(2).describe("Buildings in the generated site"),
    SITE_DWELLINGS: positiveInt
      .max(2_000)
      .default(12)
      .describe("Dwellings per building in the generated site"),
    MQTT_HOST: z.string().default("127.0.0.1").describe("Embedded broker: address to listen on"),
    MQTT_PORT: port.default(1883).describe("Embedded broker: port to listen on"),
    MQTT_URL: z
      .url()
      .default("mqtt://127.0.0.1:1883")
      .describe("External broker for `ingest` and `simulate`"),
    MQTT_USERNAME: z.string().optional().describe("External broker user name"),
    MQTT_PASSWORD: z.string().optional().describe("External broker password"),
    MQTT_CLIENT_ID: z
      .string()
      .min(1)
      .max(64)
      .default("charge-guard-ingest")
      .describe("Ingest's client id (its persistent session)"),
    MQTT_LEAVE_SHARED_ON_STOP: bool
      .default(false)
      .describe(
        "`ingest` on `$share/…`: leave the group for good on stop (scaling down); else the broker keeps this worker's share until it returns",
      ),
    MQTT_TOPIC: z
      .string()
      .default("telemetry/#")
      .describe("Subscription; `$share/ingest/telemetry/#` to split among workers"),
    API_HOST: z.string().default("127.0.0.1").describe("API: address to listen on"),
    API_PORT: port.default(3000).describe("API: port to listen on"),
    PUBLIC_URL: z
      .url({ protocol: /^https?$/ })
      .refine((u) => {
        const url = new URL(u);
        return url.search === "" && url.hash === "" && url.username === "" && url.password === "";
      }, "an address without query, fragment or credentials, e.g. https://charges.example.org")
      .optional()
      .describe(
        "Address people open the pages at (`https://charges.example.org`); `token --link` writes its links with it. Unset: `http://API_HOST:API_PORT`",
      ),
    INGEST_HTTP_HOST: z
      .string()
      .default("127.0.0.1")
      .describe("`ingest`: address of its /healthz, /readyz and /metrics"),
    INGEST_HTTP_PORT: port.default(9464).describe("`ingest`: port of its /healthz, /readyz and /metrics"),
    STORE: z.enum(["sqlite", "influx"]).default("sqlite").describe("Where telemetry is stored"),
    SQLITE_PATH: z.string().optional().describe("Telemetry SQLite file (default DATA_DIR/telemetry.db)"),
    INFLUX_URL: z.url().default("http://127.0.0.1:8086").describe("InfluxDB HTTP API"),
    INFLUX_DATABASE: z
      .string()
      .min(1)
      .default("telemetry")
      .describe("InfluxDB database (v1) or DBRP-mapped bucket (v2)"),
    INFLUX_RETENTION_POLICY: z
      .string()
      .optional()
      .describe("Retention policy for raw points (default: the database's)"),
    INFLUX_ROLLUP_DATABASE: z
      .string()
      .min(1)
      .optional()
      .describe("Database of the daily rollups (default: INFLUX_DATABASE followed by `_daily`)"),
    INFLUX_USERNAME: z.string().optional().describe("InfluxDB user"),
    INFLUX_PASSWORD: z.string().optional().describe("InfluxDB password"),
    INFLUX_TOKEN: z
      .string()
      .optional()
      .describe("InfluxDB token (2.x/3.x), sent as `Authorization: Token …`"),
    INFLUX_CREATE_DATABASE: bool
      .default(true)
      .describe("Create the database and retention policies at start"),
    INFLUX_RAW_RETENTION: z
      .string()
      .regex(/^(INF|\d+[hdw])$/, "a duration such as 400d, 52w, 720h, or INF")
      .default("400d")
      .describe(
        "How long raw points are kept (INF: for ever); applied with INFLUX_CREATE_DATABASE. History older than this cannot be imported",
      ),
    INFLUX_ROLLUP_JOB: bool
      .default(true)
      .describe("Run the daily rollup job in this `cli ingest`; with several workers, in exactly one"),
    JOURNAL_MAX_BYTES: positiveInt
      .default(1024 ** 3)
      .describe("Spool bound; when full, ingest stops acknowledging"),
    JOURNAL_FSYNC_INTERVAL_MS: z.coerce
      .number()
      .int()
      .min(0)
      .max(10_000)
      .default(25)
      .describe(
        "Journal flushed to disk this often (what a power cut can lose); 0: every message, safe and slow",
      ),
    INGEST_MAX_PAYLOAD_BYTES: positiveInt.default(256 * 1024).describe("Largest MQTT payload accepted"),
    INGEST_MAX_READINGS_PER_MESSAGE: positiveInt.default(1_000).describe("Most readings in one message"),
    INGEST_MAX_FUTURE_SKEW_S: positiveInt.default(300).describe("How far in the future a timestamp may be"),
    INGEST_MAX_PAST_AGE_DAYS: positiveInt.default(3 * 366).describe("How old a timestamp may be"),
    INGEST_CLIENT_MAX_MSG_PER_S: z.coerce
      .number()
      .min(0)
      .default(500)
      .describe(
        "Embedded broker: messages per second per account (a device, or an anonymous client's address), across its connections and reconnections, before it is slowed down (0: no limit)",
      ),
    INGEST_CLIENT_BURST: positiveInt
      .default(5_000)
      .describe("Embedded broker: messages a quiet client may send at once"),
    INGEST_MAX_DEAD_LETTERS_PER_HOUR: positiveInt
      .default(1_000)
      .describe(
        "Dead letters kept per source (building and space of the topic) and hour; the rest are counted in one summary letter",
      ),
    SIMULATE: bool.default(true).describe("`start`: run the live simulator in the same process"),
    SIMULATE_INTERVAL_S: positiveInt.default(10).describe("Live simulator: seconds between readings"),
    GUARD_WATCH_INTERVAL_H: positiveInt
      .max(24 * 366)
      .default(24)
      .describe("`start`: hours between re-evaluations of approved devices"),
    AUTH_JWKS_URL: z
      .url()
      .optional()
      .describe("OIDC provider's JWKS; RS256/ES256 bearer tokens are verified against it"),
    AUTH_ISSUER: z.string().optional().describe("Required `iss` of OIDC tokens"),
    AUTH_AUDIENCE: z.string().optional().describe("Required `aud` of OIDC tokens"),
    API_RATE_LIMIT: positiveInt
      .default(600)
      .describe("API: requests per client address per minute before 429"),
    API_BODY_LIMIT_BYTES: positiveInt
      .default(64 * 1024)
      .describe("API: largest request body; larger ones get 413"),
    IMPORT_MAX_BYTES: positiveInt
      .default(10 * 1024 ** 3)
      .describe("API: largest file POST /imports takes (streamed, never held in memory)"),
    RETENTION_FINE_DAYS: positiveInt
      .max(3_660)
      .default(31)
      .describe(
        "Days of finer-than-daily dwelling data kept without the occupant's consent; then daily only",
      ),
    LOG_LEVEL: z
      .enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
      .default("info")
      .describe("Log level"),
  })
  .transform((c) => ({
    ...c,
    DATA_DIR: resolve(c.DATA_DIR),
    SQLITE_PATH: resolve(c.SQLITE_PATH ?? `${c.DATA_DIR}/telemetry.db`),
  }));

export type Config = z.output<typeof configSchema>;

export const CONFIG_KEYS = Object.keys(configSchema.in.shape) as (keyof z.input<typeof configSchema>)[];

export class ConfigError extends oneKindError("ConfigError") {}

/** Reads the configuration from the environment, with flags (same names) taking precedence. */
export function loadConfig(
  env: NodeJS.ProcessEnv,
  overrides: Record<string, string | undefined> = {},
): Config {
  const raw: Record<string, string> = {};
  for (const key of CONFIG_KEYS) {
    const value = overrides[key] ?? env[key];
    if (value !== undefined && value !== "") raw[key] = value;
  }
  const result = configSchema.safeParse(raw);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join("\n")}`);
  }
  return result.data;
}

/** Rows for the README's configuration table: name, default, description. */
export function configTable(): { name: string; default: string; description: string }[] {
  const shape = configSchema.in.shape;
  return CONFIG_KEYS.map((name) => {
    const field = shape[name];
    const parsed = field.safeParse(undefined);
    const fallback = parsed.success && parsed.data !== undefined ? String(parsed.data) : "";
    return { name, default: fallback, description: field.description ?? "" };
  });
}
