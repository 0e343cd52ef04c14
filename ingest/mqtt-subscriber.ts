// Ingest from an external MQTT broker (Mosquitto, EMQX…): an mqtt.js client with a persistent
// session and QoS 1 whose PUBACK leaves only after the journal write, so the broker keeps
// every message ingest has not made safe, across ingest restarts.
import type { Duplex } from "node:stream";
import mqtt, { type IClientOptions, type IPublishPacket, type MqttClient } from "mqtt";
import type { Logger } from "pino";
import { z } from "zod";
import { type CodeOf, errorFamily } from "../model/errors.ts";
import type { IngestPipeline } from "./pipeline.ts";

export const mqttSubscriberConfigSchema = z
  .object({
    url: z.url(),
    /** Names the persistent session: keep it stable across restarts, distinct per worker. */
    clientId: z.string().min(1).max(64),
    username: z.string().optional(),
    password: z.string().optional(),
    /** `$share/ingest/telemetry/#` splits the stream among several workers (MQTT 5 or Mosquitto ≥ 1.6). */
    topic: z.string().min(1).default("telemetry/#"),
    /** Further filters, subscribed with `topic`: the site's source topics (sourceSubscriptionTopics). */
    topics: z.array(z.string().min(1)).max(1000).default([]),
    protocolVersion: z.union([z.literal(4), z.literal(5)]).default(5),
    /** MQTT 5: how long the broker keeps the session (and queues messages) while ingest is away. */
    sessionExpirySeconds: z
      .number()
      .int()
      .min(1)
      .max(0xfffffffe)
      .default(7 * 24 * 3600),
    keepaliveSeconds: z.number().int().min(5).max(3600).default(30),
    reconnectPeriodMs: z.number().int().min(100).max(60_000).default(1000),
    connectTimeoutMs: z.number().int().min(100).max(120_000).default(10_000),
    /** On close, leave a `$share/` group for good: unsubscribe, take what is still in flight, end
     * the session. For scaling down; a worker that will come back must keep its session, or the
     * broker keeps nothing for the group while no worker is subscribed. */
    leaveSharedOnStop: z.boolean().default(false),
  })
  .strict();

export type MqttSubscriberConfig = z.input<typeof mqttSubscriberConfigSchema>;

export interface MqttSubscriberDeps {
  pipeline: IngestPipeline;
  logger: Logger;
}

export type MqttSubscriberErrorCode = CodeOf<"MqttSubscriberError">;

export class MqttSubscriberError extends errorFamily("MqttSubscriberError") {}

