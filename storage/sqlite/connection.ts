// The SQLite stores' lifecycle around one open database: opened by connect (once), closed by
// close (safe twice and without connect), and a typed error for any use in between.
import type Database from "better-sqlite3";
import { SqliteStoreError } from "./errors.ts";

export interface ConnectionLifecycle<C extends { db: Database.Database }> {
  /** Opens the connection unless it is open. */
  connect(): void;
  close(): void;
  /** The open connection; throws sqlite_not_connected before connect or after close. */
  connected(): C;
}

/** `store` names the store in the not-connected message ("telemetry store"). */
export function connectionLifecycle<C extends { db: Database.Database }>(
  store: string,
  open: () => C,
): ConnectionLifecycle<C> {
  let connection: C | undefined;
  return {
    connect() {
      if (connection === undefined) connection = open();
    },
    close() {
      const c = connection;
      connection = undefined;
      c?.db.close();
    },
    connected() {
      if (connection === undefined) {
        throw new SqliteStoreError(
          "sqlite_not_connected",
          `the SQLite ${store} is not connected; call connect() first`,
        );
      }
      return connection;
    },
  };
}
