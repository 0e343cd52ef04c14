// The bounded telemetry stream the fault tests publish, and its exact fingerprint: every
// reading has a device timestamp, so (space, t) identifies it; count and value sum per sensor
// tell whether the stored set equals the published one.
import { writeFileSync } from "node:fs";
import { join } from "node:path";

export const BUILDING = "b1";
export const SENSOR = "temp";

export interface StreamMessage {
  /** Index in the stream: what the publisher records as acknowledged. */
  id: number;
  topic: string;
  payload: string;
  space: string;
  /** Timestamps (ms) and values of the readings the message carries. */
  readings: { t: number; v: number }[];
}

export interface StreamPlan {
  messages: StreamMessage[];
  readings: number;
  spaces: string[];
}

/** Per space: how many readings and the sum of their values. */
export type Fingerprint = Map<string, { count: number; sum: number }>;

const spaceId = (i: number) => `d${String(i).padStart(3, "0")}`;

/** A site with one building of `spaces` dwellings, one temperature sensor each; anonymous
 * publishers allowed. Returns the file's path. */
export function writeSite(dir: string, spaces: number): string {
  const site = {
    id: "faults",
    name: "Fault tests",
    allowAnonymous: true,
    buildings: [
      {
        id: BUILDING,
        name: "Fault building",
        dwellings: Array.from({ length: spaces }, (_, i) => ({
          id: spaceId(i),
          areaM2: 50,
          sensors: [{ id: SENSOR, quantity: "temperature" }],
        })),
      },
    ],
  };
  const path = join(dir, "site.json");
  writeFileSync(path, JSON.stringify(site));
  return path;
}

/**
 * `readings` readings over `spaces` sensors, one reading per second per sensor starting two days
 * ago, sent as SenML packs of `pack` readings on each sensor's topic; messages cycle through
 * the sensors so time advances across the whole stream. Values are integers in [-20, 79], so
 * sums are exact.
 */
export function planStream(o: { spaces: number; readings: number; pack: number }): StreamPlan {
  const t0 = Math.floor(Date.now() / 1000) * 1000 - 2 * 86_400_000;
  const perSpace = Math.ceil(o.readings / o.spaces);
  const messages: StreamMessage[] = [];
  const next = new Array<number>(o.spaces).fill(0);
  let total = 0;
  for (let id = 0; total < o.readings; id++) {
    const s = id % o.spaces;
    const k0 = next[s]!;
    const n = Math.min(o.pack, perSpace - k0, o.readings - total);
    if (n <= 0) continue;
    next[s] = k0 + n;
    total += n;
    const readings = Array.from({ length: n }, (_, j) => ({
      t: t0 + (k0 + j) * 1000,
      v: ((s * 31 + (k0 + j) * 7) % 100) - 20,
    }));
    const records = readings.map((r, j) =>
      j === 0 ? { bt: r.t / 1000, bu: "Cel", v: r.v } : { t: j, v: r.v },
    );
    const space = spaceId(s);
    messages.push({
      id: messages.length,
      topic: `telemetry/${BUILDING}/${space}/${SENSOR}`,
      payload: JSON.stringify(records),
      space,
      readings,
    });
  }
  return { messages, readings: total, spaces: Array.from({ length: o.spaces }, (_, i) => spaceId(i)) };
}

export function fingerprintOf(messages: readonly StreamMessage[]): Fingerprint {
  const f: Fingerprint = new Map();
  for (const m of messages) {
    const e = f.get(m.space) ?? { count: 0, sum: 0 };
    for (const r of m.readings) {
      e.count++;
      e.sum += r.v;
    }
    f.set(m.space, e);
  }
  return f;
}

export const totalOf = (f: Fingerprint) => [...f.values()].reduce((n, e) => n + e.count, 0);

/** Spaces whose stored count or sum differs from the published one, for a readable failure. */
export function differences(published: Fingerprint, stored: Fingerprint): string[] {
  const out: string[] = [];
  for (const key of new Set([...published.keys(), ...stored.keys()])) {
    const p = published.get(key) ?? { count: 0, sum: 0 };
    const s = stored.get(key) ?? { count: 0, sum: 0 };
    if (p.count !== s.count || p.sum !== s.sum) {
      out.push(`${key}: published ${p.count} (sum ${p.sum}), stored ${s.count} (sum ${s.sum})`);
    }
  }
  return out;
}
