// Difference in differences between a treated and a control group of dwellings (SEE Action
// 2012): each dwelling contributes d_i = post_i − pre_i; the effect is mean(d_T) − mean(d_C)
// with a Welch standard error and Welch–Satterthwaite degrees of freedom.
import { mean, tTwoSided, variance } from "../stats.ts";

export interface DidResult {
  /** mean(d_T) − mean(d_C): the change the device caused (negative when it saves). */
  estimate: number;
  se: number;
  df: number;
  lower: number;
  upper: number;
  nTreated: number;
  nControl: number;
  meanTreated: number;
  meanControl: number;
  sdTreated: number;
  sdControl: number;
}

export function differenceInDifferences(
  treatedDiffs: readonly number[],
  controlDiffs: readonly number[],
  confidence: number,
): DidResult {
  const nT = treatedDiffs.length;
  const nC = controlDiffs.length;
  const mT = mean(treatedDiffs);
  const mC = mean(controlDiffs);
  const vT = variance(treatedDiffs);
  const vC = variance(controlDiffs);
  const aT = vT / nT;
  const aC = vC / nC;
  const se = Math.sqrt(aT + aC);
  // Welch–Satterthwaite; when both variances vanish the interval is a point anyway.
  const df = aT + aC === 0 ? nT + nC - 2 : (aT + aC) ** 2 / (aT ** 2 / (nT - 1) + aC ** 2 / (nC - 1));
  const estimate = mT - mC;
  const half = se === 0 ? 0 : tTwoSided(confidence, df) * se;
  return {
    estimate,
    se,
    df,
    lower: estimate - half,
    upper: estimate + half,
    nTreated: nT,
    nControl: nC,
    meanTreated: mT,
    meanControl: mC,
    sdTreated: Math.sqrt(vT),
    sdControl: Math.sqrt(vC),
  };
}
