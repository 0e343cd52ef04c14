// A QoS 1 publisher that behaves like a good device, so fault tests measure ingest and not it:
// a paced stream with a bounded window of unacknowledged messages, every PUBACK recorded by
// message id, and whatever was not acknowledged sent again until it is.
//
// "auto" mode leans on mqtt.js: a persistent session (clean: false), automatic reconnection,
// and mqtt.js resending its unacknowledged QoS 1 messages on every reconnect; a publish that
// mqtt.js fails ("Connection closed") is sent again by us. "manual" mode does not reconnect:
// when the connection drops, the test calls reconnect() once the broker is back, and every
// message without a PUBACK is published again, as a device that lost its broker would.
import mqtt, { type MqttClient } from "mqtt";
import type { StreamMessage } from "../support/fault-stream.ts";

export interface PublisherOptions {
  url: string;
  clientId: string;
  protocolVersion: 4 | 5;
  /** Messages per second. */
  rate: number;
  /** Most messages sent and not yet acknowledged. */
  window?: number;
  mode?: "auto" | "manual";
}

export class Publisher {
  /** Ids of the messages the broker acknowledged (PUBACK). */
  readonly acked = new Set<number>();
  /** Publish callbacks that reported an error (each led to a resend). */
  errors = 0;
  connects = 0;
  /** Set when the connection dropped in manual mode: the acknowledged ids at that moment. */
  ackedAtDrop: Set<number> | null = null;

  readonly #messages: readonly StreamMessage[];
  readonly #o: Required<PublisherOptions>;
  #client: MqttClient | null = null;
  #generation = 0;
  #pending = new Set<number>();
  #retry: number[] = [];
  #next = 0;
  #down = false;
  #stopped = false;
  #wake: (() => void) | null = null;
  #paused = false;

  constructor(messages: readonly StreamMessage[], options: PublisherOptions) {
    this.#messages = messages;
    this.#o = { window: 50, mode: "auto", ...options };
  }

  /** Messages handed to the client so far (the stream's progress). */
  get sent(): number {
    return this.#next;
  }

  get down(): boolean {
    return this.#down;
  }

  async connect(): Promise<void> {
    const o = this.#o;
    const generation = ++this.#generation;
    const client = mqtt.connect(o.url, {
      clientId: o.clientId,
      protocolVersion: o.protocolVersion,
      clean: false,
      keepalive: 10,
      connectTimeout: 5_000,
      reconnectPeriod: o.mode === "auto" ? 250 : 0,
      ...(o.protocolVersion === 5 ? { properties: { sessionExpiryInterval: 3600 } } : {}),
    });
    this.#client = client;
    client.on("error", () => {}); // reconnection (or the test) handles it
    client.on("connect", () => {
      this.connects++;
      this.#kick();
    });
    client.on("close", () => {
      if (o.mode !== "manual" || generation !== this.#generation || this.#stopped) return;
      this.#down = true;
      this.ackedAtDrop ??= new Set(this.acked);
      this.#generation++;
      client.end(true);
    });
    await new Promise<void>((resolve, reject) => {
      client.once("connect", () => resolve());
      client.once("close", () => {
        if (!client.connected) reject(new Error(`publisher could not connect to ${o.url}`));
      });
    });
  }

  /** Manual mode: a new connection, then every message without a PUBACK is sent again. */
  async reconnect(): Promise<void> {
    this.#client?.end(true);
    for (const id of this.#pending) this.#retry.push(id);
    this.#pending.clear();
    await this.connect();
    this.#down = false;
    this.#kick();
  }

  /** Holds new messages (resends go on) until resume(). */
  pause(): void {
    this.#paused = true;
  }

  resume(): void {
    this.#paused = false;
    this.#kick();
  }

  /** Publishes the whole stream at the configured rate; resolves once every message is acknowledged. */
  async run(timeoutMs: number): Promise<void> {
    const { rate, window } = this.#o;
    const total = this.#messages.length;
    const deadline = Date.now() + timeoutMs;
    let started = Date.now();
    let pausedAt = 0;
    while (this.acked.size < total) {
      if (this.#stopped) throw new Error("publisher stopped");
      if (Date.now() > deadline) {
        throw new Error(
          `publisher: ${this.acked.size} of ${total} acknowledged after ${timeoutMs} ms (sent ${this.#next}, pending ${this.#pending.size}, to resend ${this.#retry.length})`,
        );
      }
      if (this.#paused) {
        pausedAt ||= Date.now();
      } else if (pausedAt) {
        started += Date.now() - pausedAt; // the pause does not count against the pace
        pausedAt = 0;
      }
      const room = !this.#down && this.#pending.size < window;
      if (room && this.#retry.length > 0) {
        const id = this.#retry.shift()!;
        if (!this.acked.has(id)) this.#send(id);
        continue;
      }
      const due = started + (this.#next * 1000) / rate;
      if (room && !this.#paused && this.#next < total && Date.now() >= due) {
        this.#send(this.#next++);
        continue;
      }
      await this.#sleep(
        this.#paused || this.#next >= total ? 50 : Math.max(1, Math.min(20, due - Date.now())),
      );
    }
  }

  async close(): Promise<void> {
    this.#stopped = true;
    this.#kick();
    const client = this.#client;
    this.#client = null;
    if (client) await client.endAsync(true).catch(() => {});
  }

  #send(id: number): void {
    const m = this.#messages[id]!;
    const generation = this.#generation;
    this.#pending.add(id);
    this.#client!.publish(m.topic, m.payload, { qos: 1 }, (err) => {
      if (!err) {
        this.acked.add(id);
        this.#pending.delete(id);
        this.#kick();
        return;
      }
      if (generation !== this.#generation) return; // reconnect() already queued it again
      this.errors++;
      this.#pending.delete(id);
      setTimeout(() => {
        this.#retry.push(id);
        this.#kick();
      }, 100);
    });
  }

  #sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.#wake = null;
        resolve();
      }, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = null;
        resolve();
      };
    });
  }

  #kick(): void {
    this.#wake?.();
  }
}
