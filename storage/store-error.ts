// Who a failed store write is down to. Ingest dead-letters a reading only when the store
// refused it because of the reading itself; anything else (credentials, a missing database or
// retention policy, a server limit, an outage, a timeout) is the operator's or the server's to
// fix, and the write is retried until it works while the journal spools.
import type { Fault } from "../model/errors.ts";

/** "data": the readings themselves are refused (a field type conflict, a point outside the
 * retention policy, a line the server cannot parse); retrying them as they are cannot help.
 * "operator": the store's configuration refuses every write (auth, missing database, limits).
 * "server": the store is down, overloaded or slow. */
export type Blame = Extract<Fault, "data" | "operator" | "server">;

/** The blame a store error carries (an adapter sets `blame`); an error that says nothing is the
 * server's, so it is retried rather than taken out on the data. */
export function blameOf(error: unknown): Blame {
  const blame =
    typeof error === "object" && error !== null ? (error as { blame?: unknown }).blame : undefined;
  return blame === "data" || blame === "operator" || blame === "server" ? blame : "server";
}
