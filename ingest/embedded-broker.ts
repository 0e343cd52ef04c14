// The embedded MQTT broker (aedes) with ingest inside it: telemetry, and the topics of the site
// file's third-party sources, are taken in aedes's authorizePublish hook, which runs before aedes sends a QoS 1 PUBACK, so a message is
// acknowledged only once its readings are in the journal, without a loopback client hop.
// With a DeviceAccess, logins are checked and each device publishes only within its scope, under
// a session named after its account. Before any login, a socket may make the broker buffer no
// more than a CONNECT (mqtt-frame-guard.ts), unauthenticated sockets are bounded in number and
// in time, and failed logins slow down the next ones from the same address or account.
import { createServer, type Server, type Socket } from "node:net";
import { Aedes, type AuthenticateError, type Client, type PublishPacket, type Subscription } from "aedes";
import type { Logger } from "pino";
import { z } from "zod";
import { type CodeOf, errorFamily } from "../model/errors.ts";
import { type ClientRateLimiter, createClientRateLimiter } from "./client-rate.ts";
import type { DeviceAccess, Identity } from "./device-access.ts";
import { LoginThrottle } from "./login-throttle.ts";
import type { IngestMetrics } from "./metrics.ts";
import { type GuardedConnection, guardConnection } from "./mqtt-frame-guard.ts";
import type { IngestPipeline } from "./pipeline.ts";

export const embeddedBrokerConfigSchema = z
  .object({
    host: z.string().min(1).default("127.0.0.1"),
    /** 0 picks a free port (tests); read it back from `port` after listen(). */
    port: z.number().int().min(0).max(65_535).default(1883),
    /** Messages whose topic starts with this are ingested; others pass through untouched. */
    telemetryPrefix: z.string().min(1).default("telemetry/"),
    /** How long a publish waits for journal room before its client is disconnected unacknowledged. */
    fullWaitMs: z.number().int().min(0).max(60_000).default(2000),
    /** Per-client message rate: a faster client is slowed down (its publish waits), never dropped;
     * 0 messages per second turns it off. */
    clientRate: z
      .object({ perSecond: z.number().min(0).default(0), burst: z.number().int().min(1).default(1000) })
      .strict()
      .default({ perSecond: 0, burst: 1000 }),
    /** A client that would wait longer than this for its rate is disconnected unacknowledged. */
    maxRateWaitMs: z.number().int().min(0).max(60_000).default(10_000),
    /** Largest packet after the login (4 × ingest's payload limit by default, as Mosquitto's). */
    maxPacketBytes: z
      .number()
      .int()
      .min(1024)
      .default(1024 * 1024),
    /** Largest packet before it: a CONNECT with its client id, will, user name and password. */
    maxConnectBytes: z
      .number()
      .int()
      .min(256)
      .default(64 * 1024),
    /** Sockets that have not logged in yet, at most; further ones are closed at once. */
    maxPendingConnections: z.number().int().min(1).default(256),
    /** The same from one address: one host cannot hold every slot, nor guess in parallel. */
    maxPendingPerAddress: z.number().int().min(1).default(16),
    /** Time a socket has to log in. */
    connectTimeoutMs: z.number().int().min(100).default(10_000),
    /** How failed logins slow down the next ones (login-throttle.ts); the defaults suit a site. */
    loginThrottle: z
      .object({
        freeFailures: z.number().int().min(0).optional(),
        windowMs: z.number().int().min(1).optional(),
        baseDelayMs: z.number().int().min(1).optional(),
        maxDelayMs: z.number().int().min(1).optional(),
      })
      .strict()
      .default({}),
  })
  .strict();

export type EmbeddedBrokerConfig = z.input<typeof embeddedBrokerConfigSchema>;

export interface EmbeddedBrokerDeps {
  pipeline: IngestPipeline;
  logger: Logger;
  /** Logins and per-device scopes from the site; without it every client may publish anywhere. */
  access?: DeviceAccess;
  /** Counts throttled publishes (messagesThrottled) when given. */
  metrics?: IngestMetrics;
}

