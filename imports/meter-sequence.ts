// Checks a file's readings against the ones before them in the same file: a meter index that
// goes down (other than a replaced meter starting again), or two different values at one
// instant, are refused; the same value twice is a duplicate, stored once.
import { meterStep } from "../domain/consumption.ts";
import { instant } from "../ingest/validate.ts";
import type { Checked } from "./check.ts";
import { type CellRefusal, refusal } from "./types.ts";

export type SequenceVerdict = "new" | "duplicate" | CellRefusal;

/** How a checked reading, read on `line`, stands against the file's last reading of its series
 * (kept on the series). */
export function sequenceCheck(
  { reading: r, series }: Checked,
  line: number,
  column?: string,
): SequenceVerdict {
  const last = series.history.last;
  if (last === undefined) {
    series.history.last = { t: r.t, v: r.v, line };
    return "new";
  }
  if (r.t > last.t) {
    if (series.counter && meterStep(last.v, r.v) === "backwards") {
      return refusal(
        "meter_backwards",
        `the index ${r.v} at ${instant(r.t)} is lower than ${last.v} at ${instant(last.t)} (line ${last.line}); a meter does not run backwards: check the reading (a replaced meter starts again below a tenth of the old index)`,
        column,
      );
    }
    last.t = r.t;
    last.v = r.v;
    last.line = line;
    return "new";
  }
  if (r.t === last.t) {
    if (r.v === last.v) return "duplicate";
    return refusal(
      "conflicting_duplicate",
      `${r.building}/${r.space}/${r.sensor} already has ${last.v} at ${instant(r.t)} (line ${last.line}); one instant holds one value`,
      column,
    );
  }
  // Earlier than the last one seen: stored (a point is its series and instant, so a repeat
  // replaces itself); the file's order is not checked.
  return "new";
}
