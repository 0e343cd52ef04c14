// Calendar months as people read them (in the site's time zone), turned into the [from, to)
// instants the store answers for: a whole month, or its first days when the month is still running.
import { z } from "zod";
import { localDate, localMidnight } from "../../model/time-zone.ts";
import { ApiError } from "../problem.ts";
import { isSupportedYear } from "../time-params.ts";

export const monthSchema = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, "a month such as 2025-01")
  .refine((m) => isSupportedYear(Number(m.slice(0, 4))), "a month between 1970-01 and 2199-12")
  .meta({
    description: "A calendar month in the site's time zone (Europe/Paris by default), YYYY-MM",
    example: "2025-01",
  });

export interface Period {
  /** First local day, ISO date. */
  from: string;
  /** The day after the last one, ISO date. */
  to: string;
  /** Instants, ms UTC, [fromMs, toMs). */
  fromMs: number;
  toMs: number;
  days: number;
}

const iso = (y: number, m: number, d: number) => {
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.toISOString().slice(0, 10);
};

export function monthKey(y: number, m: number): string {
  const date = new Date(Date.UTC(y, m - 1, 1));
  return `${date.getUTCFullYear()}-${String(date.getUTCMonth() + 1).padStart(2, "0")}`;
}

export function parseMonth(month: string): { y: number; m: number } {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return { y, m };
}

export function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

/** The first `days` days of a month (all of it when days is omitted or larger), in `zone`. */
export function monthPeriod(y: number, m: number, zone: string, days?: number): Period {
  const n = Math.min(days ?? 31, daysInMonth(y, m));
  return {
    from: iso(y, m, 1),
    to: iso(y, m, 1 + n),
    fromMs: localMidnight(y, m, 1, zone),
    toMs: localMidnight(y, m, 1 + n, zone),
    days: n,
  };
}

/** The month holding instant t in `zone`, "YYYY-MM". */
export function monthOf(t: number, zone: string): string {
  const d = localDate(t, zone);
  return monthKey(d.year, d.month);
}

/**
 * The month a tenant sees when they ask for none: the current one once a full day of it is
 * over, otherwise the previous one.
 */
export function defaultMonth(now: number, zone: string): string {
  const d = localDate(now, zone);
  return d.day > 1 ? monthKey(d.year, d.month) : monthKey(d.year, d.month - 1);
}

export interface MonthPeriods {
  month: string;
  /** The month is still running: every period covers only its first `current.days` days. */
  partial: boolean;
  current: Period;
  previousMonth: Period;
  lastYear: Period;
}

/** The asked month (up to yesterday when it is running), the month before and the same month a year earlier, over the same days. */
export function monthPeriods(month: string, now: number, zone: string): MonthPeriods {
  const { y, m } = parseMonth(month);
  const start = localMidnight(y, m, 1, zone);
  if (start > now)
    throw new ApiError("BAD_REQUEST", `${month} has not started yet; ask for an earlier month.`);
  const today = localDate(now, zone);
  const running = localMidnight(y, m + 1, 1, zone) > now;
  // Only whole days count, so the three periods compare like with like.
  const days = running ? Math.max(1, today.day - 1) : undefined;
  const before = m === 1 ? { y: y - 1, m: 12 } : { y, m: m - 1 };
  return {
    month,
    partial: running,
    current: monthPeriod(y, m, zone, days),
    previousMonth: monthPeriod(before.y, before.m, zone, days),
    lastYear: monthPeriod(y - 1, m, zone, days),
  };
}
