// Which format a header line announces, and where its columns are.
import { headerKey } from "./values.ts";

/** Accepted names of each column (compared by headerKey). */
export const COLUMN_NAMES = {
  building: ["building", "batiment", "bat", "immeuble"],
  space: ["space", "logement", "dwelling", "lot"],
  sensor: ["sensor", "capteur"],
  time: ["time", "date", "horodatage", "datetime", "dateheure", "timestamp"],
  value: ["value", "valeur", "index"],
  unit: ["unit", "unite"],
  meter: ["meter", "compteur", "numerocompteur", "ncompteur", "numcompteur", "meternumber"],
} as const;

export type ColumnName = keyof typeof COLUMN_NAMES;

/** The index of each known column in a header (first match wins). */
export function locateColumns(header: readonly string[]): Partial<Record<ColumnName, number>> {
  const keys = header.map(headerKey);
  const found: Partial<Record<ColumnName, number>> = {};
  for (const [name, aliases] of Object.entries(COLUMN_NAMES) as [ColumnName, readonly string[]][]) {
    const i = keys.findIndex((k) => aliases.includes(k));
    if (i >= 0) found[name] = i;
  }
  return found;
}

export function hasColumn(header: readonly string[], name: string): boolean {
  return header.some((h) => headerKey(h) === headerKey(name));
}
