import { parse } from "csv-parse/sync";
import { describe, expect, it } from "vitest";
import { REFUSED_CSV_HEADER, refusedCsvRow } from "./refused-csv.ts";

describe("the refused rows' CSV", () => {
  it("quotes what needs it and defuses cells a spreadsheet would run as formulas", () => {
    const text =
      REFUSED_CSV_HEADER +
      refusedCsvRow('=HYPERLINK("x").csv', {
        line: 3,
        column: "",
        reason: "bad_number",
        detail: 'said "no"; twice',
        row: "=cmd|' /C calc'!A0;x\nnext",
      }) +
      refusedCsvRow("f.csv", {
        line: 4,
        column: "02/01/2025",
        reason: "unknown_meter",
        detail: "@SUM(1)",
        row: "-3;+4",
      });
    const rows = parse(text, { delimiter: ";" }) as string[][];
    expect(rows[0]).toEqual(["file", "line", "column", "reason", "detail", "row"]);
    expect(rows[1]).toEqual([
      '\'=HYPERLINK("x").csv',
      "3",
      "",
      "bad_number",
      'said "no"; twice',
      "'=cmd|' /C calc'!A0;x\nnext",
    ]);
    expect(rows[2]).toEqual(["f.csv", "4", "02/01/2025", "unknown_meter", "'@SUM(1)", "'-3;+4"]);
  });
});
