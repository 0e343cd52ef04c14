// Quoting for InfluxQL: every identifier and string a caller provides goes through these, so a
// value comes back exactly as sent and can never end a literal early or add a statement.

function escapeBody(text: string): string {
  // InfluxQL's scanner accepts \\ \" \' and \n inside quotes and refuses a raw line break.
  return text.replace(/[\\"'\n]/g, (c) => (c === "\n" ? "\\n" : `\\${c}`));
}

/** A double-quoted identifier: measurement, tag key, field key, database, retention policy. */
export function quoteIdent(name: string): string {
  return `"${escapeBody(name)}"`;
}

/** A single-quoted string literal, e.g. a tag value in WHERE. */
export function quoteString(value: string): string {
  return `'${escapeBody(value)}'`;
}

/** A time literal in ms, exact for any safe integer (InfluxQL reads "1000ms" as a duration from epoch). */
export function timeLiteral(ms: number): string {
  if (!Number.isSafeInteger(ms)) throw new RangeError(`time must be an integer number of ms, got ${ms}`);
  return `${ms}ms`;
}

/** "rp"."measurement", or just "measurement" for the database's default retention policy. */
export function qualifiedMeasurement(measurement: string, retentionPolicy?: string): string {
  return retentionPolicy === undefined
    ? quoteIdent(measurement)
    : `${quoteIdent(retentionPolicy)}.${quoteIdent(measurement)}`;
}
