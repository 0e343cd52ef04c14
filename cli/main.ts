#!/usr/bin/env node
// Entry point: parses the command line, loads the configuration, runs one command.
import { Command, Option } from "commander";
import { CONFIG_KEYS, type Config, ConfigError, configTable, loadConfig } from "./config.ts";

const flagOf = (key: string) => `--${key.toLowerCase().replaceAll("_", "-")}`;
const optionName = (key: string) => key.toLowerCase().replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());

/** Every configuration variable is also a flag: API_PORT → --api-port. */
function withConfigFlags(command: Command): Command {
  for (const row of configTable()) {
    command.addOption(
      new Option(`${flagOf(row.name)} <value>`, `${row.description} (env ${row.name})`).hideHelp(),
    );
  }
  return command.addHelpText(
    "after",
    "\nEvery configuration variable of the README's table is also a flag: API_PORT=4000 or --api-port 4000.",
  );
}

function configFrom(options: Record<string, unknown>): Config {
  const overrides: Record<string, string | undefined> = {};
  for (const key of CONFIG_KEYS) {
    const value = options[optionName(key)];
    if (typeof value === "string") overrides[key] = value;
  }
  return loadConfig(process.env, overrides);
}

async function run(
  action: (config: Config, options: Record<string, unknown>) => Promise<void>,
  options: Record<string, unknown>,
) {
  try {
    await action(configFrom(options), options);
  } catch (error) {
    if (error instanceof ConfigError || (error as { code?: string }).code === "SITE_INVALID") {
      process.stderr.write(`${(error as Error).message}\n`);
      process.exit(2);
    }
    throw error;
  }
}

const program = new Command()
  .name("charge-guard")
  .description("Telemetry for social-housing buildings, with a guard on tenants' charges.")
  .showHelpAfterError();

withConfigFlags(
  program
    .command("start")
    .description(
      "Everything in one process: MQTT broker, ingest, API and a live simulator, on SQLite files in DATA_DIR",
    ),
).action(async (options) => run((await import("./commands/start.ts")).start, options));

withConfigFlags(
  program
    .command("ingest")
    .description("Ingest only: subscribe to MQTT_URL and store readings in the configured store"),
).action(async (options) => run((await import("./commands/ingest.ts")).ingest, options));

withConfigFlags(program.command("api").description("The HTTP API only, reading the configured store")).action(
  async (options) => run((await import("./commands/api.ts")).api, options),
);

withConfigFlags(
  program
    .command("simulate")
    .description("Publish simulated readings to MQTT_URL: live, or a backfill of a past period")
    .option("--live", "publish current values every SIMULATE_INTERVAL_S seconds (default when no --from)")
    .option("--from <date>", "backfill: first day (YYYY-MM-DD, in the site's time zone)")
    .option("--to <date>", "backfill: day after the last one (default: today)")
    .option("--step <minutes>", "backfill: minutes between readings", "15")
    .option("--scenario <file>", "devices installed with known effects (YAML)")
    .option("--quiet", "no progress bar"),
).action(async (options) => run((await import("./commands/simulate.ts")).simulate, options));

withConfigFlags(
  program
    .command("import")
    .description(
      "Import history files into the configured store: long or wide meter CSV, Météo-France daily or hourly files (imports/FORMATS.md); exit 0 all taken, 1 some rows refused, 2 unreadable file or option, 6 interrupted (run again to resume)",
    )
    .argument("<files...>", "CSV files, plain or gzip")
    .option(
      "--format <format>",
      "long, wide, meteo-france-daily or meteo-france-hourly (default: from the header)",
    )
    .option("--encoding <encoding>", "utf-8 or windows-1252 (default: detected)")
    .option("--delimiter <char>", "; , tab or | (default: detected from the header)")
    .option("--decimal <char>", ". or , (default: detected from the first rows)")
    .option("--zone <zone>", "IANA time zone of local times in the files (default: the site's)")
    .option(
      "--date-is <when>",
      "a date without a time is an index at end-of-day (23:59:59) or start-of-day",
      "end-of-day",
    )
    .option("--from <date>", "refuse readings before this date (YYYY-MM-DD, local) or ISO instant")
    .option("--to <date>", "refuse readings from this date (YYYY-MM-DD, local) or ISO instant on")
    .option(
      "--refused <file>",
      "write every refused row to this CSV (file, line, column, reason, detail, row)",
    )
    .option("--batch-size <n>", "readings per store write", "20000")
    .option("--quiet", "no progress bar or progress lines"),
).action(async (files: string[], options) =>
  run((await import("./commands/import.ts")).importFiles, { ...options, files }),
);

