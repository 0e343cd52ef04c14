// Weather normalisation of one dwelling's use over one period: a regression of daily use on
// degree-days (base 18 °C) turned into a normal-year figure, NAC = 365·a + b·DJU_normal (the
// PRISM idea). Comparing normal-year figures lets a pilot whose periods had different winters,
// or a reporting period shorter than a year, be read as a yearly saving without annualising a
// partial period naively. Quantities that do not follow the weather use 365 × the daily mean.
import { ols, RegressionError } from "./regression.ts";
import { mean } from "./stats.ts";

export interface NormalisedUse {
  /** Normal-year use, in the quantity's unit per year. */
  perYear: number;
  days: number;
  model: "hdd" | "mean";
}

/** `use` and `dju` are aligned daily values over the period; null use is skipped. */
export function normalYearUse(
  use: readonly (number | null)[],
  dju: readonly number[],
  normalYearDju: number,
  weatherDependent: boolean,
): NormalisedUse | null {
  const ys: number[] = [];
  const xs: number[] = [];
  use.forEach((v, i) => {
    if (v !== null) {
      ys.push(v);
      xs.push(dju[i]!);
    }
  });
  if (ys.length === 0) return null;
  if (weatherDependent && ys.length > 2) {
    try {
      const f = ols(
        xs.map((x) => [1, x]),
        ys,
      );
      const [a, b] = f.coefficients as [number, number];
      if (b > 0) return { perYear: 365 * a + b * normalYearDju, days: ys.length, model: "hdd" };
    } catch (e) {
      if (!(e instanceof RegressionError)) throw e;
    }
  }
  return { perYear: 365 * mean(ys), days: ys.length, model: "mean" };
}
