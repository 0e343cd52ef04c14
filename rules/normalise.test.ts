import { describe, expect, it } from "vitest";
import { evidenceSchema } from "./evidence.ts";
import { normalYearUse } from "./normalise.ts";

describe("normal-year use", () => {
  it("turns a winter into a normal year through its degree-days", () => {
    // use = 2 + 0.5·DJU exactly → NAC = 365·2 + 0.5·2 400 = 1 930
    const dju = [0, 4, 8, 12, 16, 20];
    const use = dju.map((d) => 2 + 0.5 * d);
    const n = normalYearUse(use, dju, 2400, true);
    expect(n?.model).toBe("hdd");
    expect(n?.perYear).toBeCloseTo(1930, 9);
  });

  it("uses 365 × the daily mean for quantities that do not follow the weather, skipping gaps", () => {
    const n = normalYearUse([0.2, null, 0.4], [10, 10, 10], 2400, false);
    expect(n?.perYear).toBeCloseTo(109.5, 9);
    expect(n).toMatchObject({ days: 2, model: "mean" });
  });

  it("falls back to the mean when use does not rise with the cold", () => {
    const n = normalYearUse([5, 4, 3], [0, 5, 10], 2400, true);
    expect(n?.model).toBe("mean");
  });
});

describe("evidence at the edge", () => {
  it("wants one value (or null) per day in every series", () => {
    const r = evidenceSchema.safeParse({
      days: ["2025-01-01", "2025-01-02"],
      outdoor: [
        { date: "2025-01-01", tmin: 1, tmax: 5 },
        { date: "2025-01-02", tmin: 2, tmax: 6 },
      ],
      series: [{ space: "a-101", quantity: "heating_energy", daily: [3] }],
    });
    expect(r.error?.issues[0]?.message).toMatch(/one value \(or null\) per day/);
  });
});
