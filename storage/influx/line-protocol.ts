// InfluxDB line protocol encoding: escaping of names, tag values and string fields, and the
// reversible encoding that lets any id be a tag value even where line protocol cannot carry it.

/** A field value: numbers are written as floats, strings quoted, booleans as t/f. */
export type FieldValue = number | string | boolean;

export interface Point {
  measurement: string;
  /** Tag values must be non-empty and free of line breaks: pass ids through encodeTagValue. */
  tags: Record<string, string>;
  fields: Record<string, FieldValue>;
  /** Integer timestamp in the precision of the write request. */
  time: number | bigint;
}

/** Measurements: commas and spaces are escaped. */
export function escapeMeasurement(name: string): string {
  return name.replace(/[, ]/g, (c) => `\\${c}`);
}

/** Tag keys, tag values and field keys: commas, equals signs and spaces are escaped. */
export function escapeKey(key: string): string {
  return key.replace(/[,= ]/g, (c) => `\\${c}`);
}

/** String field values: double quotes and backslashes are escaped; line breaks may stay raw. */
export function quoteStringField(value: string): string {
  return `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}

// Line protocol cannot carry a tag value that is empty, holds a line break, ends with a
// backslash or has one before a comma, an equals sign, a blank or another backslash (the parser
// reads "\," and "\ " as escapes, so "\\ " is ambiguous). Such values, and values starting with
// the marker, are stored as the marker followed by their percent-encoding; every other value is
// stored as is, so Grafana and InfluxQL users see ordinary ids unchanged.
const MARKER = "\u{E000}";
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what cannot be carried
const NOT_PLAIN = /^$|^\u{E000}|[\u0000-\u001f\u007f]|\\$|\\(?=[,= \\])/u;

/** The tag value under which `value` is stored; injective, reversed by decodeTagValue. */
export function encodeTagValue(value: string): string {
  return NOT_PLAIN.test(value) ? MARKER + encodeURIComponent(value) : value;
}

export function decodeTagValue(stored: string): string {
  return stored.startsWith(MARKER) ? decodeURIComponent(stored.slice(MARKER.length)) : stored;
}

/** A float field's value as line protocol writes it. */
export function formatFloat(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError("line protocol cannot carry NaN or infinite values");
  // String(1e21) is "1e+21", which InfluxDB parses as a float; integers without "i" are floats too.
  return String(value);
}

function formatField(value: FieldValue): string {
  if (typeof value === "string") return quoteStringField(value);
  if (typeof value === "boolean") return value ? "t" : "f";
  return formatFloat(value);
}

function encodeSeries(measurement: string, tags: Record<string, string>): string {
  let line = escapeMeasurement(measurement);
  for (const key of Object.keys(tags).sort()) {
    line += `,${escapeKey(key)}=${escapeKey(tags[key]!)}`;
  }
  return line;
}

/**
 * Everything before the value of a point with one field: `measurement,tags field=`. A writer
 * encodes it once per series and appends formatFloat(value), a space and the time per point.
 */
export function encodeSeriesPrefix(measurement: string, tags: Record<string, string>, field: string): string {
  return `${encodeSeries(measurement, tags)} ${escapeKey(field)}=`;
}

/** One line, without the trailing newline. Tags are sorted by key, as InfluxDB recommends. */
export function encodePoint(point: Point): string {
  const fields = Object.entries(point.fields).map(([k, v]) => `${escapeKey(k)}=${formatField(v)}`);
  if (fields.length === 0) throw new RangeError("a point needs at least one field");
  return `${encodeSeries(point.measurement, point.tags)} ${fields.join(",")} ${point.time}`;
}
