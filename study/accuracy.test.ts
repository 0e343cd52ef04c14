// A fast slice of bench/guard-accuracy.ts: both designs on cases with a known truth, held to
// what a small sample can show (the full study prints the figures; bench/README.md has them).
// Bounds are three binomial standard deviations around the targets, so that this fails when
// the guard approves harmful devices, or when its 90 % interval covers the truth far less
// (or, for the larger before/after slice, far more) often than 90 %.
import { describe, expect, it } from "vitest";
import { beforeAfterCases, runBeforeAfterCase } from "./before-after.ts";
import { controlledCases, runControlledCase } from "./controlled.ts";
import { type Summary, summarise } from "./summary.ts";

/** The share of n binomial trials at p that a sample may show, three standard deviations out. */
function band(p: number, n: number): [number, number] {
  const sd = Math.sqrt((p * (1 - p)) / n);
  return [p - 3 * sd, p + 3 * sd];
}

function holdsTargets(s: Summary, minimumHarmful: number) {
  it("approves no harmful device beyond the 5 % bound, and no zero-effect gadget", () => {
    expect(s.harmful).toBeGreaterThanOrEqual(minimumHarmful);
    expect(s.harmfulApproved / s.harmful).toBeLessThanOrEqual(0.05);
    expect(s.gadgets).toBeGreaterThan(0);
    expect(s.gadgetsApproved).toBe(0);
  });

  it("approves most clearly beneficial devices", () => {
    expect(s.clearlyBeneficial).toBeGreaterThanOrEqual(3);
    expect(s.clearlyBeneficialApproved / s.clearlyBeneficial).toBeGreaterThanOrEqual(0.6);
  });

  it("estimates the saving without bias", () => {
    expect(Math.abs(s.relativeBias)).toBeLessThan(0.05);
    expect(s.relativeAbsError).toBeLessThan(0.15);
  });

  it("covers the truth with its 90 % interval about 90 % of the time", () => {
    const [low, high] = band(0.9, s.measured);
    expect(s.measured).toBeGreaterThan(0.9 * s.cases);
    expect(s.covered / s.measured).toBeGreaterThanOrEqual(low);
    expect(s.covered / s.measured).toBeLessThanOrEqual(high);
  });
}

describe("guard accuracy on controlled pilots (normal year ≠ simulated years)", () => {
  holdsTargets(summarise(controlledCases(40, 1).map((c) => runControlledCase(c))), 15);
});

describe("guard accuracy before/after on the same meters", () => {
  holdsTargets(summarise(beforeAfterCases(100, 1).map((c) => runBeforeAfterCase(c))), 40);
});
