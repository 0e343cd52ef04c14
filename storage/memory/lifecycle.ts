// The memory stores' lifecycle, the same as every adapter's: connect opens, close is safe twice
// and without connect, and any use while closed throws a typed error, so a test on a memory
// store catches a missing connect as a real store would. What a store holds stays with the
// object across close and connect, as a file's content stays on disk.

import { type CodeOf, errorFamily } from "../../model/errors.ts";

export type MemoryStoreErrorCode = CodeOf<"MemoryStoreError">;

export class MemoryStoreError extends errorFamily("MemoryStoreError") {}

export interface Lifecycle {
  connect(): Promise<void>;
  close(): Promise<void>;
  /** Throws memory_not_connected unless connected. */
  check(): void;
}

/** `store` names the store in the error ("telemetry store"); `notConnected` replaces the error
 * when the port names its own (the DecisionStore's). */
export function lifecycle(store: string, notConnected?: () => Error): Lifecycle {
  let connected = false;
  return {
    async connect() {
      connected = true;
    },
    async close() {
      connected = false;
    },
    check() {
      if (connected) return;
      throw (
        notConnected?.() ??
        new MemoryStoreError(
          "memory_not_connected",
          `the memory ${store} is not connected; call connect() first`,
        )
      );
    },
  };
}
