// Hand-made evidence for the guard's tests: a smooth French-like climate and dwellings whose
// heating follows degree-days with a known effect, so a test knows the right answer. Not a
// simulator of record (simulators/pilot.ts is); small, deterministic and fast.

import type { Evidence } from "../../rules/evidence.ts";
import { lcg } from "../../simulators/random.ts";

export { lcg };

export function normal(rand: () => number): number {
  return Math.sqrt(-2 * Math.log(rand() + 1e-12)) * Math.cos(2 * Math.PI * rand());
}

export function isoDays(from: string, count: number): string[] {
  const start = Date.parse(`${from}T00:00:00Z`);
  return Array.from({ length: count }, (_, i) => new Date(start + i * 86_400_000).toISOString().slice(0, 10));
}

export interface SyntheticSpace {
  space: string;
  /** W/K-like scale of heating: kWh/day = scale·24/1000·max(0, 17 − tmean). */
  scale: number;
  /** First day the effect applies; null: never. */
  installDate: string | null;
}

export interface SyntheticOptions {
  seed: number;
  from: string;
  days: number;
  spaces: SyntheticSpace[];
  quantity: "heating_energy" | "electricity" | "cold_water" | "hot_water";
  /** Fractional effect after installation: 0.15 = 15% less. */
  effect: number;
  /** Daily multiplicative noise sd. */
  dailyNoise: number;
  /** Per-dwelling change in habits between before and after, sd as a fraction. */
  habitShift: number;
  /** Weather-independent share of use per day, in the quantity's unit (for non-heating). */
  flatPerDay?: number;
  /** Where habits shift for spaces without the device (the pilot's median install date). */
  controlSplit?: string;
}

export function syntheticEvidence(o: SyntheticOptions): Evidence {
  const rand = lcg(o.seed);
  const days = isoDays(o.from, o.days);
  let anomaly = 0;
  const outdoor = days.map((date) => {
    const doy =
      (Date.parse(`${date}T00:00:00Z`) - Date.parse(`${date.slice(0, 4)}-01-01T00:00:00Z`)) / 86_400_000;
    anomaly = 0.7 * anomaly + 2 * normal(rand);
    const tmean = 12.5 - 9 * Math.cos((2 * Math.PI * (doy - 15)) / 365) + anomaly;
    return { date, tmin: tmean - 4, tmax: tmean + 4 };
  });
  const series = o.spaces.map((s) => {
    const shift = 1 + o.habitShift * normal(rand);
    const daily = days.map((d, i) => {
      const t = outdoor[i]!;
      const base =
        o.flatPerDay !== undefined
          ? o.flatPerDay * s.scale
          : ((s.scale * 24) / 1000) * Math.max(0, 17 - (t.tmin + t.tmax) / 2);
      const after = s.installDate !== null && d >= s.installDate;
      const effect = after ? 1 - o.effect : 1;
      const habit = d >= (s.installDate ?? o.controlSplit ?? days[0]!) ? shift : 1;
      return Math.max(0, base * effect * habit * (1 + o.dailyNoise * normal(rand)));
    });
    return { space: s.space, quantity: o.quantity, daily };
  });
  return { days, outdoor, series };
}
