// CalTRACK 2.0-style daily baseline for one meter: candidate models intercept-only, HDD-only
// (and CDD-only, HDD+CDD for electricity) over a balance-point grid, every slope > 0, the
// highest adjusted R² wins. Then quality (CV(RMSE), NMBE) and avoided use over a reporting
// period with ASHRAE 14 uncertainty.
import { ols, RegressionError } from "../regression.ts";
import { lag1Autocorrelation, mean } from "../stats.ts";
import { type FsuResult, fractionalSavingsUncertainty } from "../uncertainty.ts";

/** Balance points searched, °C (CalTRACK's 55–65 °F heating grid is about 13–18 °C). */
export const HDD_BALANCE_POINTS = [12, 13, 14, 15, 16, 17, 18, 19, 20];
export const CDD_BALANCE_POINTS = [18, 19, 20, 21, 22, 23, 24, 25, 26];

/** CalTRACK's minimum for a degree-day term to be considered: enough days with any degree-days, enough in total. */
const MIN_NONZERO_DAYS = 10;
const MIN_TOTAL_DEGREE_DAYS = 20;

export interface DayPoint {
  /** Use that day; null when the meter has no value for it. */
  use: number | null;
  /** Daily mean outdoor temperature, °C. */
  tmean: number;
}

export interface BaselineModel {
  kind: "intercept" | "hdd" | "cdd" | "hdd_cdd";
  intercept: number;
  hddSlope: number;
  cddSlope: number;
  hddBalance: number | null;
  cddBalance: number | null;
  n: number;
  p: number;
  rSquared: number;
  adjustedRSquared: number;
  sse: number;
  /** √(SSE/(n−p)) / mean use. */
  cvRmse: number;
  /** Σ residuals / ((n−p) · mean use); ~0 for OLS with an intercept. */
  nmbe: number;
  meanUse: number;
  /** Lag-1 autocorrelation of the residuals, for the ASHRAE 14 correction. */
  rho: number;
}

const hdd = (t: number, bp: number) => Math.max(0, bp - t);
const cdd = (t: number, bp: number) => Math.max(0, t - bp);

export function predict(model: BaselineModel, tmean: number): number {
  return (
    model.intercept +
    (model.hddBalance === null ? 0 : model.hddSlope * hdd(tmean, model.hddBalance)) +
    (model.cddBalance === null ? 0 : model.cddSlope * cdd(tmean, model.cddBalance))
  );
}

function usable(values: number[]): boolean {
  return (
    values.filter((v) => v > 0).length >= MIN_NONZERO_DAYS &&
    values.reduce((a, b) => a + b, 0) >= MIN_TOTAL_DEGREE_DAYS
  );
}

/** Fit the best candidate on the days that have a value. */
export function fitBaseline(days: readonly DayPoint[], options: { cooling: boolean }): BaselineModel {
  const pts = days.filter((d): d is { use: number; tmean: number } => d.use !== null);
  const y = pts.map((d) => d.use);
  type Candidate = Omit<BaselineModel, "cvRmse" | "nmbe" | "meanUse" | "rho"> & { residuals: number[] };
  const candidates: Candidate[] = [];
  const add = (kind: BaselineModel["kind"], hb: number | null, cb: number | null) => {
    const x = pts.map((d) => {
      const row = [1];
      if (hb !== null) row.push(hdd(d.tmean, hb));
      if (cb !== null) row.push(cdd(d.tmean, cb));
      return row;
    });
    try {
      const f = ols(x, y);
      const slopes = f.coefficients.slice(1);
      if (slopes.some((s) => !(s > 0))) return;
      candidates.push({
        kind,
        intercept: f.coefficients[0]!,
        hddSlope: hb === null ? 0 : f.coefficients[1]!,
        cddSlope: cb === null ? 0 : f.coefficients[hb === null ? 1 : 2]!,
        hddBalance: hb,
        cddBalance: cb,
        n: f.n,
        p: f.p,
        rSquared: f.rSquared,
        adjustedRSquared: f.adjustedRSquared,
        sse: f.residuals.reduce((s, r) => s + r * r, 0),
        residuals: f.residuals,
      });
    } catch (e) {
      if (!(e instanceof RegressionError)) throw e;
    }
  };
  add("intercept", null, null);
  const hddOk = HDD_BALANCE_POINTS.filter((bp) => usable(pts.map((d) => hdd(d.tmean, bp))));
  const cddOk = options.cooling
    ? CDD_BALANCE_POINTS.filter((bp) => usable(pts.map((d) => cdd(d.tmean, bp))))
    : [];
  for (const hb of hddOk) add("hdd", hb, null);
  for (const cb of cddOk) add("cdd", null, cb);
  for (const hb of hddOk) for (const cb of cddOk) if (cb >= hb) add("hdd_cdd", hb, cb);
  if (candidates.length === 0) throw new RegressionError("no baseline model could be fitted");
  // Intercept-only has adjusted R² 0 by construction; a degree-day model must beat it.
  const best = candidates.reduce((a, b) => (b.adjustedRSquared > a.adjustedRSquared ? b : a));
  const meanUse = mean(y);
  const dof = best.n - best.p;
  const { residuals, ...model } = best;
  return {
    ...model,
    meanUse,
    cvRmse: Math.sqrt(best.sse / dof) / meanUse,
    nmbe: residuals.reduce((a, b) => a + b, 0) / (dof * meanUse),
    rho: lag1Autocorrelation(residuals),
  };
}

export interface AvoidedUse {
  /** Reporting days with a value. */
  m: number;
  adjustedBaseline: number;
  actual: number;
  /** adjusted baseline − actual, over the m days. */
  savings: number;
  uncertainty: FsuResult;
}

/** Avoided use over a reporting period, with its ASHRAE 14 uncertainty at `confidence`. */
export function avoidedUse(
  model: BaselineModel,
  reporting: readonly DayPoint[],
  confidence: number,
): AvoidedUse {
  let adjustedBaseline = 0;
  let actual = 0;
  let m = 0;
  for (const d of reporting) {
    if (d.use === null) continue;
    adjustedBaseline += predict(model, d.tmean);
    actual += d.use;
    m++;
  }
  const savings = adjustedBaseline - actual;
  const uncertainty = fractionalSavingsUncertainty({
    n: model.n,
    p: model.p,
    rho: model.rho,
    sse: model.sse,
    meanBaseline: model.meanUse,
    m,
    adjustedBaseline,
    savings,
    confidence,
  });
  return { m, adjustedBaseline, actual, savings, uncertainty };
}
