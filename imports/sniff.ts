// What a table file does not say about itself: its encoding, its delimiter and its decimal
// separator, guessed from its first bytes and lines unless the user declared them.

export type Encoding = "utf-8" | "windows-1252";
export type Delimiter = ";" | "," | "\t" | "|";
export type DecimalSeparator = "." | ",";

export const DELIMITERS: readonly Delimiter[] = [";", ",", "\t", "|"];

/** UTF-8 when the sample decodes as UTF-8 (a sequence cut at the sample's end is allowed),
 * else Windows-1252, the encoding of French spreadsheets saved as "CSV (séparateur: point-virgule)". */
export function detectEncoding(sample: Uint8Array): Encoding {
  try {
    new TextDecoder("utf-8", { fatal: true }).decode(sample, { stream: true });
    return "utf-8";
  } catch {
    return "windows-1252";
  }
}

/** The delimiter most frequent outside quotes in the header line; undefined when none occurs. */
export function detectDelimiter(headerLine: string): Delimiter | undefined {
  const counts = new Map<Delimiter, number>();
  let quoted = false;
  for (const c of headerLine) {
    if (c === '"') quoted = !quoted;
    else if (!quoted && (DELIMITERS as readonly string[]).includes(c)) {
      counts.set(c as Delimiter, (counts.get(c as Delimiter) ?? 0) + 1);
    }
  }
  let best: Delimiter | undefined;
  for (const d of DELIMITERS) if ((counts.get(d) ?? 0) > (best ? (counts.get(best) ?? 0) : 0)) best = d;
  return best;
}

const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const DECIMAL_POINT = /^[+-]?\d*\.\d+(?:[eE][+-]?\d+)?$/;

/** Decimal comma when some sample value is written "12,5" and none "12.5"; with a "," delimiter
 * a comma cannot be decimal. */
export function detectDecimal(values: readonly string[], delimiter: Delimiter): DecimalSeparator {
  if (delimiter === ",") return ".";
  let commas = 0;
  let points = 0;
  for (const raw of values) {
    const v = raw.trim();
    if (DECIMAL_COMMA.test(v)) commas++;
    else if (DECIMAL_POINT.test(v)) points++;
  }
  return commas > 0 && points === 0 ? "," : ".";
}
