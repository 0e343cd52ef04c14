// RFC 3339 date-times with a zone ("2024-11-28T14:00:00.250+01:00", "…Z") to integer
// milliseconds since the epoch, exactly: no float detour, no Date.parse leniency (which reads
// "' OR '1'='1" as a date in 2001). One parser for payloads and the API's query strings.

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

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
