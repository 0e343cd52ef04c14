// The data both personal-data retention tests (SQLite in api/retention.test.ts, InfluxDB in
// storage/influx/fine-data-pruner.services.test.ts) prune: ten Paris days of 15-minute cold
// water indexes and temperatures per space, and the reads that show what is left.
import type { Reading } from "../../model/reading.ts";
import type { TelemetryStore } from "../telemetry-store.ts";

export const DAY = 86_400_000;
/** Paris midnight, 2025-03-01 (UTC+1). */
export const START = Date.parse("2025-02-28T23:00:00Z");
/** Noon of the eleventh day. */
export const NOW = START + 10 * DAY + 12 * 3_600_000;

export function tenDaysOf(space: string): Reading[] {
  const out: Reading[] = [];
  for (let t = START; t < START + 10 * DAY; t += 900_000) {
    const step = (t - START) / 900_000;
    out.push({ building: "b", space, sensor: "cw", quantity: "cold_water", t, v: 10 + step * 0.002 });
    out.push({ building: "b", space, sensor: "temp", quantity: "temperature", t, v: 19 + (step % 7) / 10 });
  }
  return out;
}

/** Raw cold water points of a space before `to` (readRaw: count may read days from rollups). */
export async function rawPoints(store: TelemetryStore, space: string, to = NOW): Promise<number> {
  return (await store.readRaw({ building: "b", quantity: "cold_water", space, from: 0, to })).length;
}

/** A space's daily water consumption and daily mean temperature over the ten days. */
export function dailyFigures(store: TelemetryStore, space: string) {
  const range = { building: "b", space, from: START, to: START + 10 * DAY, every: "1d" } as const;
  return Promise.all([
    store.consumption({ ...range, quantity: "cold_water" }),
    store.aggregate({ ...range, quantity: "temperature", fn: "mean" }),
  ]);
}
