// Bounds what a socket may make the embedded broker buffer, before aedes sees a byte: the MQTT
// fixed header of each packet declares its length, and a packet declaring more than the limit
// closes the connection at its header, before its body is read. Before the login the limit is
// that of a CONNECT (client id, will, user name, password); after it, the broker's packet limit.
// aedes itself buffers whatever length a packet declares, even before authentication.

import type { Socket } from "node:net";
import { Duplex, Transform, type TransformCallback } from "node:stream";
import { oneKindError } from "../model/errors.ts";

export class FrameTooLarge extends oneKindError("FrameTooLarge") {}

/** Walks MQTT fixed headers (type byte, then a 1-4 byte varint length) across chunks. */
export class MqttFrameScanner {
  #inHeader = true;
  #typeSeen = false;
  #length = 0;
  #multiplier = 1;
  #lengthBytes = 0;
  #remaining = 0;

  constructor(private readonly limit: () => number) {}

  /** Throws FrameTooLarge when a packet of `chunk` declares more than the limit, or a length that
   * is not MQTT's. */
  scan(chunk: Uint8Array): void {
    let i = 0;
    while (i < chunk.length) {
      if (!this.#inHeader) {
        const skip = Math.min(this.#remaining, chunk.length - i);
        this.#remaining -= skip;
        i += skip;
        if (this.#remaining === 0) this.#startHeader();
        continue;
      }
      const byte = chunk[i++]!;
      if (!this.#typeSeen) {
        this.#typeSeen = true;
        continue;
      }
      this.#length += (byte & 0x7f) * this.#multiplier;
      this.#multiplier *= 128;
      this.#lengthBytes++;
      if (byte & 0x80) {
        if (this.#lengthBytes === 4) throw new FrameTooLarge("malformed remaining length");
        continue;
      }
      const limit = this.limit();
      if (this.#length > limit)
        throw new FrameTooLarge(`a packet of ${this.#length} bytes, more than the ${limit} allowed`);
      this.#remaining = this.#length;
      this.#inHeader = false;
      if (this.#remaining === 0) this.#startHeader();
    }
  }

  #startHeader(): void {
    this.#inHeader = true;
    this.#typeSeen = false;
    this.#length = 0;
    this.#multiplier = 1;
    this.#lengthBytes = 0;
  }
}

export interface FrameLimits {
  /** Largest packet before the login succeeded (the CONNECT). */
  beforeLogin: number;
  /** Largest packet after it. */
  afterLogin: number;
}

/** A socket seen through the scanner: what aedes reads passes the limits first. */
export interface GuardedConnection {
  stream: Duplex;
  /** Raises the limit to `afterLogin` (the login succeeded). */
  authenticated(): void;
}

export function guardConnection(socket: Socket, limits: FrameLimits): GuardedConnection {
  let authenticated = false;
  // The first packet is the CONNECT: it gets the small limit. A client may send its first
  // PUBLISH right behind it, before the CONNACK (MQTT 3.1.1 allows it): later packets get the
  // broker's limit, and aedes reads none of them until the login is decided (it pauses the
  // connection), so what waits is bounded by the streams' buffers, not by the declared length.
  let packets = 0;
  const scanner = new MqttFrameScanner(() =>
    authenticated || packets++ > 0 ? limits.afterLogin : limits.beforeLogin,
  );
  const checked = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      try {
        scanner.scan(chunk);
      } catch (error) {
        socket.destroy();
        done(error as Error);
        return;
      }
      done(null, chunk);
    },
  });
  socket.pipe(checked);
  const stream = Duplex.from({ readable: checked, writable: socket });
  // aedes and loggers look these up on the connection.
  Object.assign(stream, { remoteAddress: socket.remoteAddress, remotePort: socket.remotePort });
  socket.once("close", () => stream.destroy());
  stream.once("close", () => socket.destroy());
  return {
    stream,
    authenticated() {
      authenticated = true;
    },
  };
}
