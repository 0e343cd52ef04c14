import { describe, expect, it } from "vitest";
import { inHeatingSeason } from "./heating-season.ts";

describe("the heating season", () => {
  it("runs from 1 October to 20 May inclusive", () => {
    expect(inHeatingSeason({ month: 9, day: 30 })).toBe(false);
    expect(inHeatingSeason({ month: 10, day: 1 })).toBe(true);
    expect(inHeatingSeason({ month: 1, day: 15 })).toBe(true);
    expect(inHeatingSeason({ month: 5, day: 20 })).toBe(true);
    expect(inHeatingSeason({ month: 7, day: 1 })).toBe(false);
  });

  it("ends on 20 May, not at the end of the month", () => {
    // The alerts used to round the season to whole months (alerts/building-alerts.test.ts
    // checks them on 20 and 21 May); the simulators used the real dates.
    expect(inHeatingSeason({ month: 5, day: 21 })).toBe(false);
    expect(inHeatingSeason({ month: 5, day: 31 })).toBe(false);
  });
});
