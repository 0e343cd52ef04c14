// The thresholds of the managers' alerts, shared by the API (alerts/) and the Grafana
// dashboards (dashboards/), so both call the same sensor silent and the same dwelling cold.
export const ALERT_THRESHOLDS = {
  overheatingC: 26,
  /** In the heating season (domain/heating-season.ts) only. */
  coldC: 16,
  /** A sensor with no reading for longer than this is silent. */
  silentMs: 2 * 3_600_000,
  /** Leak: flow in every hour whose local hour (in the site's zone) is one of these. */
  nightHours: [1, 2, 3, 4],
  /** Meter resets are looked for over this much history. */
  resetLookbackMs: 24 * 3_600_000,
} as const;

/** "2 hours", "90 minutes": a duration as the alerts' texts say it. */
export function durationInWords(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes % 60 === 0) {
    const hours = minutes / 60;
    return hours === 1 ? "1 hour" : `${hours} hours`;
  }
  return `${minutes} minutes`;
}
