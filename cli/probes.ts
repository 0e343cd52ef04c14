// Readiness probes for dependencies the process does not own through a client object.
import { connect } from "node:net";

/** Resolves when a TCP connection to host:port opens (then closes it); rejects otherwise. */
export function tcpProbe(host: string, port: number, timeoutMs = 1_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port });
    const done = (error?: Error) => {
      socket.destroy();
      if (error) reject(error);
      else resolve();
    };
    socket.setTimeout(timeoutMs, () =>
      done(new Error(`no connection to ${host}:${port} within ${timeoutMs} ms`)),
    );
    socket.once("connect", () => done());
    socket.once("error", (error) => done(new Error(`cannot connect to ${host}:${port}: ${error.message}`)));
  });
}
