// How consumption is derived from a meter's cumulative index, the one rule every adapter
// implements. Between two consecutive points of the same sensor the consumption is the
// increase of the index; when the index went down, the meter was reset or replaced and the
// consumption since the reset is the new index itself. The increase is counted in the window
// holding the LATER point, and the point before the range is used to compute the first
// increase, so adjacent ranges add up exactly.
import type { Every, WindowValue } from "./telemetry-store.ts";
import { windowStart } from "./windows.ts";

/** Consumption between two consecutive index values of one meter. */
export function increase(previous: number, current: number): number {
  return current >= previous ? current - previous : current;
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
