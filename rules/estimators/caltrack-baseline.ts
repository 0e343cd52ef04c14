// CalTRACK 2.0 daily baseline for one meter (methods §3.2 to §3.4): candidate models
// intercept-only, HDD-only, and for quantities that follow cooling CDD-only and HDD+CDD, over
// the balance-point grid; a degree-day term only where its balance point has enough degree-days;
// every coefficient of the right sign; the highest adjusted R² wins. Then quality (CV(RMSE),
// NMBE), residual autocorrelation, and avoided use over a reporting period (§3.6) with the
// ASHRAE 14 uncertainty of rules/uncertainty.ts.
import { oneKindError } from "../../model/errors.ts";
import { lag1Autocorrelation } from "../stats.ts";
import { type FsuResult, fractionalSavingsUncertainty } from "../uncertainty.ts";

const fahrenheitToCelsius = (f: number) => ((f - 32) * 5) / 9;

/**
 * §3.2.1.1–2: balance points from 30 to 90 °F for heating and for cooling; §3.2.3: at most
 * 3 °F apart. The grid is eemeter's, every whole °F, in °C (−1.1 to 32.2 °C).
 */
export const BALANCE_POINTS_C: readonly number[] = Array.from({ length: 61 }, (_, i) =>
  fahrenheitToCelsius(30 + i),
);

/** §3.2.2.2.1: at least 10 days with non-zero degree-days (per year of baseline). */
export const MIN_NONZERO_DEGREE_DAY_DAYS = 10;
/** §3.2.2.2.2: at least 20 degree-days per year, in °F·days (CalTRACK's unit): 11.1 °C·days. */
export const MIN_TOTAL_DEGREE_DAYS_C = (20 * 5) / 9;

export interface DayPoint {
  /** Use that day; null when the meter has no value for it. */
  use: number | null;
  /** The day's outdoor temperature feature, °C; null when unknown (the day is then masked, §3.5.1.1). */
  temperature: number | null;
}

export type BaselineKind = "intercept" | "hdd" | "cdd" | "hdd_cdd";

export interface BaselineModel {
  kind: BaselineKind;
  intercept: number;
  hddSlope: number;
  cddSlope: number;
  hddBalance: number | null;
  cddBalance: number | null;
  /** Days the model was fitted on (use and temperature both known). */
  n: number;
  /** Explanatory variables, the intercept not counted (CalTRACK's c; eemeter's num_parameters). */
  c: number;
  rSquared: number;
  /** §3.4.3.3: 1 − (SSres/(n − c − 1)) / (SStot/(n − 1)); 0 for intercept-only. */
  adjustedRSquared: number;
  sse: number;
  /** √(SSE/(n − c)) / mean use (eemeter's cvrmse_adj). */
  cvRmse: number;
  /** Σ(predicted − observed) / Σ observed (eemeter's nmbe); ~0 for OLS with an intercept. */
  nmbe: number;
  meanUse: number;
  /** Lag-1 autocorrelation of the residuals of consecutive days. */
  rho: number;
  /** Candidate models that qualified, intercept-only included. */
  candidates: number;
}

/** Adjusted R² closer than this are a tie. */
const TIE = 1e-12;

export class BaselineError extends oneKindError("BaselineError") {}

const hdd = (t: number, bp: number) => Math.max(0, bp - t);
const cdd = (t: number, bp: number) => Math.max(0, t - bp);

export function predict(model: BaselineModel, temperature: number): number {
  return (
    model.intercept +
    (model.hddBalance === null ? 0 : model.hddSlope * hdd(temperature, model.hddBalance)) +
    (model.cddBalance === null ? 0 : model.cddSlope * cdd(temperature, model.cddBalance))
  );
}

/** One degree-day regressor at one balance point, as centred sums over the fitted days. */
interface Column {
  bp: number;
  sum: number;
  /** Σ(x − x̄)². */
  sxx: number;
  /** Σ(x − x̄)(y − ȳ). */
  sxy: number;
}

function columns(
  temps: readonly number[],
  y: readonly number[],
  meanY: number,
  degreeDays: (t: number, bp: number) => number,
): Column[] {
  const n = y.length;
  const out: Column[] = [];
  for (const bp of BALANCE_POINTS_C) {
    let sum = 0;
    let sumSq = 0;
    let sumXY = 0;
    let nonZero = 0;
    for (let i = 0; i < n; i++) {
      const x = degreeDays(temps[i]!, bp);
      if (x > 0) nonZero++;
      sum += x;
      sumSq += x * x;
      sumXY += x * (y[i]! - meanY);
    }
    // §3.2.2.2: a balance point qualifies only with enough degree-days.
    if (nonZero < MIN_NONZERO_DEGREE_DAY_DAYS || sum < MIN_TOTAL_DEGREE_DAYS_C) continue;
    const sxx = sumSq - (sum * sum) / n;
    if (!(sxx > 1e-9)) continue;
    out.push({ bp, sum, sxx, sxy: sumXY });
  }
  return out;
}

/** A candidate as the search compares it. */
type Fit = Pick<
  BaselineModel,
  "kind" | "intercept" | "hddSlope" | "cddSlope" | "hddBalance" | "cddBalance" | "sse" | "adjustedRSquared"
>;

/**
 * Fits the best candidate on the days with a use and a temperature. With `cooling` false (gas
 * and heating, §3.2.1.1: no cooling degree-day models) only intercept-only and HDD-only compete.
 */
