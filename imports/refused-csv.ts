// The refused rows of an import as a CSV a spreadsheet opens: file, line, column, reason,
// what to fix, and the row as it was read.
import type { RefusedRow } from "../storage/import-ledger.ts";

export const REFUSED_CSV_HEADER = "file;line;column;reason;detail;row\n";

function field(value: string | number): string {
  let s = String(value);
  // The rows come from the uploaded file: a cell a spreadsheet would run as a formula
  // (=, +, -, @, tab, carriage return first) is prefixed with an apostrophe (OWASP, CSV injection).
  if (typeof value === "number") return s;
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  // Every text quoted: a row excerpt holds the uploaded file's own delimiter (a comma, maybe),
  // which a spreadsheet of another locale would split on if it were not.
  return `"${s.replaceAll('"', '""')}"`;
}

export function refusedCsvRow(file: string, r: RefusedRow): string {
  return `${[file, r.line, r.column, r.reason, r.detail, r.row].map(field).join(";")}\n`;
}
