import { describe, expect, it } from "vitest";
import { lcg, normal } from "../test-support.ts";
import { avoidedUse, fitBaseline, predict } from "./caltrack-baseline.ts";

const temps = Array.from({ length: 365 }, (_, i) => 12 - 10 * Math.cos((2 * Math.PI * i) / 365));

describe("CalTRACK daily baseline", () => {
  it("finds the balance point and slope of a heating load", () => {
    const rand = lcg(7);
    const days = temps.map((t) => ({ use: 5 + 2 * Math.max(0, 15 - t) + 0.3 * normal(rand), tmean: t }));
    const m = fitBaseline(days, { cooling: false });
    expect(m.kind).toBe("hdd");
    expect(m.hddBalance).toBe(15);
    expect(m.hddSlope).toBeCloseTo(2, 1);
    expect(m.intercept).toBeCloseTo(5, 0);
    expect(m.cvRmse).toBeLessThan(0.05);
    expect(Math.abs(m.nmbe)).toBeLessThan(1e-9);
    expect(predict(m, 5)).toBeCloseTo(25, 0);
  });

  it("keeps intercept-only when use does not follow the weather", () => {
    const rand = lcg(9);
    const days = temps.map((t) => ({ use: 10 + normal(rand), tmean: t }));
    const m = fitBaseline(days, { cooling: false });
    expect(m.kind).toBe("intercept");
    expect(m.intercept).toBeCloseTo(10, 0);
  });

  it("skips missing days and measures avoided use with its uncertainty", () => {
    const rand = lcg(11);
    const base = temps.map((t, i) => ({
      use: i % 20 === 0 ? null : 5 + 2 * Math.max(0, 15 - t) + normal(rand),
      tmean: t,
    }));
    const m = fitBaseline(base, { cooling: false });
    expect(m.n).toBe(365 - 19);
    const reporting = temps.map((t) => ({
      use: 0.9 * (5 + 2 * Math.max(0, 15 - t)) + normal(rand),
      tmean: t,
    }));
    const a = avoidedUse(m, reporting, 0.9);
    const truth = 0.1 * temps.reduce((s, t) => s + 5 + 2 * Math.max(0, 15 - t), 0);
    expect(Math.abs(a.savings - truth)).toBeLessThan(a.uncertainty.savingsUncertainty);
    expect(a.uncertainty.fsu).toBeLessThan(0.5);
  });
});
