// How much more data would settle an undecided case: dwellings per arm for a pilot
// (n = 2(z₁₋α/₂ + z₁₋β)² σ_d² / Δ²), months of reporting for a before/after.
import { zQuantile } from "./stats.ts";

/** Dwellings needed in EACH arm to detect a difference `delta` when per-dwelling differences have sd `sigma`. */
export function dwellingsPerArm(sigma: number, delta: number, confidence: number, power: number): number {
  if (!(Math.abs(delta) > 0)) return Number.POSITIVE_INFINITY;
  const z = zQuantile((1 + confidence) / 2) + zQuantile(power);
  return Math.ceil((2 * z * z * sigma * sigma) / (delta * delta));
}

/**
 * Reporting length needed for a half-width that now is `halfWidth` over `days` to shrink
 * below `gap` (the distance between the estimate and the cost): half-widths fall as 1/√m.
 */
export function daysNeeded(days: number, halfWidth: number, gap: number): number {
  if (!(gap > 0)) return Number.POSITIVE_INFINITY;
  return Math.ceil(days * (halfWidth / gap) ** 2);
}

export function daysToMonths(days: number): number {
  return Math.ceil(days / 30.4);
}
