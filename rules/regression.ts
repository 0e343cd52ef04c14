// Ordinary least squares for the guard's small models (one to three coefficients): the fit,
// R² and adjusted R², residuals and coefficient standard errors. Solved by the normal
// equations with Gauss-Jordan elimination, which is exact enough at this size.
import { oneKindError } from "../model/errors.ts";

export interface OlsFit {
  /** Coefficients, intercept first when the design has a column of ones. */
  coefficients: number[];
  standardErrors: number[];
  residuals: number[];
  fitted: number[];
  n: number;
  /** Number of coefficients. */
  p: number;
  rSquared: number;
  adjustedRSquared: number;
  /** Residual sum of squares / (n − p). */
  mse: number;
}

export class RegressionError extends oneKindError("RegressionError") {}

/** Fit y = X·β. Each row of `x` is one observation's regressors (include 1 for an intercept). */
export function ols(x: readonly (readonly number[])[], y: readonly number[]): OlsFit {
  const n = y.length;
  const p = x[0]?.length ?? 0;
  if (n !== x.length || p === 0) throw new RegressionError("design and response must have the same rows");
  if (n <= p) throw new RegressionError(`${n} observations cannot fit ${p} coefficients`);
  const xtx = Array.from({ length: p }, () => new Array<number>(p).fill(0));
  const xty = new Array<number>(p).fill(0);
  for (let i = 0; i < n; i++) {
    const row = x[i]!;
    for (let a = 0; a < p; a++) {
      xty[a]! += row[a]! * y[i]!;
      for (let b = 0; b < p; b++) xtx[a]![b]! += row[a]! * row[b]!;
    }
  }
  const inv = invert(xtx);
  const coefficients = inv.map((r) => r.reduce((s, v, j) => s + v * xty[j]!, 0));
  const fitted = x.map((row) => row.reduce((s, v, j) => s + v * coefficients[j]!, 0));
  const residuals = y.map((v, i) => v - fitted[i]!);
  const sse = residuals.reduce((s, r) => s + r * r, 0);
  const my = y.reduce((s, v) => s + v, 0) / n;
  const sst = y.reduce((s, v) => s + (v - my) ** 2, 0);
  const hasIntercept = x.every((row) => row[0] === 1);
  // Without variance in y the model explains nothing and everything; call it 0.
  const rSquared = sst === 0 ? 0 : hasIntercept ? 1 - sse / sst : 1 - sse / y.reduce((s, v) => s + v * v, 0);
  const dfModel = hasIntercept ? p - 1 : p;
  const adjustedRSquared =
    1 - ((1 - rSquared) * (n - (hasIntercept ? 1 : 0))) / (n - dfModel - (hasIntercept ? 1 : 0));
  const mse = sse / (n - p);
  const standardErrors = inv.map((r, j) => Math.sqrt(Math.max(0, r[j]! * mse)));
  return { coefficients, standardErrors, residuals, fitted, n, p, rSquared, adjustedRSquared, mse };
}

function invert(m: number[][]): number[][] {
  const p = m.length;
  const a = m.map((r, i) => [...r, ...Array.from({ length: p }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < p; col++) {
    let pivot = col;
    for (let r = col + 1; r < p; r++) if (Math.abs(a[r]![col]!) > Math.abs(a[pivot]![col]!)) pivot = r;
    const scale = Math.max(1, ...m.map((r) => Math.abs(r[col]!)));
    if (Math.abs(a[pivot]![col]!) < 1e-12 * scale) {
      throw new RegressionError("regressors are collinear (e.g. no variation in degree-days)");
    }
    [a[col], a[pivot]] = [a[pivot]!, a[col]!];
    const pv = a[col]![col]!;
    for (let j = 0; j < 2 * p; j++) a[col]![j]! /= pv;
    for (let r = 0; r < p; r++) {
      if (r === col) continue;
      const f = a[r]![col]!;
      if (f === 0) continue;
      for (let j = 0; j < 2 * p; j++) a[r]![j]! -= f * a[col]![j]!;
    }
  }
  return a.map((r) => r.slice(p));
}
