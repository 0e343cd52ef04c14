import { describe, expect, it } from "vitest";
import { dwellingsPerArm, metersNeeded } from "./sample-size.ts";

describe("sample size", () => {
  it("n = 2(z₀.₉₅ + z₀.₈)² σ²/Δ²", () => {
    // 2 × (1.644854 + 0.841621)² × 100 / 25 = 49.46 → 50
    expect(dwellingsPerArm(10, 5, 0.9, 0.8)).toBe(50);
    expect(dwellingsPerArm(10, 0, 0.9, 0.8)).toBe(Number.POSITIVE_INFINITY);
  });

  it("a before/after's per-dwelling half-width shrinks as 1/√meters", () => {
    // 3 meters, half-width 20 against a gap of 10: 3 · (20/10)² = 12 meters
    expect(metersNeeded(3, 20, 10)).toBe(12);
    expect(metersNeeded(3, 20, 0)).toBe(Number.POSITIVE_INFINITY);
  });
});
