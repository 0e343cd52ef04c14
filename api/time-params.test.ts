// Query-string instants: the accepted forms, and a clear refusal of everything else.
import { describe, expect, it } from "vitest";
import { localMidnight } from "../model/time-zone.ts";
import { instantIn, instantParam } from "./time-params.ts";
import { monthSchema } from "./views/periods.ts";

describe("instantParam", () => {
  const parse = (s: string) => instantParam.safeParse(s);
  const at = (s: string, zone = "Europe/Paris") => {
    const parsed = parse(s);
    return parsed.success ? instantIn(parsed.data, zone) : undefined;
  };

  it("reads date-times with an offset, local days of the site and milliseconds", () => {
    expect(at("2025-01-31T23:00:00Z")).toBe(Date.UTC(2025, 0, 31, 23));
    expect(at("2025-02-01T00:00:00+01:00")).toBe(Date.UTC(2025, 0, 31, 23));
    // A day is the site's day: Paris midnight, not UTC's (29 March 2026 starts at 23:00 UTC).
    expect(at("2026-03-29")).toBe(localMidnight(2026, 3, 29, "Europe/Paris"));
    expect(at("2026-03-29")).toBe(Date.UTC(2026, 2, 28, 23));
    expect(at("1735686000000")).toBe(1_735_686_000_000);
  });

  it("turns a local day into its midnight in the site's zone, instants staying what they are", () => {
    expect(at("2026-03-29", "America/Martinique")).toBe(Date.UTC(2026, 2, 29, 4));
    expect(at("2026-03-29", "Indian/Reunion")).toBe(Date.UTC(2026, 2, 28, 20));
    expect(at("2026-03-29T00:00:00Z", "Indian/Reunion")).toBe(Date.UTC(2026, 2, 29));
    // Every day of the supported years, even where its midnight falls in 1969 UTC.
    expect(at("1970-01-01", "Indian/Reunion")).toBe(Date.UTC(1969, 11, 31, 20));
    expect(parse("2200-01-01").success).toBe(false);
  });

  it("refuses what the stores cannot answer for, and what only Date.parse would guess", () => {
    for (const bad of [
      "9999999999999999",
      "+275760-09-13T00:00:00Z",
      "-271821-04-20T00:00:00Z",
      "' OR '1'='1",
      "2025-01-31T23:00:00", // no offset
      "2025-02-30",
      "01/02/2025",
      "Tue, 01 Apr 2025 10:00:00 GMT",
      "2200-01-01T00:00:00Z",
    ]) {
      const result = parse(bad);
      expect(result.success, bad).toBe(false);
      expect(result.error?.issues[0]?.message, bad).toMatch(/expected/);
    }
  });
});

describe("monthSchema", () => {
  it("refuses months outside 1970-2199", () => {
    expect(monthSchema.safeParse("0000-01").success).toBe(false);
    expect(monthSchema.safeParse("9999-12").success).toBe(false);
    expect(monthSchema.safeParse("2025-01").success).toBe(true);
  });
});
