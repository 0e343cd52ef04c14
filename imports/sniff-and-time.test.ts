import { describe, expect, it } from "vitest";
import { conversionTo, convert } from "../model/units.ts";
import { detectDecimal, detectDelimiter, detectEncoding } from "./sniff.ts";
import { parseTime, type TimeReading } from "./time.ts";
import { headerKey, parseNumber } from "./values.ts";

const paris: TimeReading = { zone: "Europe/Paris", dateIs: "end-of-day" };
const iso = (cell: string, how: TimeReading = paris) => {
  const r = parseTime(cell, how);
  return r.ok ? new Date(r.t).toISOString() : r.detail;
};

describe("sniffing a file", () => {
  it("tells UTF-8 from Windows-1252, even when the sample cuts a character", () => {
    expect(detectEncoding(Buffer.from("Bâtiment;é", "utf8"))).toBe("utf-8");
    expect(detectEncoding(Buffer.from("Bâtiment;é", "utf8").subarray(0, 2))).toBe("utf-8");
    expect(detectEncoding(Buffer.from("Bâtiment;é", "latin1"))).toBe("windows-1252");
  });
  it("takes the delimiter most used outside quotes, and the decimal comma only when no value has a point", () => {
    expect(detectDelimiter('building;space;"a,b,c";time')).toBe(";");
    expect(detectDelimiter("a,b,c")).toBe(",");
    expect(detectDelimiter("a\tb\tc")).toBe("\t");
    expect(detectDelimiter("header")).toBeUndefined();
    expect(detectDecimal(["12,5", "13"], ";")).toBe(",");
    expect(detectDecimal(["12,5", "13.5"], ";")).toBe(".");
    expect(detectDecimal(["12,5"], ",")).toBe(".");
  });
  it("reads numbers as written, refusing thousands separators and words", () => {
    expect(parseNumber(" 12,5 ", ",")).toBe(12.5);
    expect(parseNumber("-3", ",")).toBe(-3);
    expect(parseNumber("1e3", ".")).toBe(1000);
    expect(parseNumber("1 234,5", ",")).toBeUndefined();
    expect(parseNumber("1.234,5", ",")).toBeUndefined();
    expect(parseNumber("12,5", ".")).toBeUndefined();
    expect(parseNumber("12 kWh", ".")).toBeUndefined();
    expect(headerKey("N° Compteur")).toBe("ncompteur");
    expect(headerKey("\ufeffBâtiment")).toBe("batiment");
  });
});

describe("times", () => {
  it("reads offsets, local times across clock changes, French dates and dates alone", () => {
    expect(iso("2025-01-31T23:00:00+01:00")).toBe("2025-01-31T22:00:00.000Z");
    expect(iso("2025-07-01T10:00:00.250Z")).toBe("2025-07-01T10:00:00.250Z");
    expect(iso("2025-07-01 10:00")).toBe("2025-07-01T08:00:00.000Z");
    expect(iso("01/07/2025 10h30")).toBe("2025-07-01T08:30:00.000Z");
    expect(iso("2025-03-30 02:30")).toBe("2025-03-30T01:30:00.000Z");
    expect(iso("2025-10-26 02:30")).toBe("2025-10-26T00:30:00.000Z");
    expect(iso("2025-01-31")).toBe("2025-01-31T22:59:59.000Z");
    expect(iso("31/01/2025", { zone: "Europe/Paris", dateIs: "start-of-day" })).toBe(
      "2025-01-30T23:00:00.000Z",
    );
    expect(iso("2025-06-01", { zone: "America/Martinique", dateIs: "end-of-day" })).toBe(
      "2025-06-02T03:59:59.000Z",
    );
  });
  it("refuses what is not a time of the calendar", () => {
    for (const bad of [
      "2025-02-29",
      "31/04/2025",
      "2025-01-01 24:00",
      "2025-13-01",
      "yesterday",
      "2025-01-01T10:00+25:00",
    ]) {
      expect(parseTime(bad, paris).ok, bad).toBe(false);
    }
  });
});

describe("units", () => {
  it("converts the units files and devices write to the catalogue's, and refuses another quantity's", () => {
    expect(convert(1500, conversionTo("electricity", "Wh")!)).toBe(1.5);
    expect(convert(250, conversionTo("cold_water", "L")!)).toBe(0.25);
    expect(convert(293.15, conversionTo("temperature", "K")!)).toBeCloseTo(20, 9);
    expect(convert(68, conversionTo("outdoor_temperature", "°F")!)).toBeCloseTo(20, 9);
    expect(conversionTo("cold_water", "m³")).toMatchObject({ factor: 1 });
    expect(conversionTo("cold_water", "kWh")).toBeUndefined();
    expect(conversionTo("humidity", "%")).toMatchObject({ unit: "%RH" });
  });
});
