// What each profile hands to accept-source.ts: the source a message is from (or why none is),
// where in the payload the mapped field paths start, and the time the payload gives.
import type { RejectionReason } from "../../model/dead-letter.ts";
import type { SiteRegistry } from "../../model/registry.ts";
import type { Source } from "../../model/source.ts";

export type Identified =
  /** Not device state (zigbee2mqtt's bridge, availability, set and get topics): nothing to keep. */
  | { kind: "ignored" }
  | { kind: "refused"; reason: RejectionReason; detail: string; source?: Source }
  | {
      kind: "found";
      source: Source;
      /** Where the fields' paths start; undefined when the payload lacks it (`missingRoot` says why). */
      root: unknown;
      /** How a field path is written from the top of the payload: "object." for ChirpStack. */
      rootPath: string;
      missingRoot?: string;
      /** Milliseconds, or undefined: the time of receipt. */
      t: number | undefined;
    };

export interface ProfileInput {
  topic: string;
  /** The subscription filter the topic matched (zigbee2mqtt: `<base topic>/#`). */
  filter: string;
  /** The parsed JSON payload. */
  body: unknown;
  registry: SiteRegistry;
}

export function refused(reason: RejectionReason, detail: string, source?: Source): Identified {
  return source ? { kind: "refused", reason, detail, source } : { kind: "refused", reason, detail };
}

/** The sentence an unknown device's letter ends with. */
export function addIt(profile: string): string {
  return `add it under sources: with profile ${profile} (its building, space and fields)`;
}
