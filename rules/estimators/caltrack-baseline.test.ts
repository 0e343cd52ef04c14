import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { lcg, normal } from "../../test/support/synthetic-evidence.ts";
import { ols } from "../regression.ts";
import {
  avoidedUse,
  BALANCE_POINTS_C,
  type BaselineModel,
  type DayPoint,
  fitBaseline,
  MIN_TOTAL_DEGREE_DAYS_C,
  predict,
} from "./caltrack-baseline.ts";

const F = (f: number) => ((f - 32) * 5) / 9;
const temps = Array.from({ length: 365 }, (_, i) => 12 - 10 * Math.cos((2 * Math.PI * i) / 365));
const hdd = (t: number, bp: number) => Math.max(0, bp - t);
const cdd = (t: number, bp: number) => Math.max(0, t - bp);

/**
 * The spec's search written the slow, obvious way: every candidate fitted by the generic OLS,
 * qualified and compared as CalTRACK 2.0 §3.2–§3.4 says. The fast search must agree with it.
 */
function bruteForce(
  days: readonly DayPoint[],
  cooling: boolean,
): { kind: string; h: number | null; c: number | null; adj: number } {
  const pts = days.filter((d) => d.use !== null && d.temperature !== null) as {
    use: number;
    temperature: number;
  }[];
  const y = pts.map((d) => d.use);
  const qualifies = (xs: number[]) =>
    xs.filter((x) => x > 0).length >= 10 && xs.reduce((a, b) => a + b, 0) >= 100 / 9;
  let best = { kind: "intercept", h: null as number | null, c: null as number | null, adj: 0 };
  const tryFit = (h: number | null, c: number | null) => {
    const x = pts.map((d) => [
      1,
      ...(h === null ? [] : [hdd(d.temperature, h)]),
      ...(c === null ? [] : [cdd(d.temperature, c)]),
    ]);
    const f = ols(x, y);
    if (f.coefficients[0]! < 0 || f.coefficients.slice(1).some((b) => !(b > 0))) return;
    if (f.adjustedRSquared > best.adj + 1e-12)
      best = {
        kind: h !== null && c !== null ? "hdd_cdd" : h !== null ? "hdd" : "cdd",
        h,
        c,
        adj: f.adjustedRSquared,
      };
  };
  const hq = BALANCE_POINTS_C.filter((bp) => qualifies(pts.map((d) => hdd(d.temperature, bp))));
  const cq = BALANCE_POINTS_C.filter((bp) => qualifies(pts.map((d) => cdd(d.temperature, bp))));
  for (const h of hq) tryFit(h, null);
  if (cooling) {
    for (const c of cq) tryFit(null, c);
    for (const h of hq) for (const c of cq) if (c >= h) tryFit(h, c);
  }
  return best;
}

