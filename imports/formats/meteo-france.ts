// Météo-France's climatological files from meteo.data.gouv.fr: department files of every
// station, daily (AAAAMMJJ, TN and TX) or hourly (AAAAMMJJHH in UTC, T), a quality code beside
// each value. Rows go to the outdoor sensors of the buildings whose site entry names the station.
import type { SiteRegistry } from "../../model/registry.ts";
import { localInstant } from "../../model/time-zone.ts";
import type { DecimalSeparator } from "../sniff.ts";
import { parseCompactUtc } from "../time.ts";
import { type Candidate, type RowReader, type RowResult, refusal } from "../types.ts";
import { headerKey, parseNumber } from "../values.ts";
import { notANumber } from "./long.ts";

/** Local hours the daily minimum and maximum are stamped at: when they fall in a typical day. */
export const DAILY_MINIMUM_HOUR = 6;
export const DAILY_MAXIMUM_HOUR = 15;

/** Quality code 2: "douteuse, en cours de vérification". 0, 1 and 9 are protected, validated, filtered. */
const DOUBTFUL = "2";

export function isMeteoFranceHeader(header: readonly string[]): "daily" | "hourly" | undefined {
  const keys = new Set(header.map(headerKey));
  if (!keys.has("numposte")) return undefined;
  if (keys.has("aaaammjjhh")) return "hourly";
  if (keys.has("aaaammjj")) return "daily";
  return undefined;
}

interface Measure {
  name: string;
  value: number;
  quality: number | undefined;
  /** The local hour it is stamped at (daily), or undefined for the row's own hour (hourly). */
  localHour?: number;
}

export function meteoFranceReader(
  header: readonly string[],
  kind: "daily" | "hourly",
  registry: SiteRegistry,
): RowReader | { missing: string } {
  const keys = header.map(headerKey);
  const col = (name: string) => {
    const i = keys.indexOf(headerKey(name));
    return i < 0 ? undefined : i;
  };
  const station = col("NUM_POSTE")!;
  const date = col(kind === "daily" ? "AAAAMMJJ" : "AAAAMMJJHH")!;
  const measures: Measure[] = [];
  const names = kind === "daily" ? ["TN", "TX"] : ["T"];
  for (const name of names) {
    const value = col(name);
    if (value === undefined) continue;
    const m: Measure = { name, value, quality: col(`Q${name}`) };
    if (kind === "daily") m.localHour = name === "TN" ? DAILY_MINIMUM_HOUR : DAILY_MAXIMUM_HOUR;
    measures.push(m);
  }
  if (measures.length === 0) {
    return { missing: kind === "daily" ? "the columns TN and TX" : "the column T" };
  }
  const zone = registry.site.timezone;
  return {
    format: kind === "daily" ? "meteo-france-daily" : "meteo-france-hourly",
    valueCells: (cells) => measures.map((m) => cells[m.value] ?? "").filter((c) => c.trim() !== ""),
    read(cells, decimal: DecimalSeparator): RowResult {
      const result: RowResult = { candidates: [], refusals: [], skipped: 0 };
      const fed = registry.fedBy((cells[station] ?? "").trim());
      if (fed.length === 0) {
        result.skipped = 1;
        result.skippedAs = "rows of stations no building names";
        return result;
      }
      const day = parseCompactUtc(cells[date] ?? "");
      if (!day || (kind === "hourly") !== (day.h !== undefined)) {
        result.refusals.push(
          refusal(
            "bad_time",
            `${JSON.stringify((cells[date] ?? "").slice(0, 20))} is not a ${kind === "daily" ? "day AAAAMMJJ" : "UTC hour AAAAMMJJHH"}`,
          ),
        );
        return result;
      }
      for (const m of measures) {
        const raw = (cells[m.value] ?? "").trim();
        if (raw === "") {
          result.skipped++;
          continue;
        }
        if (m.quality !== undefined && (cells[m.quality] ?? "").trim() === DOUBTFUL) {
          result.refusals.push(
            refusal(
              "doubtful_value",
              `${m.name} ${raw} has quality code 2 (doubtful, being checked by Météo-France); import the file again once it is validated`,
              m.name,
            ),
          );
          continue;
        }
        const v = parseNumber(raw, decimal);
        if (v === undefined) {
          result.refusals.push(refusal("bad_number", notANumber(raw, decimal), m.name));
          continue;
        }
        const t =
          m.localHour === undefined
            ? Date.UTC(day.y, day.mo - 1, day.d, day.h)
            : localInstant(zone, day.y, day.mo, day.d, m.localHour);
        for (const target of fed) {
          const candidate: Candidate = {
            building: target.building,
            space: target.space,
            sensor: target.sensor.id,
            t,
            v,
            unit: "Cel",
            column: m.name,
          };
          result.candidates.push(candidate);
        }
      }
      if (result.skipped > 0) result.skippedAs = "empty values";
      return result;
    },
  };
}
