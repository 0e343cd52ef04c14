// A pilot with a control group, read as a difference in differences on weather-normalised
// yearly use per dwelling. Intent to treat: a treated dwelling stays treated whatever it did
// with the device; a dwelling is left out only when its meter lacks data.
import type { Claim } from "../../model/device.ts";
import type { Policy } from "../../model/policy.ts";
import type { Pilot } from "../../model/proposal.ts";
import { QUANTITIES } from "../../model/quantities.ts";
import { degreeDaysMeteo } from "../degree-days.ts";
import { dayIndex, type Evidence, findSeries } from "../evidence.ts";
import { normalYearUse } from "../normalise.ts";
import { daysToMonths, dwellingsPerArm } from "../sample-size.ts";
import { differenceInDifferences } from "./difference-in-differences.ts";
import type { ClaimEstimate } from "./estimate.ts";

type Controlled = Extract<Pilot, { design: "controlled" }>;

function median(xs: string[]): string {
  const s = [...xs].sort();
  return s[Math.floor((s.length - 1) / 2)]!;
}

export function estimateControlledPilot(
  claim: Claim,
  pilot: Controlled,
  evidence: Evidence,
  policy: Policy,
): ClaimEstimate {
  const unit = QUANTITIES[claim.quantity].unit;
  const base = {
    quantity: claim.quantity,
    meter: claim.meter,
    unit,
    method: "difference_in_differences" as const,
  };
  const empty = { settle: null, moreMonths: null, moreDwellingsPerArm: null };
  if (claim.meter === "common") {
    return {
      ...empty,
      result: {
        ...base,
        savingPerDwellingPerYear: null,
        fit: {},
        problems: ["common_meter_needs_before_after"],
      },
      window: { baseline: null, reporting: null },
    };
  }
  const days = evidence.days;
  const dju = evidence.outdoor.map((o) => degreeDaysMeteo(o.tmin, o.tmax));
  const heating = claim.quantity === "heating_energy";
  const min = policy.minimum;
  const problems = new Set<string>();
  let moreMonths: number | null = null;

  const split = median(pilot.treated.map((t) => t.installDate));
  const firstInstall = pilot.treated.map((t) => t.installDate).sort()[0]!;
  const window = {
    baseline: days.length
      ? { from: days[0]!, to: days[Math.max(0, dayIndex(evidence, firstInstall) - 1)]! }
      : null,
    reporting: days.length ? { from: firstInstall, to: days[days.length - 1]! } : null,
  };

  // Normal-year use before and after for one dwelling; null when its data fall short.
  const change = (space: string, installDate: string): number | null => {
    const daily = findSeries(evidence, space, claim.quantity);
    if (!daily) return null;
    const cut = dayIndex(evidence, installDate);
    const periods = [
      [0, cut],
      [cut, days.length],
    ] as const;
    const nac: number[] = [];
    for (const [from, to] of periods) {
      const use = daily.slice(from, to);
      const valid = use.filter((v) => v !== null).length;
      if (valid < min.pilotPeriodDays || valid < (1 - min.maxMissingShare) * use.length) {
        if (from === cut) {
          moreMonths = Math.max(moreMonths ?? 0, daysToMonths(min.pilotPeriodDays - valid));
        }
        return null;
      }
      const periodDju = dju.slice(from, to).reduce((a, b) => a + b, 0);
      if (heating && periodDju < min.periodDju) {
        problems.add("heating_season_not_covered");
        // Degree-days arrive at about the normal year's pace over an eight-month season.
        const perMonth = policy.normalYearDju / 8;
        moreMonths = Math.max(moreMonths ?? 0, Math.ceil((min.periodDju - periodDju) / perMonth));
        return null;
      }
      const n = normalYearUse(use, dju.slice(from, to), policy.normalYearDju, heating);
      if (!n) return null;
      nac.push(n.perYear);
    }
    return nac[1]! - nac[0]!;
  };

  const treated = pilot.treated
    .map((t) => change(t.dwelling, t.installDate))
    .filter((d): d is number => d !== null);
  const control = pilot.control.map((c) => change(c, split)).filter((d): d is number => d !== null);
  const fit: Record<string, number> = { nTreated: treated.length, nControl: control.length };
  if (treated.length < min.dwellingsPerArm || control.length < min.dwellingsPerArm) {
    if (!problems.has("heating_season_not_covered") && moreMonths === null) {
      // Say what really happened: a pilot too small from the start, or homes left out for
      // incomplete readings.
      const named = Math.min(pilot.treated.length, pilot.control.length);
      problems.add(named < min.dwellingsPerArm ? "pilot_too_small" : "too_few_dwellings");
    }
    const short = min.dwellingsPerArm - Math.min(treated.length, control.length);
    return {
      result: { ...base, savingPerDwellingPerYear: null, fit, problems: [...problems] },
      window,
      settle: null,
      moreMonths,
      moreDwellingsPerArm: moreMonths === null ? Math.max(1, short) : null,
    };
  }
  const did = differenceInDifferences(treated, control, policy.confidence);
  const sigma = Math.sqrt((did.sdTreated ** 2 + did.sdControl ** 2) / 2);
  return {
    result: {
      ...base,
      // The estimate is the change in use; a saving is its opposite.
      savingPerDwellingPerYear: { estimate: -did.estimate, lower: -did.upper, upper: -did.lower },
      fit: {
        ...fit,
        meanChangeTreated: did.meanTreated,
        meanChangeControl: did.meanControl,
        sdChangeTreated: did.sdTreated,
        sdChangeControl: did.sdControl,
        standardError: did.se,
        welchDf: did.df,
        normalYearDju: policy.normalYearDju,
        // Dwellings per arm a pilot would need to detect the effect seen here (80% power).
        dwellingsPerArmForEffect: dwellingsPerArm(sigma, did.estimate, policy.confidence, policy.power),
      },
      problems: [...problems],
    },
    window,
    settle: {
      kind: "dwellings",
      sigmaPerYear: sigma,
      dwellingsPerArm: Math.min(treated.length, control.length),
    },
    moreMonths: null,
    moreDwellingsPerArm: null,
  };
}
