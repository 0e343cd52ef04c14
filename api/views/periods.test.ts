// Months as tenants read them: whole months in the past, the first full days of a running one,
// the month before across a new year, and Paris midnights around the clock change.
import { describe, expect, it } from "vitest";
import { defaultMonth, monthPeriods } from "./periods.ts";

const PARIS = "Europe/Paris";

describe("monthPeriods", () => {
  it("a past month is whole, compared with the month before and the same month a year earlier", () => {
    const p = monthPeriods("2025-01", Date.parse("2025-06-10T12:00:00Z"), PARIS);
    expect(p.partial).toBe(false);
    expect(p.current).toMatchObject({ from: "2025-01-01", to: "2025-02-01", days: 31 });
    expect(p.previousMonth).toMatchObject({ from: "2024-12-01", to: "2025-01-01", days: 31 });
    expect(p.lastYear).toMatchObject({ from: "2024-01-01", to: "2024-02-01", days: 31 });
    // Paris midnight of 1 January is 23:00 UTC the day before.
    expect(new Date(p.current.fromMs).toISOString()).toBe("2024-12-31T23:00:00.000Z");
  });

  it("a running month covers its full days so far, and so do the periods it is compared with", () => {
    const p = monthPeriods("2025-03", Date.parse("2025-03-15T10:00:00Z"), PARIS);
    expect(p.partial).toBe(true);
    expect(p.current).toMatchObject({ from: "2025-03-01", to: "2025-03-15", days: 14 });
    expect(p.previousMonth).toMatchObject({ from: "2025-02-01", to: "2025-02-15", days: 14 });
    expect(p.lastYear).toMatchObject({ from: "2024-03-01", to: "2024-03-15", days: 14 });
  });

  it("a month that spans the clock change ends at the right Paris midnight", () => {
    const p = monthPeriods("2025-03", Date.parse("2025-05-01T00:00:00Z"), PARIS);
    expect(new Date(p.current.toMs).toISOString()).toBe("2025-03-31T22:00:00.000Z");
  });

  it("a month that has not started is refused", () => {
    expect(() => monthPeriods("2026-01", Date.parse("2025-12-31T12:00:00Z"), PARIS)).toThrow(/not started/);
  });

  it("with no month asked, the current one once a day of it is over, else the one before", () => {
    expect(defaultMonth(Date.parse("2025-03-15T10:00:00Z"), PARIS)).toBe("2025-03");
    expect(defaultMonth(Date.parse("2025-01-01T10:00:00Z"), PARIS)).toBe("2024-12");
  });
});