export class MqttSubscriber {
  readonly #config: z.infer<typeof mqttSubscriberConfigSchema>;
  readonly #deps: MqttSubscriberDeps;
  #client: MqttClient | null = null;
  #closing = false;
  #lastRefusalLog = 0;
  #lastMessageAt = 0;
  /** Connections corked since the journal's last write: what mqtt.js wrote on them since,
   * the PUBACKs of the messages staged meanwhile among it, waits in the stream (#release). */
  #corked = new Set<Duplex>();
  readonly #release = (written: boolean) => {
    const corked = this.#corked;
    this.#corked = new Set();
    for (const stream of corked) {
      // Not written: none of these may be acknowledged; drop the connection, and with it what
      // the cork holds (destroy discards it); the broker redelivers.
      if (!written) stream.destroy(new Error("journal write failed; messages not acknowledged"));
      else stream.uncork();
    }
  };

  constructor(config: MqttSubscriberConfig, deps: MqttSubscriberDeps) {
    this.#config = mqttSubscriberConfigSchema.parse(config);
    this.#deps = deps;
  }

  get connected(): boolean {
    return this.#client?.connected ?? false;
  }

  /** Connects and subscribes; resolves once the first subscription is granted. Reconnects by itself afterwards. */
  async connect(): Promise<void> {
    if (this.#client || this.#closing) return;
    const c = this.#config;
    const { logger } = this.#deps;
    const options: IClientOptions = {
      clientId: c.clientId,
      username: c.username,
      password: c.password,
      protocolVersion: c.protocolVersion,
      // A persistent session: the broker keeps our subscription and queues unacknowledged messages.
      clean: false,
      keepalive: c.keepaliveSeconds,
      reconnectPeriod: c.reconnectPeriodMs,
      connectTimeout: c.connectTimeoutMs,
      resubscribe: false,
      // mqtt.js logs every packet through the `debug` package, which costs CPU per message even
      // when nobody listens; it is kept only when DEBUG names something to log.
      ...(process.env.DEBUG ? {} : { log: () => {} }),
      ...(c.protocolVersion === 5 ? { properties: { sessionExpiryInterval: c.sessionExpirySeconds } } : {}),
    };
    const client = mqtt.connect(c.url, options);
    this.#client = client;
    client.handleMessage = (packet, callback) => this.#handleMessage(client, packet, callback);

    let first = true;
    const ready = new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => {
        if (!first) return;
        first = false;
        reject(
          new MqttSubscriberError(
            "mqtt_connect_failed",
            `cannot connect to the MQTT broker at ${redact(c.url)} (${err.message}); check MQTT_URL and credentials`,
            { cause: err },
          ),
        );
      };
      client.on("error", (err) => {
        if (first) fail(err);
        else logger.warn({ err: err.message }, "mqtt client error");
      });
      const timer = setTimeout(() => fail(new Error("no answer in time")), c.connectTimeoutMs * 2);
      client.on("connect", (connack) => {
        // A socket whose peer closed ends its own side on the next tick, and end() sends what a
        // cork holds: write the journal first (an EOF is not an acknowledgement of anything).
        client.stream.on("end", () => this.#deps.pipeline.flush());
        // Subscribing on every connect is harmless and covers a session the broker lost.
        client.subscribe([c.topic, ...c.topics], { qos: 1 }, (err, granted) => {
          const refused =
            err ?? (granted?.some((g) => g.qos !== 1 && g.qos !== 0) ? new Error("refused") : null);
          if (refused) {
            const error = new MqttSubscriberError(
              "mqtt_subscribe_refused",
              `the MQTT broker refused the subscription to ${[c.topic, ...c.topics].join(", ")} (${refused.message}); check its ACL (cli mqtt-auth writes ingest's read lines for the site's sources too)`,
              { cause: refused },
            );
            if (first) {
              first = false;
              clearTimeout(timer);
              reject(error);
            } else logger.error({ err: error.message }, "mqtt subscription refused");
            return;
          }
          logger.info(
            { topic: c.topic, topics: c.topics, sessionPresent: connack.sessionPresent },
            "subscribed to the MQTT broker",
          );
          if (first) {
            first = false;
            clearTimeout(timer);
            resolve();
          }
        });
      });
    });
    client.on("offline", () => logger.warn("MQTT broker unreachable; reconnecting"));
    try {
      await ready;
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  /** Disconnects, leaving the session on the broker (it queues for us). Safe twice and without connect. */
  async close(): Promise<void> {
    const client = this.#client;
    const leave =
      client?.connected && this.#config.leaveSharedOnStop && this.#config.topic.startsWith("$share/");
    if (client && leave) await this.#leaveGroup(client);
    // From now on messages are written before their callback (#handleMessage), so end() below,
    // which uncorks, finds no PUBACK of an unwritten message in the stream.
    this.#closing = true;
    this.#deps.pipeline.flush();
    this.#client = null;
    if (!client) return;
    const ending =
      leave && this.#config.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 0 } } : {};
    await client.endAsync(false, ending).catch(() => client.end(true));
  }

  /** Unsubscribes, then keeps handling messages until none has come for a moment, so nothing the
   * broker already assigned to this worker stays queued in a session nobody will resume. */
  async #leaveGroup(client: MqttClient): Promise<void> {
    const QUIET_MS = 300;
    const MAX_MS = 5_000;
    await client.unsubscribeAsync([this.#config.topic, ...this.#config.topics]).catch(() => undefined);
    const started = Date.now();
    this.#lastMessageAt = Math.max(this.#lastMessageAt, started);
    while (Date.now() - this.#lastMessageAt < QUIET_MS && Date.now() - started < MAX_MS) {
      await new Promise((r) => setTimeout(r, 50));
    }
    this.#deps.logger.info({ topic: this.#config.topic }, "left the shared subscription");
  }

  #handleMessage(client: MqttClient, packet: IPublishPacket, callback: (err?: Error) => void): void {
    const { pipeline } = this.#deps;
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
    const receivedAt = Date.now();
    this.#lastMessageAt = receivedAt;
    // QoS 1: the message is staged for the journal's next write (one write(2) for every message
    // of this event-loop turn), and the connection corked (Writable.cork) until that write is
    // done. Then the callback: mqtt.js sends the PUBACK, which waits in the cork, and hands over
    // the next message at once. The write uncorks, so the turn's PUBACKs leave in one socket
    // write after the records they acknowledge; a failed write destroys the connection instead.
    // Disconnected, mqtt.js would queue the PUBACK outside the cork: the message is written
    // first, as while closing.
    const stream = client.stream;
    if (packet.qos === 1 && !this.#closing && client.connected) {
      if (pipeline.stage(packet.topic, payload, receivedAt)) {
        if (!this.#corked.has(stream)) {
          if (this.#corked.size === 0) pipeline.whenWritten(this.#release);
          stream.cork();
          this.#corked.add(stream);
        }
        callback();
        return;
      }
    } else if (pipeline.handle(packet.topic, payload, receivedAt)) {
      callback(); // written now (QoS 1 while closing or disconnected), or QoS 0: nothing to acknowledge
      return;
    }
    // Journal full: hold the connection (mqtt.js handles one message at a time) until there is
    // room. If the connection is replaced meanwhile, give up: the broker redelivers.
    const retry = async () => {
      while (!this.#closing && client.stream === stream) {
        const now = Date.now();
        if (now - this.#lastRefusalLog > 10_000) {
          this.#lastRefusalLog = now;
          this.#deps.logger.warn(
            "ingest journal full: messages wait unacknowledged on the broker until it drains",
          );
        }
        await pipeline.waitForRoom(1000);
        if (this.#closing || client.stream !== stream) break;
        if (pipeline.handle(packet.topic, payload, receivedAt)) return callback();
      }
      callback(new Error("not acknowledged: ingest is closing or reconnected; the broker redelivers"));
    };
    void retry();
  }
}

/** The filters to subscribe to for a site's sources (SiteRegistry.sourceSubscriptions), in the
 * shared-subscription form when the telemetry subscription is one (`$share/ingest/telemetry/#`
 * gives `$share/ingest/application/+/device/+/event/up`…). */
export function sourceSubscriptionTopics(
  telemetryTopic: string,
  sources: readonly { filter: string }[],
): string[] {
  const shared = /^\$share\/[^/]+\//.exec(telemetryTopic)?.[0] ?? "";
  return sources.map((s) => `${shared}${s.filter}`);
}

/** The URL without credentials, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    u.username = "";
    u.password = "";
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}

export function createMqttSubscriber(config: MqttSubscriberConfig, deps: MqttSubscriberDeps): MqttSubscriber {
  return new MqttSubscriber(config, deps);
}
