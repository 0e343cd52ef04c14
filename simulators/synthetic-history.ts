// A long CSV of any size, fast: every sensor of a generated site, a reading per step, indexes
// that only go up and gauges that wander. Not a model of anything (simulators/history-files.ts
// writes simulated history): a load for the importer's memory test and benchmark.

import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { isCounter } from "../model/quantities.ts";
import type { Site } from "../model/site.ts";
import { generateSite } from "./site-generator.ts";

export interface SyntheticHistoryOptions {
  path: string;
  /** Stop once this many bytes are written (a whole row past it). */
  bytes: number;
  /** "by-meter": each sensor's whole history, then the next (a contractor's export);
   * "by-time": every sensor at each instant (a data logger's). */
  order: "by-meter" | "by-time";
  buildings?: number;
  dwellingsPerBuilding?: number;
  stepMs?: number;
  from?: number;
}

export interface SyntheticHistory {
  site: Site;
  rows: number;
  bytes: number;
}

const HEADER = "building;space;sensor;time;value;unit\n";

export async function writeSyntheticHistory(options: SyntheticHistoryOptions): Promise<SyntheticHistory> {
  const site = generateSite({
    seed: 7,
    buildings: options.buildings ?? 4,
    dwellingsPerBuilding: options.dwellingsPerBuilding ?? 50,
  });
  const series: { prefix: string; counter: boolean; unit: string; v: number; k: number }[] = [];
  for (const b of site.buildings) {
    const spaces = [
      ...b.dwellings.map((d) => ({ id: d.id, sensors: d.sensors })),
      { id: "common", sensors: b.common.sensors },
    ];
    for (const s of spaces) {
      for (const sensor of s.sensors) {
        const counter = isCounter(sensor.quantity);
        series.push({
          prefix: `${b.id};${s.id};${sensor.id};`,
          counter,
          unit: sensor.unit,
          v: counter ? 1000 : 20,
          k: series.length,
        });
      }
    }
  }
  const step = options.stepMs ?? 3_600_000;
  const from = options.from ?? Date.UTC(2015, 0, 1);
  const out = createWriteStream(options.path, { highWaterMark: 1 << 20 });
  let bytes = HEADER.length;
  let rows = 0;
  let chunk = HEADER;
  const flush = async () => {
    if (!out.write(chunk)) await once(out, "drain");
    chunk = "";
  };
  const row = (s: (typeof series)[number], t: number) => {
    // Deterministic steps: a meter advances 0–0.99 units, a gauge wanders ±0.5.
    const r = ((s.k * 7919 + rows * 104729) % 1000) / 1000;
    s.v = s.counter ? s.v + r : Math.min(35, Math.max(5, s.v + r - 0.5));
    const line = `${s.prefix}${new Date(t).toISOString()};${s.v.toFixed(3).replace(".", ",")};${s.unit}\n`;
    chunk += line;
    bytes += line.length;
    rows++;
  };
  if (options.order === "by-time") {
    for (let t = from; bytes < options.bytes; t += step) {
      for (const s of series) row(s, t);
      if (chunk.length > 1 << 20) await flush();
    }
  } else {
    // Each sensor gets an equal share of the rows.
    // Rows are about 48 bytes; a few more per series, and the loop stops at the size anyway.
    const perSeries = Math.ceil(options.bytes / 40 / series.length);
    outer: for (const s of series) {
      for (let i = 0; i < perSeries; i++) {
        if (bytes >= options.bytes) break outer;
        row(s, from + i * step);
        if (chunk.length > 1 << 20) await flush();
      }
    }
  }
  await flush();
  out.end();
  await once(out, "close");
  return { site, rows, bytes };
}
