// How consumption is derived from a meter's cumulative index, the one rule every part follows
// (the stores' consumption windows and daily rollups, the import's sequence check, the alerts).
// Between two consecutive points of the same sensor the step is one of three: the index rose
// (consumption: the rise); it fell below a tenth of the one before, a meter reset or replaced
// (consumption: the new index itself, counted from zero); or it fell by less, which a meter
// cannot do: a misread, counted as no consumption. The consumption is counted in the window
// holding the LATER point, and the point before the range is used to compute the first step,
// so adjacent ranges add up exactly.
import { type Every, type WindowValue, windowStart } from "./calendar.ts";

/** An index below this fraction of the one before is a meter reset or replaced; a smaller
 * drop is a misread (a meter does not run backwards). */
export const RESET_FRACTION = 0.1;

/** Which rule stored consumption figures (daily rollups) were computed with: 1, every drop a
 * reset; 2, this one. Stores recompute or stop trusting figures of an older rule. */
export const CONSUMPTION_RULE_VERSION = 2;

export type MeterStep = "rise" | "reset" | "backwards";

/** What happened between two consecutive index values of one meter. */
export function meterStep(previous: number, current: number): MeterStep {
  if (current >= previous) return "rise";
  return current < previous * RESET_FRACTION ? "reset" : "backwards";
}

/** Consumption between two consecutive index values of one meter. */
export function increase(previous: number, current: number): number {
  switch (meterStep(previous, current)) {
    case "rise":
      return current - previous;
    case "reset":
      return current;
    case "backwards":
      return 0;
  }
}

/** The SQL condition of a misread between two numeric columns (for the SQLite adapter). */
export function backwardsSql(previous: string, current: string): string {
  return `(${current} < ${previous} AND ${current} >= ${previous} * ${RESET_FRACTION})`;
}

/** The same rule as an SQL expression over two numeric columns (for the SQLite adapter). */
export function increaseSql(previous: string, current: string): string {
  return `CASE WHEN ${current} >= ${previous} THEN ${current} - ${previous} WHEN ${backwardsSql(previous, current)} THEN 0 ELSE ${current} END`;
}

/** Reference implementation over one sensor's points sorted by time: `before` is the last
 * point before the range (or undefined), `points` those inside it; days and months in `zone`. */
export function consumptionOfSeries(
  before: { t: number; v: number } | undefined,
  points: readonly { t: number; v: number }[],
  every: Every,
  zone: string,
): WindowValue[] {
  const byWindow = new Map<number, number>();
  let previous = before;
  for (const point of points) {
    if (previous !== undefined) {
      const start = windowStart(point.t, every, zone);
      byWindow.set(start, (byWindow.get(start) ?? 0) + increase(previous.v, point.v));
    }
    previous = point;
  }
  return [...byWindow].sort((a, b) => a[0] - b[0]).map(([start, value]) => ({ start, value }));
}