withConfigFlags(
  program
    .command("evaluate")
    .description(
      "Charge guard: evaluate a proposal (YAML/JSON) on stored telemetry; exit 0 approve, 3 reject, 4 insufficient evidence, 2 bad input",
    )
    .argument("<proposal>", "proposal file, as in examples/proposals/")
    .option("--json", "print the verdict and its evidence as JSON")
    .option(
      "--from <date>",
      "first day of evidence (YYYY-MM-DD, in the site's time zone; default: a year before the first installation)",
    )
    .option("--to <date>", "day after the last one (default: today)")
    .option("--dry-run", "do not record the proposal or the verdict"),
).action(async (file: string, options) =>
  run((await import("./commands/evaluate.ts")).evaluate, { ...options, file }),
);

withConfigFlags(
  program
    .command("watch")
    .description(
      "Charge guard: re-evaluate every approved proposal on new data and print flags; exit 5 when flagged",
    )
    .option("--json", "print the outcomes as JSON"),
).action(async (options) => run((await import("./commands/watch.ts")).watch, options));

withConfigFlags(
  program
    .command("token")
    .description("Issue a bearer token for the embedded mode (signed with DATA_DIR/jwt-secret) and print it")
    .requiredOption("--role <role>", "admin, manager, board or tenant")
    .option("--buildings <ids>", "manager or board: comma-separated building ids")
    .option("--building <id>", "tenant: their building")
    .option("--dwelling <id>", "tenant: their dwelling")
    .option("--subject <name>", "who the token is for (the `sub` claim)")
    .option("--ttl <duration>", "validity: 30d, 12h, 15m or 3600s", "30d")
    .option(
      "--link",
      "print a sign-in link with a one-time code instead of the token (for a browser, a letter or a QR code)",
    )
    .option("--link-ttl <duration>", "--link: how long the code may wait to be used (at most --ttl)", "30d"),
).action(async (options) => run((await import("./commands/token.ts")).token, options));

const mqttAuthCommand = withConfigFlags(
  program
    .command("mqtt-auth")
    .description(
      "Write Mosquitto's passwd and acl from the site file: each device may publish only under its building and space; ingest's account from MQTT_USERNAME/MQTT_PASSWORD",
    )
    .option("--site <file>", "site file (default: SITE_FILE)")
    .option("--out <dir>", "folder to write passwd and acl into, e.g. deploy/mosquitto/")
    .option(
      "--workers <n>",
      "ingest workers on the shared subscription: accounts MQTT_USERNAME, MQTT_USERNAME-2, … (Mosquitto names sessions after accounts)",
    ),
).action(async (options) => run((await import("./commands/mqtt-auth.ts")).mqttAuth, options));
mqttAuthCommand
  .command("hash")
  .description(
    "Read a device secret from stdin and print its hash, for a device's secretHash in the site file",
  )
  .action(async () => run((await import("./commands/mqtt-auth.ts")).mqttAuthHash, {}));
withConfigFlags(
  mqttAuthCommand
    .command("check")
    .description(
      "On the broker's host: check a Mosquitto config for what ingest relies on (a persistence folder its user can write, snapshots on changes, a packet limit above ingest's); exit 1 on an error",
    )
    .requiredOption("--config <file>", "mosquitto.conf, e.g. /etc/mosquitto/mosquitto.conf"),
).action(async (options) => run((await import("./commands/mqtt-auth.ts")).mqttAuthCheck, options));

await program.parseAsync(process.argv);
