// `simulate`: publish a simulated site to MQTT_URL, live or as a backfill of a past period.

import { windowStart } from "../../domain/calendar.ts";
import { localMidnight } from "../../model/time-zone.ts";
import { runBackfill, runLive } from "../../simulators/publisher.ts";
import { loadScenarioFile } from "../../simulators/scenario.ts";
import { type Config, ConfigError } from "../config.ts";
import { createLogger, loadSite, onShutdown } from "../wiring.ts";

export interface SimulateOptions {
  live?: boolean;
  from?: string;
  to?: string;
  step?: string;
  scenario?: string;
  quiet?: boolean;
}

/** A YYYY-MM-DD day as the instant it starts in the site's `zone`. */
function localDay(text: string, flag: string, zone: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
  if (!match) throw new ConfigError(`${flag} must be a date such as 2025-01-31, not "${text}"`);
  return localMidnight(Number(match[1]), Number(match[2]), Number(match[3]), zone);
}

export async function simulate(config: Config, options: SimulateOptions): Promise<void> {
  const logger = createLogger(config, "simulator");
  const site = loadSite(config);
  const scenario = options.scenario ? loadScenarioFile(options.scenario) : undefined;
  const common = {
    url: config.MQTT_URL,
    username: config.MQTT_USERNAME,
    password: config.MQTT_PASSWORD,
    site,
    scenario,
    seed: config.SITE_SEED,
    quiet: options.quiet ?? false,
    logger,
  };
  const abort = new AbortController();
  onShutdown(logger, async () => abort.abort());

  if (options.from === undefined) {
    const result = await runLive({ ...common, intervalS: config.SIMULATE_INTERVAL_S, signal: abort.signal });
    process.stderr.write(
      `Published ${result.published} readings live (${result.acknowledged} acknowledged).\n`,
    );
    return;
  }
  const zone = site.timezone;
  const from = localDay(options.from, "--from", zone);
  const to = options.to ? localDay(options.to, "--to", zone) : windowStart(Date.now(), "1d", zone);
  const stepMinutes = Number(options.step ?? "15");
  if (!Number.isInteger(stepMinutes) || stepMinutes < 1)
    throw new ConfigError("--step must be a whole number of minutes");
  const result = await runBackfill({
    ...common,
    from,
    to,
    stepMs: stepMinutes * 60_000,
    signal: abort.signal,
  });
  process.stderr.write(
    `Backfill done: ${result.published} readings in ${result.messages} messages, ${result.acknowledged} acknowledged.\n`,
  );
  process.exit(result.acknowledged === result.published ? 0 : 1);
}