export type EmbeddedBrokerErrorCode = CodeOf<"EmbeddedBrokerError">;

/** aedes's error for a CONNECT of a protocol it does not speak (MQTT 5). */
const UNACCEPTABLE_VERSION = "unacceptable protocol version";
const REFUSED_VERSION =
  "refused an MQTT 5 client: the embedded broker (aedes) speaks MQTT 3.1.1 only; connect with protocol 3.1.1 (mosquitto_pub -V mqttv311, mqtt.js protocolVersion: 4, paho MQTTv311), or run Mosquitto (docker compose) for MQTT 5";
const REFUSED_SHARED =
  "refused a shared subscription: the embedded broker (aedes) does not deliver $share/…; subscribe to the topic itself, or run Mosquitto (docker compose) to share a stream among several ingest workers";

/** Whether `packet` is the will aedes publishes for `client` as it closes. */
function isWill(client: Client, packet: PublishPacket): boolean {
  return (client as Client & { will?: unknown }).will === packet;
}

export class EmbeddedBrokerError extends errorFamily("EmbeddedBrokerError") {}

export class EmbeddedBroker {
  readonly #config: z.infer<typeof embeddedBrokerConfigSchema>;
  readonly #deps: EmbeddedBrokerDeps;
  #aedes: Aedes | null = null;
  #server: Server | null = null;
  #port = 0;
  #closing = false;
  #lastRefusalLog = 0;
  readonly #rate: ClientRateLimiter;
  /** Who each connected client logged in as (set by the authenticate hook). */
  readonly #identities = new WeakMap<Client, Identity>();
  /** Each connection's frame guard, and how it stops counting as waiting to log in, by the
   * stream aedes reads. */
  readonly #connections = new WeakMap<object, { guard: GuardedConnection; loggedIn: () => void }>();
  #pending = 0;
  readonly #pendingByAddress = new Map<string, number>();
  /** Logins being checked: aedes hands a PUBLISH sent right behind the CONNECT to
   * authorizePublish before the login is decided; it waits for `decided`. */
  readonly #deciding = new WeakMap<Client, { decided: Promise<void>; release: () => void }>();
  readonly #throttle: LoginThrottle;

