// How much more data would settle an undecided case: dwellings per arm for a pilot
// (n = 2(z₁₋α/₂ + z₁₋β)² σ_d² / Δ²), equipped meters for a before/after. A before/after always
// weighs the latest year after installation, so more months never narrow it: only a
// reporting year not yet complete waits for months (rules/estimators/before-after.ts).
import { zQuantile } from "./stats.ts";

/** Dwellings needed in EACH arm to detect a difference `delta` when per-dwelling differences have sd `sigma`. */
export function dwellingsPerArm(sigma: number, delta: number, confidence: number, power: number): number {
  if (!(Math.abs(delta) > 0)) return Number.POSITIVE_INFINITY;
  const z = zQuantile((1 + confidence) / 2) + zQuantile(power);
  return Math.ceil((2 * z * z * sigma * sigma) / (delta * delta));
}

/**
 * Meters needed for a per-dwelling half-width that now is `halfWidth` with `meters` meters to
 * shrink below `gap` (the distance between the estimate and the cost): the portfolio's
 * uncertainty grows as √k while its dwellings grow as k, so the half-width falls as 1/√k when
 * the new meters are like the ones measured.
 */
export function metersNeeded(meters: number, halfWidth: number, gap: number): number {
  if (!(gap > 0)) return Number.POSITIVE_INFINITY;
  return Math.ceil(meters * (halfWidth / gap) ** 2);
}

export function daysToMonths(days: number): number {
  return Math.ceil(days / 30.4);
}
