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

/** The middle value (the mean of the two middle ones for an even count); NaN when empty. */
export function median(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
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

/**
 * Lag-1 autocorrelation of a daily series with gaps (e.g. regression residuals by day, null on
 * days without a value): the correlation of each day's value with the next calendar day's, over
 * the pairs that both have one, as pandas' Series.autocorr computes a correlation. (eemeter drops
 * the missing days first, so it also pairs days across a gap; those are not lag-1 pairs.)
 * 0 with fewer than 3 pairs or no variation.
 */
export function lag1Autocorrelation(xs: readonly (number | null)[]): number {
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 1; i < xs.length; i++) {
    const prev = xs[i - 1];
    const cur = xs[i];
    if (prev === null || prev === undefined || cur === null || cur === undefined) continue;
    a.push(prev);
    b.push(cur);
  }
  if (a.length < 3) return 0;
  const ma = mean(a);
  const mb = mean(b);
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  return saa === 0 || sbb === 0 ? 0 : sab / Math.sqrt(saa * sbb);
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
