import { describe, expect, it } from "vitest";
import type { Claim } from "../../model/device.ts";
import { DEFAULT_POLICY } from "../../model/policy.ts";
import { syntheticEvidence } from "../../test/support/synthetic-evidence.ts";
import { estimateBeforeAfter } from "./before-after.ts";

const claim: Claim = { quantity: "heating_energy", meter: "dwelling" };
const spaces = ["a", "b", "c"].map((space, i) => ({ space, scale: 100 + 40 * i, installDate: "2025-10-01" }));
const pilot = {
  design: "before_after" as const,
  meters: spaces.map((s) => ({ space: s.space, installDate: s.installDate })),
};

function evidence(seed: number) {
  return syntheticEvidence({
    seed,
    from: "2024-10-01",
    days: 730,
    quantity: "heating_energy",
    effect: 0.1,
    dailyNoise: 0.05,
    habitShift: 0,
    spaces,
  });
}

describe("before/after on the same meters", () => {
  it("measures a portfolio of dwelling meters per dwelling, with an interval that holds the truth", () => {
    const e = evidence(21);
    const r = estimateBeforeAfter(claim, pilot, e, DEFAULT_POLICY, 3);
    // Truth: 10% of what the three dwellings would have used in the reporting year, per dwelling.
    const cut = e.days.indexOf("2025-10-01");
    const used = e.series.reduce((s, x) => s + x.daily.slice(cut).reduce((a, v) => a! + v!, 0)!, 0);
    const truth = used / 0.9 / 10 / 3;
    const s = r.result.savingPerDwellingPerYear!;
    expect(s.lower).toBeLessThan(truth);
    expect(s.upper).toBeGreaterThan(truth);
    expect(Math.abs(s.estimate - truth) / truth).toBeLessThan(0.1);
    expect(r.result.fit.meters).toBe(3);
    expect(r.result.fit.fsu).toBeLessThan(0.5);
    expect(r.window.baseline).toEqual({ from: "2024-10-01", to: "2025-09-30" });
  });

  it("refuses a baseline with more than 10% of days missing", () => {
    const e = evidence(22);
    e.series[1]!.daily = e.series[1]!.daily.map((v, i) => (i < 60 ? null : v));
    const r = estimateBeforeAfter(claim, pilot, e, DEFAULT_POLICY, 3);
    expect(r.result.savingPerDwellingPerYear).toBeNull();
    expect(r.result.problems).toEqual(["baseline_too_many_missing_days"]);
  });
});