  constructor(config: EmbeddedBrokerConfig, deps: EmbeddedBrokerDeps) {
    this.#config = embeddedBrokerConfigSchema.parse(config);
    this.#deps = deps;
    this.#rate = createClientRateLimiter(this.#config.clientRate);
    this.#throttle = new LoginThrottle(
      Object.fromEntries(Object.entries(this.#config.loginThrottle).filter(([, v]) => v !== undefined)),
    );
  }

  /** The port listened on (the chosen one when configured with 0). */
  get port(): number {
    return this.#port;
  }

  get url(): string {
    return `mqtt://${this.#config.host}:${this.#port}`;
  }

  /** The aedes instance, for subscribing in-process (e.g. a live view). */
  get aedes(): Aedes {
    if (!this.#aedes) throw new Error("the embedded broker is not listening");
    return this.#aedes;
  }

  async listen(): Promise<void> {
    if (this.#aedes || this.#closing) return;
    const { logger } = this.#deps;
    const { access } = this.#deps;
    const aedes = await Aedes.createBroker({
      connectTimeout: this.#config.connectTimeoutMs,
      authorizePublish: (client, packet, callback) => this.#authorizePublish(client, packet, callback),
      ...(access && {
        // Runs as the CONNECT is read, before any packet behind it: from here until the login is
        // decided, a PUBLISH of this client waits (#authorizePublish).
        preConnect: (
          _client: Client,
          _packet: unknown,
          callback: (error: Error | null, ok: boolean) => void,
        ) => {
          let release = () => {};
          const decided = new Promise<void>((resolve) => (release = resolve));
          this.#deciding.set(_client, { decided, release });
          callback(null, true);
        },
        authenticate: (
          client: Client,
          username: string | undefined,
          password: Buffer | undefined,
          callback: (error: AuthenticateError | null, success: boolean | null) => void,
        ) => this.#authenticate(access, client, username, password, callback),
      }),
      authorizeSubscribe: (
        client: Client | null,
        sub: Subscription,
        callback: (error: Error | null, subscription?: Subscription | null) => void,
      ) => callback(null, this.#maySubscribe(client, sub) ? sub : null),
    });
    aedes.on("clientReady", (client) => {
      this.#loggedIn(client);
      this.#release(client);
    });
    const clientError = (client: Client, err: Error) => {
      if (err.message === UNACCEPTABLE_VERSION) {
        logger.warn({ clientId: client.id }, REFUSED_VERSION);
      } else logger.debug({ clientId: client.id, err: err.message }, "mqtt client error");
    };
    aedes.on("clientError", clientError);
    aedes.on("connectionError", clientError);
    this.#aedes = aedes;
    const server = createServer((socket) => this.#accept(aedes, socket));
    this.#server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", (err) =>
        reject(
          new EmbeddedBrokerError(
            "broker_listen_failed",
            `the embedded MQTT broker cannot listen on ${this.#config.host}:${this.#config.port} (${err.message}); set MQTT_PORT to a free port`,
            { cause: err },
          ),
        ),
      );
      server.listen(this.#config.port, this.#config.host, () => resolve());
    }).catch(async (err) => {
      await this.close();
      throw err;
    });
    const address = server.address();
    this.#port = typeof address === "object" && address ? address.port : this.#config.port;
    logger.info({ host: this.#config.host, port: this.#port }, "embedded MQTT broker listening");
  }

  /** Disconnects clients, stops listening, closes aedes. Safe twice and without listen. */
  async close(): Promise<void> {
    this.#closing = true;
    const server = this.#server;
    const aedes = this.#aedes;
    this.#server = null;
    this.#aedes = null;
    const serverClosed = server ? new Promise<void>((r) => server.close(() => r())) : Promise.resolve();
    if (aedes) await new Promise<void>((r) => aedes.close(() => r()));
    await serverClosed;
  }

  /** Hands a socket to aedes through its frame guard, unless too many are waiting to log in. */
  #accept(aedes: Aedes, socket: Socket): void {
    const address = socket.remoteAddress ?? "unknown";
    const fromAddress = this.#pendingByAddress.get(address) ?? 0;
    if (
      this.#pending >= this.#config.maxPendingConnections ||
      fromAddress >= this.#config.maxPendingPerAddress
    ) {
      const now = Date.now();
      if (now - this.#lastRefusalLog > 10_000) {
        this.#lastRefusalLog = now;
        this.#deps.logger.warn(
          { pending: this.#pending, fromAddress },
          "too many connections waiting to log in: new ones closed until some do",
        );
      }
      socket.destroy();
      return;
    }
    const guard = guardConnection(socket, {
      beforeLogin: this.#config.maxConnectBytes,
      afterLogin: this.#config.maxPacketBytes,
    });
    this.#pending++;
    this.#pendingByAddress.set(address, fromAddress + 1);
    let counted = true;
    const settle = () => {
      if (!counted) return;
      counted = false;
      this.#pending--;
      const left = (this.#pendingByAddress.get(address) ?? 1) - 1;
      if (left > 0) this.#pendingByAddress.set(address, left);
      else this.#pendingByAddress.delete(address);
    };
    guard.stream.once("close", settle);
    this.#connections.set(guard.stream, { guard, loggedIn: settle });
    aedes.handle(guard.stream);
  }

  /** Lets the PUBLISHes a client sent behind its CONNECT be decided. */
  #release(client: Client): void {
    this.#deciding.get(client)?.release();
    this.#deciding.delete(client);
  }

  /** The login succeeded: the connection gets the broker's packet limit and no longer counts as
   * waiting to log in. */
  #loggedIn(client: Client): void {
    const connection = this.#connections.get((client as unknown as { conn: object }).conn);
    connection?.guard.authenticated();
    connection?.loggedIn();
  }

  #authenticate(
    access: DeviceAccess,
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    callback: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void {
    const address = (client as unknown as { conn: { remoteAddress?: string } }).conn.remoteAddress;
    const delay = this.#throttle.delayFor(address, username, Date.now());
    // A refusal lets a waiting PUBLISH go at once (it finds the client closed); a success once
    // the CONNACK is out (clientReady), so that its PUBACK follows the CONNACK.
    const answer = (error: AuthenticateError | null, success: boolean | null) => {
      callback(error, success);
      if (error || !success) this.#release(client);
    };
    const check = () => this.#checkLogin(access, client, address, username, password, answer);
    if (delay > 0) setTimeout(check, delay);
    else check();
  }

  #checkLogin(
    access: DeviceAccess,
    client: Client,
    address: string | undefined,
    username: string | undefined,
    password: Buffer | undefined,
    callback: (error: AuthenticateError | null, success: boolean | null) => void,
  ): void {
    if (client.closed) return;
    access.login(username, password).then(
      (outcome) => {
        if (outcome.ok) {
          const identity = outcome.identity;
          if (identity.kind === "device") {
            // The session is the account's, whatever client id it sent (Mosquitto's
            // use_username_as_clientid): no client can take over another's session.
            client.id = identity.device.id;
          } else if (access.isDeviceId(client.id)) {
            const error = new Error(
              `client id "${client.id}" belongs to a device account; log in as that device`,
            ) as AuthenticateError;
            error.returnCode = 2; // identifier rejected
            return callback(error, false);
          }
          this.#identities.set(client, identity);
          this.#loggedIn(client);
          return callback(null, true);
        }
        this.#throttle.failed(address, username, Date.now());
        // CONNACK 5 "not authorised" for both, as Mosquitto 2.0 answers an MQTT 3.1.1 client.
        const error = new Error(
          outcome.reason === "anonymous_refused"
            ? "anonymous clients are refused"
            : "bad user name or password",
        ) as AuthenticateError;
        error.returnCode = 5;
        this.#deps.logger.info({ clientId: client.id, reason: outcome.reason }, "mqtt login refused");
        callback(error, false);
      },
      (err: unknown) => {
        const error = new Error(`login check failed: ${(err as Error).message}`) as AuthenticateError;
        error.returnCode = 3; // server unavailable: the device retries later
        callback(error, false);
      },
    );
  }

  /** A shared subscription is refused (SUBACK failure) rather than granted and never served:
   * aedes does not deliver `$share/…`. Otherwise the device access decides, when there is one. */
  #maySubscribe(client: Client | null, sub: Subscription): boolean {
    if (sub.topic.startsWith("$share/")) {
      this.#deps.logger.warn({ clientId: client?.id, topic: sub.topic }, REFUSED_SHARED);
      return false;
    }
    const { access } = this.#deps;
    return (
      access === undefined ||
      access.maySubscribe(client ? this.#identities.get(client) : undefined, sub.topic)
    );
  }

  #authorizePublish(
    client: Client | null,
    packet: PublishPacket,
    callback: (error?: Error | null) => void,
  ): void {
    const deciding = client ? this.#deciding.get(client) : undefined;
    if (deciding) {
      void deciding.decided.then(() => this.#authorizePublish(client, packet, callback));
      return;
    }
    const topic = packet.topic;
    const identity = client ? this.#identities.get(client) : undefined;
    if (!topic.startsWith(this.#config.telemetryPrefix) && !this.#deps.pipeline.claims(topic)) {
      if (topic.startsWith("$")) callback(new Error("$ topics are reserved"));
      else if (!this.#deps.access || this.#deps.access.mayRelay(identity)) callback(null);
      else {
        // A device publishes telemetry only: anything else would be relayed to whoever listens.
        // Acknowledged and kept as a dead letter, like a publish outside its scope, never relayed.
        const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
        if (this.#deps.access.refuse(identity, topic, payload, Date.now())) {
          sink(packet);
          callback(null);
        } else
          callback(new EmbeddedBrokerError("journal_full", "ingest journal full; message not acknowledged"));
      }
      return;
    }
    const sender =
      identity?.kind === "device" ? `device:${identity.device.id}` : `address:${remoteAddressOf(client)}`;
    const wait = client ? this.#rate.reserve(sender, Date.now()) : 0;
    if (wait > 0) {
      if (this.#deps.metrics) this.#deps.metrics.messagesThrottled++;
      if (wait > this.#config.maxRateWaitMs) {
        this.#deps.logger.warn(
          { clientId: client?.id },
          "client far over its message rate: disconnected unacknowledged",
        );
        callback(new Error("message rate exceeded; slow down"));
        return;
      }
      setTimeout(() => this.#authorizeTelemetry(client, packet, callback), wait);
      return;
    }
    this.#authorizeTelemetry(client, packet, callback);
  }

  #authorizeTelemetry(
    client: Client | null,
    packet: PublishPacket,
    callback: (error?: Error | null) => void,
  ): void {
    // A will is published by the broker once its client has gone: it is taken like any message.
    if (this.#closing || (client?.closed && !isWill(client, packet))) {
      callback(new Error("broker closing"));
      return;
    }
    const topic = packet.topic;
    const payload = typeof packet.payload === "string" ? Buffer.from(packet.payload) : packet.payload;
    const receivedAt = Date.now();
    const { pipeline, access } = this.#deps;
    // A publish outside the client's scope is acknowledged and kept as a dead letter rather than
    // refused: refusing would disconnect the client, which would resend it forever (README).
    const identity = client ? this.#identities.get(client) : undefined;
    const refused = access !== undefined && !access.mayPublish(identity, topic);
    const take = refused
      ? () => access.refuse(identity, topic, payload, receivedAt)
      : () => pipeline.handle(topic, payload, receivedAt);
    // A source's message (not telemetry) is relayed only where a non-telemetry one would be
    // (mayRelay): a device's subscription grants must not show it another building's uplinks.
    const relayed =
      !refused &&
      (access === undefined || topic.startsWith(this.#config.telemetryPrefix) || access.mayRelay(identity));
    const accepted = () => {
      if (!relayed) sink(packet);
      callback(null);
    };
    if (take()) {
      accepted();
      return;
    }
    // Journal full: hold this publish (and, through aedes, the client's socket) for a while; if
    // there is still no room, refuse. aedes then drops the connection without a PUBACK, and the
    // publisher sends the message again after reconnecting.
    const deadline = receivedAt + this.#config.fullWaitMs;
    const retry = async () => {
      while (!this.#closing && !client?.closed && Date.now() < deadline) {
        await pipeline.waitForRoom(Math.max(1, deadline - Date.now()));
        if (this.#closing || client?.closed) break;
        if (take()) return accepted();
      }
      const now = Date.now();
      if (now - this.#lastRefusalLog > 10_000) {
        this.#lastRefusalLog = now;
        this.#deps.logger.warn(
          "ingest journal full: publishers are disconnected unacknowledged until it drains",
        );
      }
      callback(new EmbeddedBrokerError("journal_full", "ingest journal full; message not acknowledged"));
    };
    void retry();
  }
}

/** Where a refused but acknowledged publish goes: a topic nobody may subscribe to (no client may
 * subscribe to $ topics here), not retained, so aedes relays it to no one. */
const REFUSED_TOPIC = "$charge-guard/refused";
function sink(packet: PublishPacket): void {
  packet.topic = REFUSED_TOPIC;
  packet.retain = false;
}

function remoteAddressOf(client: Client | null): string {
  return (
    (client as unknown as { conn?: { remoteAddress?: string } } | null)?.conn?.remoteAddress ?? "unknown"
  );
}

export function createEmbeddedBroker(config: EmbeddedBrokerConfig, deps: EmbeddedBrokerDeps): EmbeddedBroker {
  return new EmbeddedBroker(config, deps);
}
