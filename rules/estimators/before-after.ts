// Before/after on the same meters (IPMVP option B/C) with a CalTRACK daily baseline: a full
// year before installation fits the model, the latest full year after it is compared with the
// model's prediction. A reporting period shorter than a year is never annualised; the verdict
// waits for it. Several meters form a portfolio (ASHRAE 14).
import type { Claim } from "../../model/device.ts";
import { COMMON_SPACE } from "../../model/ids.ts";
import type { Policy } from "../../model/policy.ts";
import type { Pilot } from "../../model/proposal.ts";
import { QUANTITIES } from "../../model/quantities.ts";
import type { BaselineSummary } from "../../model/verdict.ts";
import { dayIndex, type Evidence, findSeries } from "../evidence.ts";
import { daysToMonths } from "../sample-size.ts";
import { dailyTemperature } from "../temperature-feature.ts";
import { portfolioUncertainty } from "../uncertainty.ts";
import { avoidedUse, BaselineError, type DayPoint, fitBaseline } from "./caltrack-baseline.ts";
import type { ClaimEstimate, Window } from "./estimate.ts";

type BeforeAfter = Extract<Pilot, { design: "before_after" }>;

const YEAR = 365;

/** CalTRACK 2.0 §3.4.3.1.1, §3.4.3.1.3: cooling degree-day models for electricity only. */
const FOLLOWS_COOLING = new Set(["electricity"]);

/** CalTRACK 2.0 §2.2.1.4, §3.5.2.1: a 0 reading is missing for electricity, not for gas. */
const ZERO_IS_MISSING = new Set(["electricity"]);

