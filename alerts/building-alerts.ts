// A building's alerts at an instant, from stored telemetry: a leak (water flowing every hour
// between 01:00 and 05:00 local time for N nights running), overheating, a cold dwelling in the
// heating season, a silent sensor, and a meter whose index went down (reset or misread, by the
// rule of domain/consumption.ts).
import { ALERT_THRESHOLDS, durationInWords } from "../domain/alert-thresholds.ts";
import { meterStep } from "../domain/consumption.ts";
import { inHeatingSeason } from "../domain/heating-season.ts";
import type { Alert } from "../model/alert.ts";
import { COMMON_SPACE } from "../model/ids.ts";
import { isCounter } from "../model/quantities.ts";
import type { Building, SensorSpec, Site } from "../model/site.ts";
import { localDate, localMidnight, zoneOffset } from "../model/time-zone.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";

const localHour = (t: number, zone: string) => new Date(t + zoneOffset(t, zone)).getUTCHours();

/** The UTC hour starts of the last `n` nights whose 01:00–05:00 (local) is over by `at`, newest last. */
export function lastNights(at: number, n: number, zone: string): number[][] {
  const nights: number[][] = [];
  const today = localDate(at, zone);
  for (let back = 0; nights.length < n && back <= n + 1; back++) {
    const start = localMidnight(today.year, today.month, today.day - back, zone);
    const hours: number[] = [];
    for (let t = start; t < start + 8 * 3_600_000; t += 3_600_000) {
      if ((ALERT_THRESHOLDS.nightHours as readonly number[]).includes(localHour(t, zone))) hours.push(t);
    }
    const end = (hours.at(-1) ?? start) + 3_600_000;
    if (hours.length > 0 && end <= at) nights.unshift(hours);
  }
  return nights;
}

async function leaks(
  store: TelemetryStore,
  building: Building,
  at: number,
  nights: number,
  zone: string,
): Promise<Alert[]> {
  const windows = lastNights(at, nights, zone);
  if (windows.length < nights) return [];
  const from = windows[0]![0]!;
  const to = windows.at(-1)!.at(-1)! + 3_600_000;
  const flow = new Map<string, Map<number, number>>();
  for (const quantity of ["cold_water", "hot_water"] as const) {
    for (const w of await store.consumptionBySpace({
      building: building.id,
      quantity,
      from,
      to,
      every: "1h",
    })) {
      if (w.space === COMMON_SPACE) continue;
      const hours = flow.get(w.space) ?? new Map<number, number>();
      hours.set(w.start, (hours.get(w.start) ?? 0) + w.value);
      flow.set(w.space, hours);
    }
  }
  const alerts: Alert[] = [];
  for (const [space, hours] of flow) {
    if (windows.every((night) => night.every((h) => (hours.get(h) ?? 0) > 0))) {
      alerts.push({
        kind: "leak",
        space,
        detail: `Water flowed every hour between 01:00 and 05:00 for ${nights} nights running: check for a leak.`,
      });
    }
  }
  return alerts;
}

function sensorsOf(building: Building): { space: string; sensor: SensorSpec }[] {
  return [
    ...building.common.sensors.map((sensor) => ({ space: COMMON_SPACE, sensor })),
    ...building.dwellings.flatMap((d) => d.sensors.map((sensor) => ({ space: d.id, sensor }))),
  ];
}

async function fromLatest(
  store: TelemetryStore,
  building: Building,
  at: number,
  site: AlertSite,
): Promise<Alert[]> {
  const latest = new Map(
    (await store.latest({ building: building.id, to: at + 1 })).map((r) => [
      `${r.space}\u0000${r.sensor}`,
      r,
    ]),
  );
  // A tropical site has no heating season: a cool dwelling there is no alert.
  const heating = site.climate === "temperate" && inHeatingSeason(localDate(at, site.timezone));
  const alerts: Alert[] = [];
  for (const { space, sensor } of sensorsOf(building)) {
    const r = latest.get(`${space}\u0000${sensor.id}`);
    if (!r || at - r.t > ALERT_THRESHOLDS.silentMs) {
      alerts.push({
        kind: "sensor_silent",
        space,
        sensor: sensor.id,
        quantity: sensor.quantity,
        since: r ? new Date(r.t).toISOString() : null,
        detail: r
          ? `No reading for more than ${durationInWords(ALERT_THRESHOLDS.silentMs)}.`
          : "This sensor has never reported.",
      });
      continue;
    }
    if (sensor.quantity !== "temperature" || space === COMMON_SPACE) continue;
    if (r.v > ALERT_THRESHOLDS.overheatingC) {
      alerts.push({
        kind: "overheating",
        space,
        sensor: sensor.id,
        quantity: sensor.quantity,
        value: r.v,
        detail: `Above ${ALERT_THRESHOLDS.overheatingC} °C.`,
      });
    } else if (heating && r.v < ALERT_THRESHOLDS.coldC) {
      alerts.push({
        kind: "cold_dwelling",
        space,
        sensor: sensor.id,
        quantity: sensor.quantity,
        value: r.v,
        detail: `Below ${ALERT_THRESHOLDS.coldC} °C in the heating season.`,
      });
    }
  }
  return alerts;
}

async function meterSteps(store: TelemetryStore, building: Building, at: number): Promise<Alert[]> {
  const alerts: Alert[] = [];
  const quantities = [...new Set(sensorsOf(building).map((s) => s.sensor.quantity))].filter(isCounter);
  for (const quantity of quantities) {
    const points = await store.readRaw({
      building: building.id,
      quantity,
      from: at - ALERT_THRESHOLDS.resetLookbackMs,
      to: at + 1,
    });
    const previous = new Map<string, number>();
    const reported = new Set<string>();
    for (const p of points) {
      const key = `${p.space}\u0000${p.sensor}`;
      const before = previous.get(key);
      const step = before === undefined ? "rise" : meterStep(before, p.v);
      if (step !== "rise" && !reported.has(key)) {
        reported.add(key);
        alerts.push({
          kind: step === "reset" ? "meter_reset" : "meter_backwards",
          space: p.space,
          sensor: p.sensor,
          quantity,
          value: p.v,
          detail:
            step === "reset"
              ? `The index went down from ${before} to ${p.v}: a meter reset or replacement.`
              : `The index went down from ${before} to ${p.v}: a meter does not run backwards; check the reading (counted as no consumption).`,
        });
      }
      previous.set(key, p.v);
    }
  }
  return alerts;
}

/** What of the site alerts depend on: its calendar and its climate. */
export type AlertSite = Pick<Site, "timezone" | "climate">;

/** Every alert of a building at `at`, leaks judged over the last `nights` local nights. */
export async function buildingAlerts(
  store: TelemetryStore,
  building: Building,
  at: number,
  nights: number,
  site: AlertSite,
): Promise<Alert[]> {
  const [a, b, c] = await Promise.all([
    leaks(store, building, at, nights, site.timezone),
    fromLatest(store, building, at, site),
    meterSteps(store, building, at),
  ]);
  return [...a, ...b, ...c];
}
