// Configuration of the InfluxDB adapters, validated at creation (no I/O), and the connection
// step they share: a client with the right authentication, and the database and retention
// policies created when allowed.
import type { Logger } from "pino";
import { z } from "zod";
import { oneKindError } from "../../model/errors.ts";
import { DEFAULT_TIME_ZONE, timeZoneSchema } from "../../model/time-zone.ts";
import { createInfluxClient, type InfluxAuth, type InfluxClient, InfluxError } from "./client.ts";
import { quoteIdent } from "./influxql.ts";

const duration = z.string().regex(/^(INF|\d+(h|d|w))$/, 'a retention such as "400d", "52w", "720h" or "INF"');

export const influxOptionsSchema = z
  .object({
    url: z.url({ protocol: /^https?$/ }),
    database: z.string().min(1),
    /** The site's IANA time zone: days (and the daily rollups) and months follow it. */
    timeZone: timeZoneSchema.default(DEFAULT_TIME_ZONE),
    /** Where raw points go; omitted: the database's default policy (created as "raw" when allowed). */
    retentionPolicy: z.string().min(1).optional(),
    username: z.string().min(1).optional(),
    password: z.string().optional(),
    /** Sent as "Authorization: Token <token>" (InfluxDB 2.x/3.x, or "user:password" on 1.8+). */
    token: z.string().min(1).optional(),
    /** Send username/password as u/p query parameters instead of HTTP Basic. */
    credentialsInQuery: z.boolean().default(false),
    /** CREATE DATABASE and the retention policy at connect (needs admin rights on 1.x). */
    createDatabase: z.boolean().default(false),
    /** How long raw points are kept, applied when createDatabase is set. */
    rawRetention: duration.default("400d"),
    /** Where daily rollups are kept, beyond the raw retention (created with DURATION INF). */
    rollupRetentionPolicy: z.string().min(1).default("forever"),
    /** The database of the rollups and their state; default: `<database>_daily`. A database of
     * its own, because DELETE and DROP in InfluxDB 1.x act on every retention policy of a
     * database: the personal-data retention job deletes raw points and must not touch them. */
    rollupDatabase: z.string().min(1).optional(),
    /** How far apart the clocks of the hosts writing and rolling may be (rollup-state.ts). */
    rollupClockMarginMs: z.number().int().min(0).default(10_000),
    /** Points per /write request; larger writes are split. */
    batchSize: z.number().int().min(1).max(100_000).default(5000),
    timeoutMs: z.number().int().positive().default(30_000),
    consistency: z.enum(["any", "one", "quorum", "all"]).optional(),
    logger: z.custom<Logger>((v) => typeof v === "object" && v !== null && "info" in v).optional(),
  })
  .strict()
  .refine((o) => !(o.token !== undefined && o.username !== undefined), {
    message: "give either token or username/password, not both",
  })
  .refine((o) => (o.username === undefined) === (o.password === undefined), {
    message: "username and password go together",
  })
  .refine((o) => o.rollupDatabase !== o.database, {
    message: "rollupDatabase must differ from database: the retention job's DELETE would remove the rollups",
  });

export type InfluxOptions = z.input<typeof influxOptionsSchema>;
export type InfluxConfig = z.output<typeof influxOptionsSchema>;

export class InfluxConfigError extends oneKindError("InfluxConfigError") {}

export function parseInfluxOptions(options: unknown): InfluxConfig {
  const parsed = influxOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join(".") || "options"}: ${i.message}`);
    throw new InfluxConfigError(`invalid InfluxDB options: ${issues.join("; ")}`);
  }
  return parsed.data;
}

export function clientFor(config: InfluxConfig): InfluxClient {
  let auth: InfluxAuth = { kind: "none" };
  if (config.token !== undefined) auth = { kind: "token", token: config.token };
  else if (config.username !== undefined) {
    auth = {
      kind: "password",
      username: config.username,
      password: config.password ?? "",
      in: config.credentialsInQuery ? "query" : "basic",
    };
  }
  return createInfluxClient({ url: config.url, auth, timeoutMs: config.timeoutMs });
}

/** Where the daily rollups and the rollup state live. */
export function rollupLocation(config: InfluxConfig): { db: string; rp: string } {
  return { db: config.rollupDatabase ?? `${config.database}_daily`, rp: config.rollupRetentionPolicy };
}

/** The default name of the raw retention policy this adapter creates. */
export const RAW_POLICY = "raw";

/** Creates the database and retention policy (idempotent); a policy that exists gets the duration. */
export async function ensureDatabase(client: InfluxClient, config: InfluxConfig): Promise<void> {
  const db = quoteIdent(config.database);
  await client.query(`CREATE DATABASE ${db}`);
  const rp = quoteIdent(config.retentionPolicy ?? RAW_POLICY);
  // Only our own "raw" policy becomes the default; a named one is written to explicitly.
  const makeDefault = config.retentionPolicy === undefined ? " DEFAULT" : "";
  try {
    await client.query(
      `CREATE RETENTION POLICY ${rp} ON ${db} DURATION ${config.rawRetention} REPLICATION 1${makeDefault}`,
    );
  } catch (error) {
    if (!(error instanceof InfluxError && /already exists/.test(error.message))) throw error;
    await client.query(`ALTER RETENTION POLICY ${rp} ON ${db} DURATION ${config.rawRetention}${makeDefault}`);
  }
  const rollupDb = quoteIdent(rollupLocation(config).db);
  await client.query(`CREATE DATABASE ${rollupDb}`);
  const rollups = quoteIdent(config.rollupRetentionPolicy);
  try {
    await client.query(`CREATE RETENTION POLICY ${rollups} ON ${rollupDb} DURATION INF REPLICATION 1`);
  } catch (error) {
    if (!(error instanceof InfluxError && /already exists/.test(error.message))) throw error;
  }
}

/** A write's wrapper for `createDatabase`: when InfluxDB says the database or a retention
 * policy is missing (a fresh volume, a dropped database), creates them again and retries once.
 * Without createDatabase, or when that fails, the error goes to the caller, who retries later:
 * the points are never taken for bad data. Concurrent writes share one creation. */
export function recreatingDatabase(
  config: InfluxConfig,
  client: () => InfluxClient,
): <T>(write: () => Promise<T>) => Promise<T> {
  let creating: Promise<void> | null = null;
  return async (write) => {
    try {
      return await write();
    } catch (error) {
      const missing =
        error instanceof InfluxError &&
        (error.code === "influx_database_not_found" || error.code === "influx_policy_not_found");
      if (!missing || !config.createDatabase) throw error;
      creating ??= ensureDatabase(client(), config).finally(() => {
        creating = null;
      });
      await creating;
      config.logger?.warn(
        { database: config.database, error: error.message },
        "InfluxDB had lost the database or its retention policy; created them again",
      );
      return write();
    }
  };
}
