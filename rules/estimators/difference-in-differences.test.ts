import { describe, expect, it } from "vitest";
import { tQuantile } from "../stats.ts";
import { differenceInDifferences } from "./difference-in-differences.ts";

describe("difference in differences", () => {
  it("matches known means and variances (Welch)", () => {
    // Treated changes: mean −10, variance 10; control: mean 0, variance 5; n = 5 each.
    const r = differenceInDifferences([-10, -12, -8, -14, -6], [-1, 1, -3, 3, 0], 0.9);
    expect(r.estimate).toBe(-10);
    expect(r.se).toBeCloseTo(Math.sqrt(10 / 5 + 5 / 5), 12);
    // Welch–Satterthwaite: 3² / (2²/4 + 1²/4) = 7.2
    expect(r.df).toBeCloseTo(7.2, 12);
    const t = tQuantile(0.95, 7.2);
    expect(t).toBeGreaterThan(1.8595); // t(0.95, 8)
    expect(t).toBeLessThan(1.8946); // t(0.95, 7)
    expect(r.lower).toBeCloseTo(-10 - t * Math.sqrt(3), 12);
    expect(r.upper).toBeCloseTo(-10 + t * Math.sqrt(3), 12);
    expect(r.sdTreated).toBeCloseTo(Math.sqrt(10), 12);
  });
});
