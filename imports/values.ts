// Numbers and header names as people write them in tables.
import type { DecimalSeparator } from "./sniff.ts";

const POINT_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const COMMA_NUMBER = /^[+-]?(?:\d+,?\d*|,\d+)(?:[eE][+-]?\d+)?$/;

/** The number a cell holds, or undefined when it is not one written with `decimal` (thousands
 * separators, units or words in the cell refuse it rather than guess). */
export function parseNumber(cell: string, decimal: DecimalSeparator): number | undefined {
  const s = cell.trim();
  if (decimal === ".") return POINT_NUMBER.test(s) ? Number(s) : undefined;
  return COMMA_NUMBER.test(s) ? Number(s.replace(",", ".")) : undefined;
}

/** A header name as compared: lower case, no accents, no blanks, "_", "-", "." or "°". */
export function headerKey(name: string): string {
  return name
    .normalize("NFD")
    .replace(/\p{Mn}/gu, "")
    .toLowerCase()
    .replace(/[\s_.°-]+/g, "")
    .replace(/^\ufeff/, "");
}
