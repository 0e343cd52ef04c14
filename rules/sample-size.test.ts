import { describe, expect, it } from "vitest";
import { daysNeeded, dwellingsPerArm } from "./sample-size.ts";

describe("sample size", () => {
  it("n = 2(z₀.₉₅ + z₀.₈)² σ²/Δ²", () => {
    // 2 × (1.644854 + 0.841621)² × 100 / 25 = 49.46 → 50
    expect(dwellingsPerArm(10, 5, 0.9, 0.8)).toBe(50);
    expect(dwellingsPerArm(10, 0, 0.9, 0.8)).toBe(Number.POSITIVE_INFINITY);
  });

  it("half-widths shrink as 1/√m", () => {
    expect(daysNeeded(365, 20, 10)).toBe(1460);
  });
});
