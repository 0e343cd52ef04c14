// The DeadLetterStore in memory: letters in arrival order, each under the key
// model/dead-letter.ts gives it, so a letter recorded again is stored once.
import { type DeadLetter, deadLetterKey, type RejectionReason } from "../../model/dead-letter.ts";
import type { DeadLetterFilter, DeadLetterStore, StoredDeadLetter } from "../dead-letter-store.ts";
import { lifecycle } from "./lifecycle.ts";

/** A letter as stored: its fields without `key` (which identifies it, and is not given back). */
function stored(letter: DeadLetter, id: number): StoredDeadLetter {
  const { key: _key, building, ...fields } = letter;
  return building === undefined ? { ...fields, id } : { ...fields, building, id };
}

export function createMemoryDeadLetterStore(): DeadLetterStore {
  const { connect, close, check } = lifecycle("dead-letter store");
  /** Key → letter, in arrival order (a Map keeps insertion order). */
  const letters = new Map<string, StoredDeadLetter>();
  let lastId = 0;

  const matches = (l: StoredDeadLetter, filter: { building?: string; reason?: RejectionReason }) =>
    (filter.building === undefined || l.building === filter.building) &&
    (filter.reason === undefined || l.reason === filter.reason);

  return {
    connect,
    close,

    async record(batch) {
      check();
      for (const letter of batch) {
        const key = deadLetterKey(letter);
        if (!letters.has(key)) letters.set(key, stored(letter, ++lastId));
      }
    },

    async list(filter: DeadLetterFilter) {
      check();
      const newestFirst = [...letters.values()].reverse();
      return newestFirst
        .filter((l) => matches(l, filter) && (filter.before === undefined || l.id < filter.before))
        .slice(0, filter.limit)
        .map((l) => ({ ...l }));
    },

    async countByReason(filter = {}) {
      check();
      const counts: Partial<Record<RejectionReason, number>> = {};
      for (const l of letters.values())
        if (matches(l, filter)) counts[l.reason] = (counts[l.reason] ?? 0) + 1;
      return counts;
    },

    async pruneReceivedBefore(before) {
      check();
      let deleted = 0;
      for (const [key, l] of letters) {
        if (l.receivedAt < before) {
          letters.delete(key);
          deleted++;
        }
      }
      return deleted;
    },
  };
}