describe("CalTRACK 2.0 daily baseline", () => {
  it("searches balance points from 30 to 90 °F every 1 °F (§3.2.1, §3.2.3: gaps ≤ 3 °F), in °C", () => {
    expect(BALANCE_POINTS_C).toHaveLength(61);
    expect(BALANCE_POINTS_C[0]).toBeCloseTo(-1.111, 3);
    expect(BALANCE_POINTS_C.at(-1)).toBeCloseTo(32.222, 3);
    for (let i = 1; i < BALANCE_POINTS_C.length; i++)
      expect(BALANCE_POINTS_C[i]! - BALANCE_POINTS_C[i - 1]!).toBeLessThanOrEqual(F(35) - F(32) + 1e-9);
    // §3.2.2.2.2: 20 degree-days in CalTRACK's °F, 11.1 in °C.
    expect(MIN_TOTAL_DEGREE_DAYS_C).toBeCloseTo(11.111, 3);
  });

  it("finds a heating balance point of 53 °F (11.7 °C), below the old 12–20 °C grid", () => {
    const rand = lcg(7);
    const days = temps.map((t) => ({ use: 5 + 2 * hdd(t, F(53)) + 0.3 * normal(rand), temperature: t }));
    const m = fitBaseline(days, { cooling: false });
    expect(m.kind).toBe("hdd");
    expect(m.hddBalance).toBeCloseTo(11.667, 3);
    expect(m.hddSlope).toBeCloseTo(2, 1);
    expect(m.intercept).toBeCloseTo(5, 0);
    expect(m.cvRmse).toBeLessThan(0.05);
    expect(Math.abs(m.nmbe)).toBeLessThan(1e-9);
    expect(predict(m, 1.667)).toBeCloseTo(25, 0);
  });

  it("reports both balance points of an HDD+CDD electricity model, cooling ≥ heating (§3.2.2.1)", () => {
    const rand = lcg(3);
    const hot = temps.map((t) => t + 6);
    const days = hot.map((t) => ({
      use: 8 + 0.5 * hdd(t, F(55)) + 1.2 * cdd(t, F(64)) + 0.3 * normal(rand),
      temperature: t,
    }));
    const m = fitBaseline(days, { cooling: true });
    expect(m.kind).toBe("hdd_cdd");
    expect(m.hddBalance).toBeCloseTo(F(55), 6);
    expect(m.cddBalance).toBeCloseTo(F(64), 6);
    expect(m.cddBalance!).toBeGreaterThanOrEqual(m.hddBalance!);
    // Gas: no cooling term is ever tried (§3.2.1.1).
    expect(fitBaseline(days, { cooling: false }).cddBalance).toBeNull();
  });

  it("keeps intercept-only when use does not follow the weather, or follows it the wrong way (§3.4.3.2)", () => {
    const rand = lcg(9);
    expect(
      fitBaseline(
        temps.map((t) => ({ use: 10 + normal(rand), temperature: t })),
        { cooling: true },
      ).kind,
    ).toBe("intercept");
    // Use that falls in the cold: a heating slope would be negative, a cooling one too small to beat it.
    const wrong = temps.map((t) => ({ use: 30 - 1.5 * hdd(t, 15) + 0.1 * normal(rand), temperature: t }));
    const m = fitBaseline(wrong, { cooling: false });
    expect(m.kind).toBe("intercept");
    expect(m.adjustedRSquared).toBe(0);
  });

  it("considers a balance point only with ≥ 10 days and ≥ 20 °F·days of degree-days (§3.2.2.2)", () => {
    // 9 cold days at −5 °C, the rest at 40 °C (above the grid): every balance point has heating
    // degree-days on 9 days only, so none qualifies even though use follows them.
    const days: DayPoint[] = Array.from({ length: 365 }, (_, i) => {
      const cold = i < 9;
      return { use: cold ? 40 + i : 10 + (i % 3), temperature: cold ? -5 : 40 };
    });
    expect(fitBaseline(days, { cooling: false }).kind).toBe("intercept");
    const ten = days.map((d, i) => (i === 9 ? { use: 49, temperature: -5 } : d));
    expect(fitBaseline(ten, { cooling: false }).kind).toBe("hdd");
    // 10 days, but 10 × 1.1 °C·days < 11.1 at the lowest balance point that has them all: the
    // search starts where the total reaches 20 °F·days.
    const shallow = ten.map((d) => (d.temperature === -5 ? { ...d, temperature: F(30) - 1 } : d));
    const m = fitBaseline(shallow, { cooling: false });
    expect(m.kind).toBe("hdd");
    expect(10 * (m.hddBalance! - (F(30) - 1))).toBeGreaterThanOrEqual(MIN_TOTAL_DEGREE_DAYS_C);
  });

  it("selects by adjusted R² with n − c − 1 residual degrees of freedom (§3.4.3.3)", () => {
    const rand = lcg(5);
    const days = temps.map((t) => ({ use: 6 + 1.1 * hdd(t, 14) + normal(rand), temperature: t }));
    const m = fitBaseline(days, { cooling: true });
    const n = m.n;
    const y = days.map((d) => d.use);
    const mean = y.reduce((a, b) => a + b, 0) / n;
    const sst = y.reduce((s, v) => s + (v - mean) ** 2, 0);
    expect(m.c).toBe(1);
    expect(m.adjustedRSquared).toBeCloseTo(1 - m.sse / (n - m.c - 1) / (sst / (n - 1)), 9);
  });

  it("agrees with the spec's search done the slow way, on random loads", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 1_000_000 }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.double({ min: 0, max: 3, noNaN: true }),
        fc.integer({ min: 35, max: 75 }),
        fc.integer({ min: 0, max: 15 }),
        fc.boolean(),
        (seed, heat, cool, hF, gapF, cooling) => {
          const rand = lcg(seed);
          const days = temps.map((t) => ({
            use: 5 + heat * hdd(t + 4, F(hF)) + cool * cdd(t + 4, F(hF + gapF)) + 2 * normal(rand),
            temperature: t + 4,
          }));
          const fast = fitBaseline(days, { cooling });
          const slow = bruteForce(days, cooling);
          expect(fast.kind).toBe(slow.kind);
          expect(fast.adjustedRSquared).toBeCloseTo(slow.adj, 9);
          if (slow.h !== null) expect(fast.hddBalance).toBeCloseTo(slow.h, 9);
          if (slow.c !== null) expect(fast.cddBalance).toBeCloseTo(slow.c, 9);
        },
      ),
      { numRuns: 25 },
    );
  });

  it("masks days without a temperature (§3.5.1.1) and measures avoided use with its uncertainty", () => {
    const rand = lcg(11);
    const base = temps.map((t, i) => ({
      use: i % 20 === 0 ? null : 5 + 2 * hdd(t, 15) + normal(rand),
      temperature: i % 30 === 1 ? null : t,
    }));
    const m: BaselineModel = fitBaseline(base, { cooling: false });
    expect(m.n).toBe(365 - 19 - 13);
    const reporting = temps.map((t) => ({ use: 0.9 * (5 + 2 * hdd(t, 15)) + normal(rand), temperature: t }));
    const a = avoidedUse(m, reporting, 0.9);
    const truth = 0.1 * temps.reduce((s, t) => s + 5 + 2 * hdd(t, 15), 0);
    expect(Math.abs(a.savings - truth)).toBeLessThan(a.uncertainty.savingsUncertainty);
    expect(a.uncertainty.fsu).toBeLessThan(0.5);
  });
});
