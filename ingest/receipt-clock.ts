// Readings timed at receipt (no device time, or a SenML time relative to "now") must not meet by
// accident: a backlog released by the broker arrives as one burst, whose readings share the
// receipt millisecond, and two points of one series at one time are one point in either store.
// The clock gives each such reading the first millisecond, at or after the one it was given,
// that no other receipt-timed reading of its series has taken: the burst keeps its order, 1 ms
// apart. Readings with a device time are left as they are (a resend of one is the same point).
import { type Reading, seriesKeyOf } from "../model/reading.ts";

/** Receipt times remembered per series: a burst longer than this in one series could meet an
 * early stamp again after it is forgotten. */
const PER_SERIES = 4096;
/** Series remembered at once; past it the clock starts afresh (the oldest stamps are long past). */
const SERIES = 100_000;

export class ReceiptClock {
  #taken = new Map<string, Set<number>>();

  /** Moves `reading.t` to the first free millisecond of its series at or after it; returns how
   * many milliseconds it moved. */
  stamp(reading: Reading): number {
    const key = seriesKeyOf(reading);
    let taken = this.#taken.get(key);
    if (taken === undefined) {
      if (this.#taken.size >= SERIES) this.#taken.clear();
      taken = new Set();
      this.#taken.set(key, taken);
    }
    const given = reading.t;
    let t = given;
    while (taken.has(t)) t++;
    taken.add(t);
    if (taken.size > PER_SERIES) taken.delete(taken.values().next().value as number);
    reading.t = t;
    return t - given;
  }

  /** Gives back the millisecond of a stamped reading that was not kept after all (the journal
   * refused its message, which will come again). */
  release(reading: Reading): void {
    this.#taken.get(seriesKeyOf(reading))?.delete(reading.t);
  }
}
