// How the simulator writes readings on the wire: the topic of a series, a SenML pack (RFC 8428)
// of one sensor's readings for backfills, a JSON {t, v} object for live values.

import { QUANTITIES } from "../model/quantities.ts";
import type { Reading } from "../model/reading.ts";

export const TOPIC_PREFIX = "telemetry";

export function topicOf(r: Pick<Reading, "building" | "space" | "sensor">): string {
  return `${TOPIC_PREFIX}/${r.building}/${r.space}/${r.sensor}`;
}

/** One sensor's readings as a SenML pack: base time and unit in the first record, then each
 * record's time in seconds relative to it. The topic names the sensor, so records carry no
 * name. Readings must be of one series, on whole seconds. */
export function senmlPack(readings: readonly Reading[]): string {
  const first = readings[0];
  if (!first) throw new RangeError("a SenML pack needs at least one reading");
  const bt = Math.floor(first.t / 1000);
  const records = readings.map((r, i) => {
    const t = r.t / 1000 - bt;
    return i === 0 ? { bt, bu: QUANTITIES[first.quantity].unit, t, v: r.v } : { t, v: r.v };
  });
  return JSON.stringify(records);
}

/** A live value: JSON {t: ms since epoch, v}. */
export function jsonReading(r: Reading): string {
  return JSON.stringify({ t: r.t, v: r.v });
}