export function fitBaseline(days: readonly DayPoint[], options: { cooling: boolean }): BaselineModel {
  const fitted = days.filter(
    (d): d is { use: number; temperature: number } => d.use !== null && d.temperature !== null,
  );
  const n = fitted.length;
  if (n < 3) throw new BaselineError(`${n} days cannot fit a baseline`);
  const y = fitted.map((d) => d.use);
  const temps = fitted.map((d) => d.temperature);
  const meanY = y.reduce((a, b) => a + b, 0) / n;
  const syy = y.reduce((s, v) => s + (v - meanY) ** 2, 0);
  const adjusted = (sse: number, slopes: number) =>
    syy === 0 ? 0 : 1 - sse / (n - slopes - 1) / (syy / (n - 1));

  // §3.4.3.1.4: intercept-only, adjusted R² 0 by definition.
  let best: Fit = {
    kind: "intercept",
    intercept: meanY,
    hddSlope: 0,
    cddSlope: 0,
    hddBalance: null,
    cddBalance: null,
    sse: syy,
    adjustedRSquared: 0,
  };
  let candidates = meanY >= 0 ? 1 : 0;
  // §3.4.3.2: a candidate qualifies when no coefficient is negative and every slope is positive;
  // §3.4.3.3: the highest adjusted R² is selected. Balance points above every day's temperature
  // give the same fit (the degree-days are a shift of the temperature): a tie keeps the first,
  // the lowest balance point, and rounding noise does not break ties.
  const consider = (fit: Fit) => {
    if (!(fit.intercept >= 0)) return;
    if (fit.hddBalance !== null && !(fit.hddSlope > 0)) return;
    if (fit.cddBalance !== null && !(fit.cddSlope > 0)) return;
    candidates++;
    if (fit.adjustedRSquared > best.adjustedRSquared + TIE || candidates === 1) best = fit;
  };

  /** HDD-only or CDD-only (§3.4.3.1.2–3): one regressor, closed form. */
  const oneTerm = (kind: "hdd" | "cdd", col: Column): Fit => {
    const slope = col.sxy / col.sxx;
    const sse = syy - slope * col.sxy;
    return {
      kind,
      intercept: meanY - (slope * col.sum) / n,
      hddSlope: kind === "hdd" ? slope : 0,
      cddSlope: kind === "cdd" ? slope : 0,
      hddBalance: kind === "hdd" ? col.bp : null,
      cddBalance: kind === "cdd" ? col.bp : null,
      sse,
      adjustedRSquared: adjusted(sse, 1),
    };
  };
  const heating = columns(temps, y, meanY, hdd);
  for (const h of heating) consider(oneTerm("hdd", h));
  if (options.cooling) {
    const cooling = columns(temps, y, meanY, cdd);
    for (const c of cooling) consider(oneTerm("cdd", c));
    // §3.2.2.1: cooling balance point ≥ heating balance point. Then a day has heating or
    // cooling degree-days, never both: Σ h·c = 0 and the centred cross sum is −Σh·Σc/n.
    for (const h of heating) {
      for (const c of cooling) {
        if (c.bp < h.bp) continue;
        const shc = -(h.sum * c.sum) / n;
        const det = h.sxx * c.sxx - shc * shc;
        if (!(det > 1e-9 * h.sxx * c.sxx)) continue;
        const bh = (c.sxx * h.sxy - shc * c.sxy) / det;
        const bc = (h.sxx * c.sxy - shc * h.sxy) / det;
        const sse = syy - bh * h.sxy - bc * c.sxy;
        consider({
          kind: "hdd_cdd",
          intercept: meanY - (bh * h.sum + bc * c.sum) / n,
          hddSlope: bh,
          cddSlope: bc,
          hddBalance: h.bp,
          cddBalance: c.bp,
          sse,
          adjustedRSquared: adjusted(sse, 2),
        });
      }
    }
  }
  if (candidates === 0) throw new BaselineError("no candidate model has coefficients of the right sign");

  const model = { ...best } as BaselineModel;
  // Residuals by day (null where masked), for the SSE and the autocorrelation of consecutive days.
  let sse = 0;
  let sumResiduals = 0;
  const byDay = days.map((d) => {
    if (d.use === null || d.temperature === null) return null;
    const r = d.use - predict(model, d.temperature);
    sse += r * r;
    sumResiduals += r;
    return r;
  });
  const c = (best.hddBalance === null ? 0 : 1) + (best.cddBalance === null ? 0 : 1);
  return {
    ...best,
    n,
    c,
    sse,
    rSquared: syy === 0 ? 0 : 1 - sse / syy,
    meanUse: meanY,
    cvRmse: Math.sqrt(sse / (n - c)) / meanY,
    nmbe: -sumResiduals / (n * meanY),
    rho: lag1Autocorrelation(byDay),
    candidates,
  };
}

export interface AvoidedUse {
  /** Reporting days with a use and a temperature. */
  m: number;
  adjustedBaseline: number;
  actual: number;
  /** adjusted baseline − actual, over the m days (§3.6.1). */
  savings: number;
  uncertainty: FsuResult;
}

/** Avoided use over a reporting period; days without a use or a temperature are masked (§3.5). */
export function avoidedUse(
  model: BaselineModel,
  reporting: readonly DayPoint[],
  confidence: number,
): AvoidedUse {
  let adjustedBaseline = 0;
  let actual = 0;
  let m = 0;
  for (const d of reporting) {
    if (d.use === null || d.temperature === null) continue;
    adjustedBaseline += predict(model, d.temperature);
    actual += d.use;
    m++;
  }
  const savings = adjustedBaseline - actual;
  const uncertainty = fractionalSavingsUncertainty({
    n: model.n,
    c: model.c,
    rho: model.rho,
    sse: model.sse,
    meanBaseline: model.meanUse,
    m,
    savings,
    confidence,
  });
  return { m, adjustedBaseline, actual, savings, uncertainty };
}
