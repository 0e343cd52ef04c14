// Publishes a simulated site over MQTT (QoS 1) on telemetry/{building}/{space}/{sensor}:
// live (the values of now, every few seconds) or backfill (a past period as fast as the
// broker acknowledges, a bounded number of messages in flight, one SenML pack per sensor and
// day). Counts every reading published and every reading acknowledged.
import { SingleBar } from "cli-progress";
import mqtt, { type MqttClient } from "mqtt";
import type { Logger } from "pino";
import { z } from "zod";
import type { Reading } from "../model/reading.ts";
import type { Site } from "../model/site.ts";
import { SimulatorError } from "./errors.ts";
import { jsonReading, senmlPack, topicOf } from "./payloads.ts";
import { DEFAULT_STEP_MS, instants } from "./readings.ts";
import { scenarioSchema } from "./scenario.ts";
import { SiteSimulation } from "./site-simulation.ts";

const instant = z.union([
  z.number().int().min(0),
  z.iso.datetime({ offset: true }).transform((s) => Date.parse(s)),
]);

const commonOptions = {
  url: z.string().regex(/^(mqtts?|wss?|tcp):\/\//, "an MQTT URL such as mqtt://127.0.0.1:1883"),
  username: z.string().optional(),
  password: z.string().optional(),
  clientId: z.string().min(1).max(64).optional(),
  site: z.custom<Site>((v) => typeof v === "object" && v !== null && "buildings" in v, "a parsed Site"),
  scenario: scenarioSchema.default({ devices: [], meterReplacements: [], outages: [] }),
  seed: z.number().int(),
  /** No progress bar even on a terminal. */
  quiet: z.boolean().default(false),
  logger: z.custom<Logger>().optional(),
};

export const liveOptionsSchema = z
  .object({
    ...commonOptions,
    intervalS: z.number().positive().max(86_400).default(10),
    /** Stop after this many rounds (default: until the signal aborts). */
    ticks: z.number().int().positive().optional(),
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal).optional(),
    /** The clock, for tests. */
    now: z.custom<() => number>((v) => typeof v === "function").default(() => Date.now),
  })
  .strict();

export const backfillOptionsSchema = z
  .object({
    ...commonOptions,
    from: instant,
    to: instant,
    stepMs: z.number().int().min(1_000).default(DEFAULT_STEP_MS),
    /** Messages published and not yet acknowledged, at most. */
    maxInFlight: z.number().int().min(1).max(65_000).default(500),
    /** Readings in one SenML pack, at most (ingest refuses more than its own limit). */
    maxReadingsPerMessage: z.number().int().min(1).max(10_000).default(500),
    signal: z.custom<AbortSignal>((v) => v instanceof AbortSignal).optional(),
  })
  .strict()
  .refine((o) => o.to > o.from, { message: "to must come after from", path: ["to"] });

export type LiveOptions = z.input<typeof liveOptionsSchema>;
export type BackfillOptions = z.input<typeof backfillOptionsSchema>;

export interface PublishResult {
  /** Readings sent. */
  published: number;
  /** Readings whose message the broker acknowledged (PUBACK). */
  acknowledged: number;
  messages: number;
}

