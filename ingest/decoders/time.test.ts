import { describe, expect, it } from "vitest";
import { nanosecondsToMs, parseRfc3339 } from "./time.ts";

describe("parseRfc3339", () => {
  it.each([
    ["2024-11-28T14:00:00Z", Date.UTC(2024, 10, 28, 14)],
    ["2024-11-28t14:00:00z", Date.UTC(2024, 10, 28, 14)],
    ["2024-11-28 14:00:00Z", Date.UTC(2024, 10, 28, 14)],
    ["2024-11-28T15:00:00+01:00", Date.UTC(2024, 10, 28, 14)],
    ["2024-11-28T09:30:00-04:30", Date.UTC(2024, 10, 28, 14)],
    ["2024-11-28T14:00:00.25Z", Date.UTC(2024, 10, 28, 14) + 250],
    ["2024-11-28T14:00:00.123456789Z", Date.UTC(2024, 10, 28, 14) + 123],
    ["2024-11-28T14:00:00.9996Z", Date.UTC(2024, 10, 28, 14, 0, 1)],
    ["2024-02-29T00:00:00Z", Date.UTC(2024, 1, 29)],
    ["2016-12-31T23:59:60Z", Date.UTC(2017, 0, 1)],
    ["0050-01-01T00:00:00Z", Date.parse("0050-01-01T00:00:00Z")],
  ])("reads %s", (text, ms) => {
    expect(parseRfc3339(text)).toBe(ms);
  });

  it.each([
    "2024-11-28",
    "2024-11-28T14:00Z",
    "2024-11-28T14:00:00",
    "2024-13-01T00:00:00Z",
    "2023-02-29T00:00:00Z",
    "2024-04-31T00:00:00Z",
    "2024-11-28T24:00:00Z",
    "2024-11-28T14:00:00+24:00",
    "1732800000000",
    " 2024-11-28T14:00:00Z",
  ])("refuses %s", (text) => {
    expect(parseRfc3339(text)).toBeUndefined();
  });
});

describe("nanosecondsToMs", () => {
  it("divides exactly, rounding half away from zero", () => {
    expect(nanosecondsToMs("1732800000123456789")).toBe(1_732_800_000_123);
    expect(nanosecondsToMs("1732800000123500000")).toBe(1_732_800_000_124);
    expect(nanosecondsToMs("1732800000123499999")).toBe(1_732_800_000_123);
    expect(nanosecondsToMs("9223372036854775806")).toBe(9_223_372_036_855);
    expect(nanosecondsToMs("499999")).toBe(0);
    expect(nanosecondsToMs("500000")).toBe(1);
    expect(nanosecondsToMs("-1500000")).toBe(-2);
    expect(nanosecondsToMs("0")).toBe(0);
  });

  it("refuses what is not an integer of at most 19 digits", () => {
    for (const s of ["", "-", "1.5", "1e18", "12345678901234567890", "+1", " 1"])
      expect(nanosecondsToMs(s)).toBeUndefined();
  });
});
