// The long CSV: one reading per row, naming its building, space and sensor.
import { type ColumnName, locateColumns } from "../header.ts";
import type { DecimalSeparator } from "../sniff.ts";
import { type TimeReading, timeParser } from "../time.ts";
import { type RowReader, type RowResult, refusal, shortRow } from "../types.ts";
import { parseNumber } from "../values.ts";

const REQUIRED: readonly ColumnName[] = ["building", "space", "sensor", "time", "value"];

export function longReader(
  header: readonly string[],
  time: TimeReading,
): RowReader | { missing: ColumnName[] } {
  const at = locateColumns(header);
  const missing = REQUIRED.filter((c) => at[c] === undefined);
  if (missing.length > 0) return { missing };
  const [b, s, n, tc, vc] = REQUIRED.map((c) => at[c]!) as [number, number, number, number, number];
  const uc = at.unit;
  const parseTime = timeParser(time);
  const needed = Math.max(b, s, n, tc, vc) + 1;
  return {
    format: "long",
    valueCells: (cells) => (cells[vc] === undefined ? [] : [cells[vc]]),
    read(cells, decimal: DecimalSeparator): RowResult {
      const result: RowResult = { candidates: [], refusals: [], skipped: 0 };
      if (cells.length < needed) {
        result.refusals.push(shortRow(cells.length, header.length));
        return result;
      }
      const rawValue = cells[vc]!.trim();
      if (rawValue === "") {
        result.skipped = 1;
        result.skippedAs = "empty values";
        return result;
      }
      const parsed = parseTime(cells[tc]!);
      if (!parsed.ok) {
        result.refusals.push(refusal("bad_time", parsed.detail));
        return result;
      }
      const v = parseNumber(rawValue, decimal);
      if (v === undefined) {
        result.refusals.push(refusal("bad_number", notANumber(rawValue, decimal)));
        return result;
      }
      const unit = uc === undefined ? undefined : cells[uc]?.trim() || undefined;
      const candidate = {
        building: cells[b]!.trim(),
        space: cells[s]!.trim(),
        sensor: cells[n]!.trim(),
        t: parsed.t,
        v,
      };
      result.candidates.push(unit === undefined ? candidate : { ...candidate, unit });
      return result;
    },
  };
}

export function notANumber(raw: string, decimal: DecimalSeparator): string {
  return `${JSON.stringify(raw.slice(0, 40))} is not a number written with a decimal ${decimal === "," ? "comma" : "point"}${
    decimal === "," ? " (1234,5)" : " (1234.5)"
  }; no thousands separators, units or words in the cell (declare --decimal if the guess is wrong)`;
}
