// The French collective heating season, 1 October to 20 May inclusive: when a cool dwelling is
// an alert and when the simulated buildings heat. A tropical site has none (model/site.ts).
export interface MonthDay {
  /** 1–12 */
  month: number;
  /** 1–31 */
  day: number;
}

export const HEATING_SEASON = { from: { month: 10, day: 1 }, to: { month: 5, day: 20 } } as const;

/** Whether a local calendar date falls in the heating season. */
export function inHeatingSeason({ month, day }: MonthDay): boolean {
  const md = month * 100 + day;
  const { from, to } = HEATING_SEASON;
  return md >= from.month * 100 + from.day || md <= to.month * 100 + to.day;
}
