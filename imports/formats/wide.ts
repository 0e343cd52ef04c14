// The wide meter-index CSV: one row per meter (by its number, or by building, space and
// sensor), one column per reading date holding the meter's index then.
import type { SiteRegistry } from "../../model/registry.ts";
import { locateColumns } from "../header.ts";
import type { DecimalSeparator } from "../sniff.ts";
import { parseTime, type TimeReading } from "../time.ts";
import { type Candidate, type RowReader, type RowResult, refusal, shortRow } from "../types.ts";
import { parseNumber as parseNumberCell } from "../values.ts";
import { notANumber } from "./long.ts";

export type WideHeaderProblem = { missing: string };

export function wideReader(
  header: readonly string[],
  time: TimeReading,
  registry: SiteRegistry,
): RowReader | WideHeaderProblem {
  const at = locateColumns(header);
  const byNumber = at.meter !== undefined;
  if (!byNumber && (at.building === undefined || at.space === undefined || at.sensor === undefined)) {
    return {
      missing:
        "a meter column (meter, compteur, numéro compteur) or the three columns building, space and sensor",
    };
  }
  const dates: { index: number; t: number; name: string }[] = [];
  header.forEach((name, index) => {
    const parsed = parseTime(name, time);
    if (parsed.ok) dates.push({ index, t: parsed.t, name: name.trim() });
  });
  if (dates.length === 0) {
    return { missing: "columns whose headers are reading dates (2025-01-31 or 31/01/2025)" };
  }
  const idColumns = byNumber ? [at.meter!] : [at.building!, at.space!, at.sensor!];
  const needed = Math.max(...idColumns) + 1;
  return {
    format: "wide",
    valueCells: (cells) => dates.map((d) => cells[d.index] ?? "").filter((c) => c.trim() !== ""),
    read(cells, decimal: DecimalSeparator): RowResult {
      const result: RowResult = { candidates: [], refusals: [], skipped: 0 };
      if (cells.length < needed) {
        result.refusals.push(shortRow(cells.length, header.length));
        return result;
      }
      let where: Pick<Candidate, "building" | "space" | "sensor">;
      if (byNumber) {
        const number = cells[at.meter!]!.trim();
        const found = registry.meter(number);
        if (!found) {
          result.refusals.push(
            refusal(
              "unknown_meter",
              `no sensor of the site has meter number ${JSON.stringify(number)}; give it to its sensor in the site file (meter: "${number}")`,
            ),
          );
          return result;
        }
        where = { building: found.building, space: found.space, sensor: found.sensor.id };
      } else {
        where = {
          building: cells[at.building!]!.trim(),
          space: cells[at.space!]!.trim(),
          sensor: cells[at.sensor!]!.trim(),
        };
      }
      const unit = at.unit === undefined ? undefined : cells[at.unit]?.trim() || undefined;
      for (const date of dates) {
        const raw = (cells[date.index] ?? "").trim();
        if (raw === "") {
          result.skipped++;
          continue;
        }
        const v = parseNumberCell(raw, decimal);
        if (v === undefined) {
          result.refusals.push(refusal("bad_number", notANumber(raw, decimal), date.name));
          continue;
        }
        const candidate: Candidate = { ...where, t: date.t, v, column: date.name };
        if (unit !== undefined) candidate.unit = unit;
        result.candidates.push(candidate);
      }
      if (result.skipped > 0) result.skippedAs = "empty cells";
      return result;
    },
  };
}
