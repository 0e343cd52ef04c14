// Timestamps as payloads write them, to integer milliseconds since the epoch: RFC 3339 strings
// (JSON), nanosecond integers (line protocol). Exact: no float detour for 19-digit nanoseconds.

export { parseRfc3339 } from "../../model/rfc3339.ts";

/** Milliseconds since the epoch below which a "millisecond" time is almost surely in seconds (1973-03-03). */
export const SECONDS_SUSPECT_MS = 1e11;

const INTEGER = /^-?\d{1,19}$/;

/** Integer ms of an integer count of nanoseconds written in decimal, rounded half away from zero;
 * undefined if it is not an integer of at most 19 digits (line protocol's int64 range). */
export function nanosecondsToMs(digits: string): number | undefined {
  if (!INTEGER.test(digits)) return undefined;
  const negative = digits.charCodeAt(0) === 45; // "-"
  const abs = negative ? digits.slice(1) : digits;
  const whole = abs.length > 6 ? Number(abs.slice(0, -6)) : 0;
  const rest = Number(abs.length > 6 ? abs.slice(-6) : abs);
  const ms = whole + (rest >= 500_000 ? 1 : 0);
  return negative ? 0 - ms : ms;
}
