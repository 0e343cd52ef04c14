// Small descriptive statistics and the quantiles the guard's intervals need (t and normal,
// from @stdlib so the tails are right for small samples).
import normalQuantile from "@stdlib/stats-base-dists-normal-quantile";
import tQuantileStdlib from "@stdlib/stats-base-dists-t-quantile";

export function mean(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Sample variance (n − 1 denominator). */
export function variance(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 2) return Number.NaN;
  const m = mean(xs);
  let s = 0;
  for (const x of xs) s += (x - m) ** 2;
  return s / (n - 1);
}

export function sd(xs: readonly number[]): number {
  return Math.sqrt(variance(xs));
}

/** Lag-1 autocorrelation of a series (e.g. regression residuals), as ASHRAE 14 uses it. */
export function lag1Autocorrelation(xs: readonly number[]): number {
  const n = xs.length;
  if (n < 3) return 0;
  const m = mean(xs);
  let num = 0;
  let den = 0;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - m;
    den += d * d;
    if (i > 0) num += d * (xs[i - 1]! - m);
  }
  return den === 0 ? 0 : num / den;
}

/** Quantile p of Student's t with df degrees of freedom (df may be fractional: Welch). */
export function tQuantile(p: number, df: number): number {
  if (!(df > 0)) return Number.NaN;
  return tQuantileStdlib(p, df);
}

/** Quantile p of the standard normal. */
export function zQuantile(p: number): number {
  return normalQuantile(p, 0, 1);
}

/** t multiplier of a two-sided interval at `confidence`: each bound is one-sided (1+c)/2. */
export function tTwoSided(confidence: number, df: number): number {
  return tQuantile((1 + confidence) / 2, df);
}