export function estimateBeforeAfter(
  claim: Claim,
  pilot: BeforeAfter,
  evidence: Evidence,
  policy: Policy,
  households: number,
): ClaimEstimate {
  const unit = QUANTITIES[claim.quantity].unit;
  const base = { quantity: claim.quantity, meter: claim.meter, unit, method: "caltrack_daily" as const };
  const min = policy.minimum;
  const zeroIsMissing = ZERO_IS_MISSING.has(claim.quantity);
  const meters = pilot.meters.filter((m) => (claim.meter === "common") === (m.space === COMMON_SPACE));
  const allowedMissing = (days: number) => Math.ceil(min.maxMissingShare * days);
  /** A meter's baseline (the year before installation) and reporting (the latest year) days,
   * as [from, to) indexes into the evidence. */
  const windowsOf = (installDate: string) => {
    const cut = dayIndex(evidence, installDate);
    return {
      cut,
      baseline: [cut - min.baselineDays, cut] as const,
      reporting: [evidence.days.length - YEAR, evidence.days.length] as const,
    };
  };
  // The hourly mean only if it leaves no meter's baseline or reporting year short of days.
  const temperature = dailyTemperature(evidence.outdoor, (values) =>
    meters.every((meter) => {
      const { baseline, reporting } = windowsOf(meter.installDate);
      return [baseline, reporting].every(
        ([from, to]) =>
          from < 0 ||
          to <= from ||
          values.slice(from, to).filter((v) => v === null).length <= allowedMissing(to - from),
      );
    }),
  );
  // §2.2.1.2: days missing a use or a temperature count alike, and a year may miss 37 days
  // ("should not exceed 37 days (10%)": the share of its days, rounded up). The problem says
  // which was missing: the meter's readings, or the weather.
  const shortOf = (p: DayPoint[]): "use" | "temperature" | null => {
    const allowed = allowedMissing(p.length);
    if (p.filter((d) => d.use === null).length > allowed) return "use";
    if (p.filter((d) => d.use === null || d.temperature === null).length > allowed) return "temperature";
    return null;
  };
  const problems = new Set<string>();
  const parts: { savings: number; uncertainty: number; days: number }[] = [];
  const fits: Record<string, number>[] = [];
  const baselines: BaselineSummary[] = [];
  let moreMonths: number | null = null;
  let baselineWindow: Window | null = null;
  let reportingWindow: Window | null = null;

  for (const meter of meters) {
    const daily = findSeries(evidence, meter.space, claim.quantity);
    if (!daily) {
      problems.add("meter_series_missing");
      continue;
    }
    const windows = windowsOf(meter.installDate);
    const cut = windows.cut;
    const points = ([from, to]: readonly [number, number]): DayPoint[] =>
      daily.slice(from, to).map((use, i) => ({
        use: zeroIsMissing && use === 0 ? null : use,
        temperature: temperature.values[from + i] ?? null,
      }));
    if (cut < min.baselineDays) {
      problems.add("baseline_too_short");
      continue;
    }
    const baseline = points(windows.baseline);
    const baselineShort = shortOf(baseline);
    if (baselineShort) {
      problems.add(
        baselineShort === "use" ? "baseline_too_many_missing_days" : "outdoor_temperature_missing",
      );
      continue;
    }
    const reportingDays = evidence.days.length - cut;
    if (reportingDays < YEAR) {
      problems.add("reporting_year_incomplete");
      moreMonths = Math.max(moreMonths ?? 0, daysToMonths(YEAR - reportingDays));
      continue;
    }
    // The latest full year: what a re-evaluation should weigh.
    const reporting = points(windows.reporting);
    const reportingShort = shortOf(reporting);
    if (reportingShort) {
      problems.add(
        reportingShort === "use" ? "reporting_too_many_missing_days" : "outdoor_temperature_missing",
      );
      continue;
    }
    let model: ReturnType<typeof fitBaseline>;
    try {
      model = fitBaseline(baseline, { cooling: FOLLOWS_COOLING.has(claim.quantity) });
    } catch (e) {
      if (!(e instanceof BaselineError)) throw e;
      problems.add("baseline_model_failed");
      continue;
    }
    if (!(model.meanUse > 0)) {
      problems.add("baseline_no_use");
      continue;
    }
    if (!(model.cvRmse <= min.maxCvRmse)) {
      problems.add("baseline_model_too_noisy");
      continue;
    }
    const avoided = avoidedUse(model, reporting, policy.confidence);
    // Up to maxMissingShare of the year may lack values; scale those days in, uncertainty with them.
    const scale = YEAR / avoided.m;
    parts.push({
      savings: avoided.savings * scale,
      uncertainty: avoided.uncertainty.savingsUncertainty * scale,
      days: avoided.m,
    });
    const u = avoided.uncertainty;
    fits.push({
      rSquared: model.rSquared,
      adjustedRSquared: model.adjustedRSquared,
      cvRmse: model.cvRmse,
      nmbe: model.nmbe,
      hddBalancePointC: model.hddBalance ?? Number.NaN,
      cddBalancePointC: model.cddBalance ?? Number.NaN,
      baselineDays: model.n,
      reportingDays: avoided.m,
      residualAutocorrelation: model.rho,
      autocorrelationUsed: u.rhoUsed,
      effectivePoints: u.nPrime,
      tStatistic: u.t,
      smallSampleCorrection: u.correction,
      fsu: u.fsu,
    });
    baselines.push({
      space: meter.space,
      model: model.kind,
      hddBalancePointC: model.hddBalance,
      cddBalancePointC: model.cddBalance,
      adjustedRSquared: model.adjustedRSquared,
      cvRmse: model.cvRmse,
      residualAutocorrelation: model.rho,
      savingsUncertaintyPerYear: u.savingsUncertainty * scale,
    });
    const dates = ([from, to]: readonly [number, number]): Window => ({
      from: evidence.days[from]!,
      to: evidence.days[to - 1]!,
    });
    baselineWindow = dates(windows.baseline);
    reportingWindow = dates(windows.reporting);
  }

  const window = { baseline: baselineWindow, reporting: reportingWindow };
  const described = { temperatureFeature: temperature.feature, baselines };
  // Every meter of the design must count, or the portfolio would be a selection.
  if (parts.length === 0 || parts.length < meters.length) {
    if (meters.length === 0) problems.add("no_meter_for_claim");
    // Months help only when waiting is all that is missing.
    if ([...problems].some((p) => p !== "reporting_year_incomplete")) moreMonths = null;
    return {
      result: { ...base, ...described, savingPerDwellingPerYear: null, fit: {}, problems: [...problems] },
      window,
      settle: null,
      moreMonths,
      moreDwellingsPerArm: null,
    };
  }
  const total = portfolioUncertainty(parts);
  const dwellings = claim.meter === "common" ? households : meters.length;
  const per = total.savings / dwellings;
  const half = total.uncertainty / dwellings;
  const fit: Record<string, number> =
    fits.length === 1
      ? { ...fits[0]! }
      : {
          meters: fits.length,
          maxCvRmse: Math.max(...fits.map((f) => f.cvRmse!)),
          meanAdjustedRSquared: fits.reduce((s, f) => s + f.adjustedRSquared!, 0) / fits.length,
          fsu: total.fsu,
        };
  for (const k of Object.keys(fit)) if (!Number.isFinite(fit[k])) delete fit[k];
  return {
    result: {
      ...base,
      ...described,
      savingPerDwellingPerYear: { estimate: per, lower: per - half, upper: per + half },
      fit: { ...fit, sharedAmongHouseholds: dwellings },
      problems: [...problems],
    },
    window,
    // The estimator always weighs one year: more months cannot narrow it; more meters can.
    settle: claim.meter === "common" ? { kind: "control_group" } : { kind: "meters", meters: meters.length },
    moreMonths: null,
    moreDwellingsPerArm: null,
  };
}
