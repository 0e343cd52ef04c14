// A dead letter is what ingest refused, kept with the reason so an operator can fix the
// sender. Nothing is ever dropped without one.
import { createHash } from "node:crypto";
import { z } from "zod";

export const REJECTION_REASONS = [
  "malformed_topic",
  "malformed_payload",
  "payload_too_large",
  "too_many_readings",
  "unknown_building",
  "unknown_space",
  "unknown_sensor",
  "wrong_unit",
  "wrong_quantity",
  "non_finite_value",
  "out_of_range",
  "timestamp_in_future",
  "timestamp_too_old",
  "not_authorised",
  "rate_limited",
  "store_rejected",
] as const;

export const rejectionReasonSchema = z.enum(REJECTION_REASONS);
export type RejectionReason = z.infer<typeof rejectionReasonSchema>;

/** At most this much of a refused payload is kept, enough to recognise the sender's bug. */
export const DEAD_LETTER_PAYLOAD_EXCERPT = 1024;

export const deadLetterSchema = z
  .object({
    /** When ingest received the message, ms since epoch UTC. */
    receivedAt: z.number().int(),
    topic: z.string(),
    reason: rejectionReasonSchema,
    /** A sentence an operator can act on: what was wrong and what was expected. */
    detail: z.string(),
    /** The first DEAD_LETTER_PAYLOAD_EXCERPT bytes of the payload, decoded as UTF-8 with replacement. */
    payload: z.string(),
    /** The building named in the topic, when the topic had one, to scope who may read it. */
    building: z.string().optional(),
  })
  .strict();

export type DeadLetter = z.infer<typeof deadLetterSchema>;

/** A dead letter's identity, so that recording it again (the journal replaying a batch after a
 * crash) stores it once: a digest of every field, the time of receipt included, which the
 * journal keeps. Two letters alike in every field are one letter. */
export function deadLetterKey(letter: DeadLetter): string {
  const fields = [
    letter.receivedAt,
    letter.topic,
    letter.reason,
    letter.detail,
    letter.payload,
    letter.building ?? null,
  ];
  return createHash("sha256").update(JSON.stringify(fields)).digest("base64url").slice(0, 22);
}
