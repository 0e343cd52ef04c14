// Timestamps as payloads write them, to integer milliseconds since the epoch: RFC 3339 strings
// (JSON), nanosecond integers (line protocol). Exact: no float detour for 19-digit nanoseconds.

/** Milliseconds since the epoch below which a "millisecond" time is almost surely in seconds (1973-03-03). */
export const SECONDS_SUSPECT_MS = 1e11;

const RFC3339 =
  /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:([Zz])|([+-])(\d{2}):(\d{2}))$/;

const DAYS_IN_400_YEARS_MS = 146_097 * 86_400_000;

/** Integer ms of an RFC 3339 date-time ("2024-11-28T14:00:00.250+01:00"), or undefined if it is not one. */
export function parseRfc3339(s: string): number | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  const hour = Number(m[4]);
  const minute = Number(m[5]);
  const second = Number(m[6]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  let offsetMs = 0;
  if (!m[8]) {
    const oh = Number(m[10]);
    const om = Number(m[11]);
    if (oh > 23 || om > 59) return undefined;
    offsetMs = (m[9] === "-" ? -1 : 1) * (oh * 60 + om) * 60_000;
  }
  const fractionMs = m[7] ? Math.round(Number(`0${m[7]}`) * 1000) : 0;
  // Date.UTC reads years 0-99 as 1900-1999; 400 Gregorian years later is the same calendar.
  const base = Date.UTC(year + 400, month - 1, day, hour, minute, second) - DAYS_IN_400_YEARS_MS;
  return base + fractionMs - offsetMs;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

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
