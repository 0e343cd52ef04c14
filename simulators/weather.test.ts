import { describe, expect, it } from "vitest";
import { dayNumberOfIso, dayStart, monthDay } from "./calendar.ts";
import { createRng, hashOf, normalAt } from "./random.ts";
import { degreeDaysCostic, degreeDaysMeteo, Weather } from "./weather.ts";

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