function parse<T extends z.ZodType>(schema: T, options: unknown): z.output<T> {
  const result = schema.safeParse(options);
  if (!result.success) {
    throw new SimulatorError(
      "OPTIONS_INVALID",
      `invalid simulator options:\n${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

/** A connected client with a bound on unacknowledged messages. */
class BoundedPublisher {
  readonly result: PublishResult = { published: 0, acknowledged: 0, messages: 0 };
  readonly #client: MqttClient;
  readonly #max: number;
  #inFlight = 0;
  #failure: Error | undefined;
  #wake: (() => void) | undefined;

  private constructor(client: MqttClient, max: number) {
    this.#client = client;
    this.#max = max;
    client.on("error", (err) => this.#fail(err));
  }

  static async connect(
    o: {
      url: string;
      username?: string | undefined;
      password?: string | undefined;
      clientId?: string | undefined;
    },
    maxInFlight: number,
  ): Promise<BoundedPublisher> {
    try {
      const client = await mqtt.connectAsync(o.url, {
        clientId: o.clientId ?? `simulator-${process.pid}-${Date.now().toString(36)}`,
        username: o.username,
        password: o.password,
        clean: true,
        reconnectPeriod: 1_000,
        connectTimeout: 10_000,
      });
      return new BoundedPublisher(client, maxInFlight);
    } catch (error) {
      throw new SimulatorError(
        "PUBLISH_FAILED",
        `cannot connect to the MQTT broker at ${o.url}: ${(error as Error).message}; is it running, and are MQTT_URL and the credentials right?`,
        { cause: error },
      );
    }
  }

  #fail(err: Error): void {
    this.#failure ??= new SimulatorError("PUBLISH_FAILED", `MQTT publish failed: ${err.message}`, {
      cause: err,
    });
    this.#wake?.();
  }

  async #waitBelow(limit: number): Promise<void> {
    while (this.#inFlight > limit) {
      if (this.#failure) throw this.#failure;
      await new Promise<void>((resolve) => {
        this.#wake = resolve;
      });
    }
    if (this.#failure) throw this.#failure;
  }

  /** Sends a message of `count` readings; waits while too many are unacknowledged. */
  async publish(topic: string, payload: string, count: number): Promise<void> {
    await this.#waitBelow(this.#max - 1);
    this.#inFlight++;
    this.result.published += count;
    this.result.messages++;
    this.#client.publish(topic, payload, { qos: 1 }, (err) => {
      this.#inFlight--;
      if (err) this.#fail(err);
      else this.result.acknowledged += count;
      const wake = this.#wake;
      this.#wake = undefined;
      wake?.();
    });
  }

  /** Waits until every message sent was acknowledged. */
  drain(): Promise<void> {
    return this.#waitBelow(0);
  }

  async close(): Promise<void> {
    await this.#client.endAsync();
  }
}

function progressBar(quiet: boolean, total: number, unit: string): SingleBar | undefined {
  if (quiet || !process.stderr.isTTY) return undefined;
  const bar = new SingleBar({
    stream: process.stderr,
    format: `{bar} {percentage}% | {value}/{total} ${unit} | {readings} readings | ETA {eta_formatted}`,
    hideCursor: true,
  });
  bar.start(total, 0, { readings: 0 });
  return bar;
}

/** Publishes [from, to) of the site's history: for each sensor, one SenML pack per UTC day
 * (split at maxReadingsPerMessage). Resolves once every message was acknowledged. */
export async function runBackfill(options: BackfillOptions): Promise<PublishResult> {
  const o = parse(backfillOptionsSchema, options);
  const sim = new SiteSimulation({ site: o.site, scenario: o.scenario, seed: o.seed });
  const days = Math.ceil((o.to - o.from) / 86_400_000);
  const publisher = await BoundedPublisher.connect(o, o.maxInFlight);
  const bar = progressBar(o.quiet, days, "days");
  o.logger?.info(
    { from: new Date(o.from).toISOString(), to: new Date(o.to).toISOString() },
    "backfill started",
  );
  const series = new Map<string, Reading[]>();
  const flush = async (): Promise<void> => {
    for (const [topic, readings] of series) {
      for (let i = 0; i < readings.length; i += o.maxReadingsPerMessage) {
        const chunk = readings.slice(i, i + o.maxReadingsPerMessage);
        await publisher.publish(topic, senmlPack(chunk), chunk.length);
      }
    }
    series.clear();
  };
  try {
    let chunkDay: number | undefined;
    let done = 0;
    for (const t of instants(o.from, o.to, o.stepMs)) {
      if (o.signal?.aborted) break;
      const day = Math.floor(t / 86_400_000);
      if (chunkDay !== undefined && day !== chunkDay) {
        await flush();
        bar?.update(++done, { readings: publisher.result.published });
      }
      chunkDay = day;
      for (const r of sim.readingsAt(t)) {
        const topic = topicOf(r);
        const list = series.get(topic);
        if (list) list.push(r);
        else series.set(topic, [r]);
      }
    }
    await flush();
    await publisher.drain();
    bar?.update(days, { readings: publisher.result.published });
  } finally {
    bar?.stop();
    await publisher.close();
  }
  o.logger?.info({ ...publisher.result }, "backfill finished");
  return publisher.result;
}

/** Publishes the current value of every sensor every intervalS seconds, timestamped now, as
 * JSON {t, v}, until `ticks` rounds are done or the signal aborts. */
export async function runLive(options: LiveOptions): Promise<PublishResult> {
  const o = parse(liveOptionsSchema, options);
  const sim = new SiteSimulation({ site: o.site, scenario: o.scenario, seed: o.seed });
  // A round is sent whole before the next starts; the bound only spreads it over acknowledgements.
  const publisher = await BoundedPublisher.connect(o, 1_000);
  o.logger?.info({ intervalS: o.intervalS }, "live simulator started");
  try {
    for (let tick = 0; o.ticks === undefined || tick < o.ticks; tick++) {
      if (o.signal?.aborted) break;
      const started = o.now();
      for (const r of sim.readingsAt(started)) await publisher.publish(topicOf(r), jsonReading(r), 1);
      await publisher.drain();
      if (o.ticks !== undefined && tick + 1 >= o.ticks) break;
      await sleep(Math.max(0, o.intervalS * 1000 - (o.now() - started)), o.signal);
    }
  } finally {
    await publisher.close();
  }
  o.logger?.info({ ...publisher.result }, "live simulator stopped");
  return publisher.result;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
