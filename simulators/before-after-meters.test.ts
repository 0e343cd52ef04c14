import { describe, expect, it } from "vitest";
import { ols } from "../rules/regression.ts";
import { lag1Autocorrelation } from "../rules/stats.ts";
import { type BeforeAfterScenario, expectedUse, simulateBeforeAfter } from "./before-after-meters.ts";

const flat = { basePerDay: 8, heatingSlope: 0, heatingBalanceC: 15, coolingSlope: 0, coolingBalanceC: 24 };
const base: BeforeAfterScenario = {
  seed: 3,
  climate: "lyon",
  start: "2023-03-01",
  days: 800,
  quantity: "electricity",
  rho: 0.5,
  meters: [
    { space: "a", installDate: "2024-03-01", load: flat, noiseCv: 0.2 },
    { space: "b", installDate: "2024-04-10", load: flat, noiseCv: 0.2 },
  ],
  trueEffect: -0.1,
  deviceStandbyW: 5,
};

describe("before/after meters", () => {
  it("reads the counterfactual before installation and (1 + effect) × it plus the draw after", () => {
    const quiet = simulateBeforeAfter({ ...base, meters: base.meters.map((m) => ({ ...m, noiseCv: 0 })) });
    const a = quiet.meters[0]!.daily;
    expect(a[364]).toBeCloseTo(8, 12);
    expect(a[366]).toBeCloseTo(8 * 0.9 + 0.12, 12);
    // The truth is the effect on the latest 365 days, without the device's own draw.
    expect(quiet.truth.reporting).toEqual({ from: quiet.days[435], to: quiet.days[799] });
    expect(quiet.truth.savingPerMeterPerYear).toBeCloseTo(365 * 8 * 0.1, 9);
    expect(quiet.truth.standbyKWhPerYear).toBeCloseTo(43.8, 9);
  });

  it("counts the noise of the reporting year in the truth", () => {
    const d = simulateBeforeAfter(base);
    const m = d.meters[1]!.daily;
    const reported = m.slice(435).reduce((s, v) => s + v, 0) - 365 * 0.12;
    // Σ counterfactual − Σ (reading − draw) = effect share of the counterfactual = reported × 0.1/0.9.
    expect(d.truth.avoidedPerMeter[1]).toBeCloseTo((reported * 0.1) / 0.9, 6);
    expect(d.truth.avoidedPerMeter[1]).not.toBeCloseTo(365 * 8 * 0.1, 0);
  });

  it("gives a flat meter's noise the autocorrelation and spread asked for", () => {
    const d = simulateBeforeAfter({
      ...base,
      days: 3_000,
      meters: [{ ...base.meters[0]!, installDate: "2030-01-01" }],
    });
    const residuals = d.meters[0]!.daily.slice(0, 2_000).map((v) => v / 8 - 1);
    expect(Math.abs(lag1Autocorrelation(residuals) - 0.5)).toBeLessThan(0.05);
    const sd = Math.sqrt(residuals.reduce((s, r) => s + r * r, 0) / residuals.length);
    expect(Math.abs(sd - 0.2)).toBeLessThan(0.02);
  });

  it("follows the hourly-mean temperature with a balance point a grid search finds", () => {
    const heating = {
      basePerDay: 4,
      heatingSlope: 3,
      heatingBalanceC: 13.4,
      coolingSlope: 0,
      coolingBalanceC: 24,
    };
    const d = simulateBeforeAfter({
      ...base,
      quantity: "heating_energy",
      rho: 0,
      meters: [{ space: "a", installDate: "2024-03-01", load: heating, noiseCv: 0.05 }],
    });
    const year = d.meters[0]!.daily.slice(0, 365);
    expect(year[100]).toBeCloseTo(expectedUse(heating, d.outdoor[100]!.tmean), -1);
    const sse = (bp: number) =>
      ols(
        d.outdoor.slice(0, 365).map((o) => [1, Math.max(0, bp - o.tmean)]),
        year,
      ).residuals.reduce((s, r) => s + r * r, 0);
    const grid = Array.from({ length: 21 }, (_, i) => 10 + 0.5 * i);
    const best = grid.reduce((a, b) => (sse(b) < sse(a) ? b : a));
    expect(Math.abs(best - 13.4)).toBeLessThanOrEqual(0.5);
  });

  it("cools in Fort-de-France above the cooling balance point", () => {
    const cooling = {
      basePerDay: 5,
      heatingSlope: 0,
      heatingBalanceC: 15,
      coolingSlope: 1,
      coolingBalanceC: 26,
    };
    const d = simulateBeforeAfter({
      ...base,
      climate: "fort_de_france",
      meters: [{ space: "a", installDate: "2024-03-01", load: cooling, noiseCv: 0 }],
    });
    const cdd = d.outdoor.slice(0, 365).reduce((s, o) => s + Math.max(0, o.tmean - 26), 0);
    expect(cdd).toBeGreaterThan(100);
    expect(d.meters[0]!.daily.slice(0, 365).reduce((s, v) => s + v, 0)).toBeCloseTo(365 * 5 + cdd, 6);
  });

  it("refuses a meter with less than a year after its installation", () => {
    expect(() =>
      simulateBeforeAfter({ ...base, meters: [{ ...base.meters[0]!, installDate: "2024-06-01" }] }),
    ).toThrow(/fewer than 365 days/);
  });
});
