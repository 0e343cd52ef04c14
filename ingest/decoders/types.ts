// What every decoder hands to accept.ts: the readings a payload states, not yet resolved against
// the site, and the refusals it could already decide (one per bad record, or one for the message).
import type { RejectionReason } from "../../model/dead-letter.ts";

export type PayloadFormat = "json" | "senml" | "line-protocol";

/** One reading as the payload states it. */
export interface DecodedReading {
  ok: true;
  /** Where it sits in the payload, to prefix a refusal: "record 3 of 50", "line 2"; "" for a lone reading. */
  where: string;
  /** The sensor the payload names (SenML bn+n, line-protocol tag sensor); "" or undefined when none. */
  sensor?: string;
  /** Line-protocol tags building and space, when given: they must agree with the topic. */
  building?: string;
  space?: string;
  /** Line-protocol measurement: the quantity the sender believes the sensor measures. */
  quantity?: string;
  unit?: string;
  /** Milliseconds since the epoch, an integer: the device's time, or the time of receipt. */
  t: number;
  /** The time comes from the time of receipt: none given, or a SenML time relative to "now". */
  atReceipt?: true;
  /** Not yet checked: may be non-finite or out of range. */
  v: number;
}

export interface DecodeRefusal {
  ok: false;
  where: string;
  reason: RejectionReason;
  detail: string;
}

export type DecodedItem = DecodedReading | DecodeRefusal;

export type DecodeResult =
  | { ok: true; items: DecodedItem[] }
  /** The payload as a whole is refused: one dead letter. */
  | { ok: false; reason: RejectionReason; detail: string };

export interface DecodeContext {
  /** Time of receipt, ms: the time of readings that carry none, and "now" for SenML relative times. */
  receivedAt: number;
  /** More records than this refuse the whole message (too_many_readings). */
  maxReadings: number;
}

/** A value from a message, quoted with its control characters visible, cut to a readable length. */
export function quote(s: string, max = 80): string {
  return JSON.stringify(s.length > max ? `${s.slice(0, max)}…` : s);
}

/** The refusal of a message whose records outnumber the limit. */
export function tooMany(count: number, what: string, max: number): DecodeResult {
  return {
    ok: false,
    reason: "too_many_readings",
    detail: `the message holds ${count} ${what}, more than the ${max} allowed in one message; split it into several messages`,
  };
}
