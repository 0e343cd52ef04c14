import { describe, expect, it } from "vitest";
import { dayNumberOfIso, dayStart, monthDay } from "./calendar.ts";
import { createRng, hashOf, normalAt } from "./random.ts";
import {
  type Climate,
  degreeDaysCostic,
  degreeDaysMeteo,
  FORT_DE_FRANCE,
  LYON,
  MARSEILLE,
  shiftedClimate,
  Weather,
} from "./weather.ts";

describe("randomness", () => {
  it("is a function of the seed and keys only", () => {
    expect(createRng(7).next()).toBe(createRng(7).next());
    expect(hashOf(1, 2, 3)).toBe(hashOf(1, 2, 3));
    expect(hashOf(1, 2, 3)).not.toBe(hashOf(1, 2, 4));
  });

  it("draws standard normals", () => {
    let sum = 0;
    let sq = 0;
    const n = 20_000;
    for (let i = 0; i < n; i++) {
      const x = normalAt(99, i);
      sum += x;
      sq += x * x;
    }
    expect(Math.abs(sum / n)).toBeLessThan(0.03);
    expect(Math.sqrt(sq / n)).toBeCloseTo(1, 1);
  });

  it("computes calendar dates without Date", () => {
    for (let d = -800; d < 60_000; d += 7) {
      const x = new Date(d * 86_400_000);
      expect(monthDay(d)).toEqual({
        year: x.getUTCFullYear(),
        month: x.getUTCMonth() + 1,
        day: x.getUTCDate(),
      });
    }
  });
});

describe("Lyon weather", () => {
  const year = (seed: number, y: number) => {
    const w = new Weather(seed);
    const from = dayNumberOfIso(`${y}-01-01`);
    const to = dayNumberOfIso(`${y + 1}-01-01`);
    return Array.from({ length: to - from }, (_, i) => ({ day: from + i, ...w.daily(from + i) }));
  };

  it("gives 2 000 to 2 800 DJU base 18 a year", () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const dju = year(seed, 2024).reduce((s, d) => s + degreeDaysMeteo(d), 0);
      expect(dju).toBeGreaterThan(2_000);
      expect(dju).toBeLessThan(2_800);
    }
  });

  it("is coldest in winter and warmest in summer, around a 12 °C mean", () => {
    const days = year(42, 2025);
    const monthMean = (m: number) => {
      const xs = days.filter((d) => monthDay(d.day).month === m);
      return xs.reduce((s, d) => s + d.tmean, 0) / xs.length;
    };
    expect(monthMean(1)).toBeLessThan(7);
    expect(monthMean(7)).toBeGreaterThan(18);
    const mean = days.reduce((s, d) => s + d.tmean, 0) / days.length;
    expect(mean).toBeGreaterThan(10);
    expect(mean).toBeLessThan(15);
  });

  it("changes smoothly from day to day", () => {
    const days = year(3, 2024);
    const anomalies = days.map((d, i) => d.tmean - (days[i - 1]?.tmean ?? d.tmean));
    const jump = Math.sqrt(anomalies.reduce((s, x) => s + x * x, 0) / anomalies.length);
    expect(jump).toBeLessThan(2.5);
  });

  it("has its minimum near 6:00 and its maximum near 15:00, through Tmin and Tmax", () => {
    const w = new Weather(11);
    const day = dayNumberOfIso("2025-03-12");
    const d = w.daily(day);
    const start = dayStart(day, "Europe/Paris");
    expect(w.temperatureAt(start + 6 * 3_600_000)).toBeCloseTo(d.tmin, 6);
    expect(w.temperatureAt(start + 15 * 3_600_000)).toBeCloseTo(d.tmax, 6);
    expect(d.tmean).toBeCloseTo((d.tmin + d.tmax) / 2, 9);
    expect(d.tmax - d.tmin).toBeGreaterThan(2);
  });

  it("counts degree days like Météo-France and COSTIC", () => {
    expect(degreeDaysMeteo({ tmin: 2, tmax: 8, tmean: 5 })).toBe(13);
    expect(degreeDaysMeteo({ tmin: 15, tmax: 25, tmean: 20 })).toBe(0);
    expect(degreeDaysCostic({ tmin: 2, tmax: 8, tmean: 5 })).toBe(13);
    expect(degreeDaysCostic({ tmin: 19, tmax: 25, tmean: 22 })).toBe(0);
    expect(degreeDaysCostic({ tmin: 10, tmax: 20, tmean: 15 })).toBeCloseTo(8 * (0.08 + 0.42 * 0.8), 9);
  });
});

describe("hourly means and other climates", () => {
  const year = (seed: number, climate: Climate) => {
    const w = new Weather(seed, climate);
    const from = dayNumberOfIso("2024-01-01");
    return Array.from({ length: 366 }, (_, i) => ({ ...w.daily(from + i), hourly: w.hourlyMean(from + i) }));
  };
  const cdd = (days: { hourly: number }[], base: number) =>
    days.reduce((s, d) => s + Math.max(0, d.hourly - base), 0);

  it("gives the mean of the day's 24 hourly temperatures, near but not at (Tmin + Tmax)/2", () => {
    const w = new Weather(4);
    const day = dayNumberOfIso("2025-11-20");
    let s = 0;
    for (let h = 0; h < 24; h++) s += w.temperatureAtLocal(day, h + 0.5);
    expect(w.hourlyMean(day)).toBeCloseTo(s / 24, 12);
    const gaps = year(4, LYON).map((d) => d.hourly - d.tmean);
    const rms = Math.sqrt(gaps.reduce((a, g) => a + g * g, 0) / gaps.length);
    expect(Math.abs(gaps.reduce((a, g) => a + g, 0) / gaps.length)).toBeLessThan(0.05);
    expect(rms).toBeGreaterThan(0.1);
    expect(rms).toBeLessThan(0.6);
  });

  it("has hot Marseille summers: a milder heating year and a cooling season", () => {
    for (const seed of [1, 2, 3]) {
      const days = year(seed, MARSEILLE);
      const dju = days.reduce((s, d) => s + degreeDaysMeteo(d), 0);
      expect(dju).toBeGreaterThan(1_200);
      expect(dju).toBeLessThan(1_800);
      // Cooling degree-days above 22 °C on the hourly mean: July and August.
      expect(cdd(days, 22)).toBeGreaterThan(150);
      expect(cdd(days, 22)).toBeLessThan(400);
    }
  });

  it("keeps Fort-de-France above 24 °C: cooling every month, no heating", () => {
    const days = year(7, FORT_DE_FRANCE);
    expect(days.reduce((s, d) => s + degreeDaysMeteo(d), 0)).toBeLessThan(20);
    expect(cdd(days, 22)).toBeGreaterThan(1_400);
    // The days' means straddle the high cooling balance points, so their kink shows.
    const means = days.map((d) => d.hourly);
    expect(Math.min(...means)).toBeLessThan(25);
    expect(Math.max(...means)).toBeGreaterThan(27.5);
  });

  it("moves every temperature by the shift of a shifted climate", () => {
    const a = new Weather(9, LYON).daily(20_000);
    const b = new Weather(9, shiftedClimate(LYON, -1.5)).daily(20_000);
    expect(b.tmin).toBeCloseTo(a.tmin - 1.5, 9);
    expect(b.tmax).toBeCloseTo(a.tmax - 1.5, 9);
  });
});
