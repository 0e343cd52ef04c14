// Times as tables write them: ISO 8601 with an offset, local ISO or French day-first times in a
// declared zone, or a date alone, which is a meter index read at the end (or the start) of the day.
import { localInstant } from "../model/time-zone.ts";

export type DateIs = "end-of-day" | "start-of-day";

export interface TimeReading {
  zone: string;
  dateIs: DateIs;
}

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;
const FRENCH = /^(\d{1,2})\/(\d{1,2})\/(\d{4})(?:[ T]+(\d{1,2})[:h](\d{2})(?::(\d{2}))?)?$/;

export type ParsedTime = { ok: true; t: number; dateOnly: boolean } | { ok: false; detail: string };

const EXPECTED =
  "an ISO 8601 time (2025-01-31T23:00:00+01:00), a local time (2025-01-31 23:00 or 31/01/2025 23:00) or a date (2025-01-31 or 31/01/2025)";

const CACHE_SIZE = 4_096;
/** Earlier years are not history of a building's sensors; before 100, Date.UTC reads them as 19xx. */
const MIN_YEAR = 1900;
const caches = new WeakMap<TimeReading, (cell: string) => ParsedTime>();

/** The instant a cell names, or why it names none. */
export function parseTime(cell: string, how: TimeReading): ParsedTime {
  let parser = caches.get(how);
  if (parser === undefined) {
    parser = timeParser(how);
    caches.set(how, parser);
  }
  return parser(cell);
}

/** parseTime for one way of reading times, remembering the last few thousand cells: the same
 * dates come back for every meter of a file, or row after row for every meter at an instant. */
export function timeParser(how: TimeReading): (cell: string) => ParsedTime {
  const cache = new Map<string, ParsedTime>();
  let lastCell = "";
  let lastParsed: ParsedTime = { ok: false, detail: "" };
  return (cell) => {
    if (cell === lastCell) return lastParsed;
    let parsed = cache.get(cell);
    if (parsed === undefined) {
      parsed = parseTimeUncached(cell, how);
      if (cache.size >= CACHE_SIZE) cache.clear();
      cell = ownCopy(cell);
      cache.set(cell, parsed);
    }
    lastCell = cell;
    lastParsed = parsed;
    return parsed;
  };
}

/** A cell is a slice of the chunk of text it was read from, and keeps the whole chunk alive
 * while it is kept: a key that outlives its row is copied. */
export function ownCopy(s: string): string {
  return JSON.parse(JSON.stringify(s)) as string;
}

function parseTimeUncached(cell: string, how: TimeReading): ParsedTime {
  const s = cell.trim();
  let m = ISO.exec(s);
  let fields: {
    y: number;
    mo: number;
    d: number;
    h?: number;
    mi?: number;
    sec?: number;
    frac?: string;
    offset?: string;
  };
  if (m) {
    fields = { y: +m[1]!, mo: +m[2]!, d: +m[3]! };
    if (m[4] !== undefined) {
      fields.h = +m[4];
      fields.mi = +m[5]!;
      fields.sec = m[6] === undefined ? 0 : +m[6];
      fields.frac = m[7];
      fields.offset = m[8];
    }
  } else {
    m = FRENCH.exec(s);
    if (!m)
      return { ok: false, detail: `${JSON.stringify(cell.slice(0, 40))} is not a time; write ${EXPECTED}` };
    fields = { y: +m[3]!, mo: +m[2]!, d: +m[1]! };
    if (m[4] !== undefined) {
      fields.h = +m[4];
      fields.mi = +m[5]!;
      fields.sec = m[6] === undefined ? 0 : +m[6];
    }
  }
  const { y, mo, d } = fields;
  if (y < MIN_YEAR) {
    return {
      ok: false,
      detail: `${JSON.stringify(s)} is in the year ${y}: no meter or thermometer read then (a two-digit year, or a wrong column?)`,
    };
  }
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) {
    return { ok: false, detail: `${JSON.stringify(s)} is not a date of the calendar` };
  }
  if (fields.h === undefined) {
    const t =
      how.dateIs === "end-of-day"
        ? localInstant(how.zone, y, mo, d, 23, 59, 59)
        : localInstant(how.zone, y, mo, d);
    return { ok: true, t, dateOnly: true };
  }
  const { h, mi = 0, sec = 0 } = fields;
  if (h > 23 || mi > 59 || sec > 59)
    return { ok: false, detail: `${JSON.stringify(s)} is not a time of day` };
  const ms = fields.frac === undefined ? 0 : Math.floor(Number(`0.${fields.frac}`) * 1000);
  if (fields.offset === undefined) {
    return { ok: true, t: localInstant(how.zone, y, mo, d, h, mi, sec, ms), dateOnly: false };
  }
  const offsetMs = parseOffset(fields.offset);
  if (offsetMs === undefined)
    return { ok: false, detail: `${JSON.stringify(s)} has an impossible UTC offset` };
  return { ok: true, t: Date.UTC(y, mo - 1, d, h, mi, sec, ms) - offsetMs, dateOnly: false };
}

function parseOffset(offset: string): number | undefined {
  if (offset.toUpperCase() === "Z") return 0;
  const m = /^([+-])(\d{2}):?(\d{2})?$/.exec(offset);
  if (!m) return undefined;
  const hours = +m[2]!;
  const minutes = m[3] === undefined ? 0 : +m[3];
  if (hours > 18 || minutes > 59) return undefined;
  return (m[1] === "-" ? -1 : 1) * (hours * 60 + minutes) * 60_000;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** The UTC instant of Météo-France's compact AAAAMMJJ[HH] (hours are UTC in its files). */
export function parseCompactUtc(cell: string): { y: number; mo: number; d: number; h?: number } | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})?$/.exec(cell.trim());
  if (!m) return undefined;
  const y = +m[1]!;
  const mo = +m[2]!;
  const d = +m[3]!;
  if (y < MIN_YEAR || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return undefined;
  if (m[4] === undefined) return { y, mo, d };
  const h = +m[4];
  return h > 23 ? undefined : { y, mo, d, h };
}
