import { describe, expect, it } from "vitest";
import { ols, RegressionError } from "./regression.ts";

describe("ordinary least squares", () => {
  it("recovers exact coefficients", () => {
    const x = [0, 1, 2, 3, 4].map((v) => [1, v]);
    const f = ols(
      x,
      [0, 1, 2, 3, 4].map((v) => 2 + 3 * v),
    );
    expect(f.coefficients[0]).toBeCloseTo(2, 10);
    expect(f.coefficients[1]).toBeCloseTo(3, 10);
    expect(f.rSquared).toBeCloseTo(1, 12);
  });

  it("matches a fit worked by hand", () => {
    // x = 1..5, y = 2,4,5,4,5: Sxy = 6, Sxx = 10 → b = 0.6, a = 2.2; SSE = 2.4, SST = 6.
    const f = ols(
      [1, 2, 3, 4, 5].map((v) => [1, v]),
      [2, 4, 5, 4, 5],
    );
    expect(f.coefficients[0]).toBeCloseTo(2.2, 12);
    expect(f.coefficients[1]).toBeCloseTo(0.6, 12);
    expect(f.residuals.map((r) => Number(r.toFixed(10)))).toEqual([-0.8, 0.6, 1, -0.6, -0.2]);
    expect(f.rSquared).toBeCloseTo(0.6, 12);
    expect(f.adjustedRSquared).toBeCloseTo(1 - (0.4 * 4) / 3, 12);
    expect(f.mse).toBeCloseTo(0.8, 12);
    expect(f.standardErrors[1]).toBeCloseTo(Math.sqrt(0.08), 12);
    expect(f.standardErrors[0]).toBeCloseTo(Math.sqrt(0.88), 12);
  });

  it("refuses a collinear design with a typed error", () => {
    expect(() =>
      ols(
        [1, 1, 1, 1].map((v) => [1, v * 0]),
        [1, 2, 3, 4],
      ),
    ).toThrow(RegressionError);
  });
});
