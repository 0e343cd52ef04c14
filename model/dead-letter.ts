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
  "unknown_device",
  "missing_field",
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

/** At most this many characters of a topic are kept (MQTT allows 65 535 bytes). */
export const DEAD_LETTER_TOPIC_EXCERPT = 256;

/** A topic as a dead letter keeps it: whole when short, else its start and its length. */
export function topicExcerpt(topic: string): string {
  return topic.length <= DEAD_LETTER_TOPIC_EXCERPT
    ? topic
    : `${topic.slice(0, DEAD_LETTER_TOPIC_EXCERPT)}… (${topic.length} characters)`;
}

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
    /** The building named in the topic, when the site has it, to scope who may read it. */
    building: z.string().optional(),
    /** The letter's identity for idempotent recording (deadLetterKey), set by ingest's writer
     * from where its message sits in the journal; stores compute it from the fields otherwise. */
    key: z.string().optional(),
  })
  .strict();

export type DeadLetter = z.infer<typeof deadLetterSchema>;

/** A dead letter's identity, so that recording it again (the journal replaying a batch after a
 * crash) stores it once: a digest of every field, the time of receipt included, and of where it
 * came from (`occurrence`: its message's place in the journal and its rank there), so that two
 * identical bad messages received in one millisecond stay two letters. The letter's own `key`
 * when it has one. */
export function deadLetterKey(letter: DeadLetter, occurrence = ""): string {
  if (letter.key !== undefined && occurrence === "") return letter.key;
  const fields = [
    letter.receivedAt,
    letter.topic,
    letter.reason,
    letter.detail,
    letter.payload,
    letter.building ?? null,
    occurrence,
  ];
  return createHash("sha256").update(JSON.stringify(fields)).digest("base64url").slice(0, 22);
}
