// Alerts and building summaries computed from the memory store holding a scripted building:
// a leaking dwelling, an overheated one, a cold one, a silent sensor, a meter reset; heating
// and degree-days this year and last.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildingAlerts, lastNights } from "../../alerts/building-alerts.ts";
import type { Reading } from "../../model/reading.ts";
import { siteSchema } from "../../model/site.ts";
import { zoneOffset } from "../../model/time-zone.ts";
import { createMemoryTelemetryStore } from "../../storage/memory/telemetry-store.ts";
import { summariseBuilding } from "./summary.ts";

const sensors = [
  { id: "cw", quantity: "cold_water" },
  { id: "hw", quantity: "hot_water" },
  { id: "temp", quantity: "temperature" },
] as const;
const site = siteSchema.parse({
  id: "s",
  name: "S",
  buildings: [
    {
      id: "b",
      name: "B",
      dwellings: ["d-leak", "d-dry", "d-hot", "d-cold"].map((id) => ({ id, areaM2: 50, sensors })),
      common: {
        sensors: [
          { id: "out", quantity: "outdoor_temperature" },
          { id: "heat", quantity: "heating_energy" },
        ],
      },
    },
  ],
});
const building = site.buildings[0]!;

const AT = Date.parse("2025-01-15T10:00:00Z");
const STEP = 900_000;
const YEAR = Date.parse("2025-01-10T00:00:00Z") - Date.parse("2024-01-10T00:00:00Z");
const PARIS = "Europe/Paris";
const SITE = { timezone: PARIS, climate: "temperate" } as const;
const parisHour = (t: number) => new Date(t + zoneOffset(t, PARIS)).getUTCHours();

function scripted(): Reading[] {
  const out: Reading[] = [];
  const at = (space: string, sensor: string, quantity: Reading["quantity"], t: number, v: number) =>
    out.push({ building: "b", space, sensor, quantity, t, v });
  const start = AT - 5 * 86_400_000;
  let dayWater = 0;
  for (let t = start, i = 0; t <= AT; t += STEP, i++) {
    if (parisHour(t) >= 7 && parisHour(t) < 22) dayWater += 0.01;
    at("d-leak", "cw", "cold_water", t, 5 + i * 0.001);
    for (const d of ["d-leak", "d-dry", "d-hot", "d-cold"]) {
      if (d !== "d-leak")
        at(d, "cw", "cold_water", t, d === "d-hot" && t >= AT - 5 * 3_600_000 ? dayWater / 10 : 5 + dayWater);
      if (d !== "d-dry" || t <= AT - 3 * 3_600_000) at(d, "hw", "hot_water", t, 2);
      at(d, "temp", "temperature", t, d === "d-hot" ? 27.5 : d === "d-cold" ? 15 : 20);
    }
    at("common", "out", "outdoor_temperature", t, 8);
    at("common", "heat", "heating_energy", t, 1000 + i);
    // Last year, the same dates: colder (DJU 12 a day) and twice the heat per step.
    at("common", "out", "outdoor_temperature", t - YEAR, 6);
    at("common", "heat", "heating_energy", t - YEAR, 1000 + 2 * i);
  }
  return out;
}

const store = createMemoryTelemetryStore();
beforeAll(async () => {
  await store.connect();
  await store.write(scripted());
});
afterAll(async () => store.close());

describe("alerts", () => {
  it("finds the leak, the overheated and the cold dwelling, the silent sensor and the meter reset, and nothing else", async () => {
    const alerts = await buildingAlerts(store, building, AT, 3, SITE);
    const summary = alerts.map((a) => `${a.kind} ${a.space}${a.sensor ? `/${a.sensor}` : ""}`).sort();
    expect(summary).toEqual([
      "cold_dwelling d-cold/temp",
      "leak d-leak",
      "meter_reset d-hot/cw",
      "overheating d-hot/temp",
      "sensor_silent d-dry/hw",
    ]);
    expect(alerts.find((a) => a.kind === "overheating")?.value).toBe(27.5);
  });

  it("needs every night hour wet for every one of the N nights", async () => {
    // Data starts on the 10th at 10:00 UTC: five complete nights exist, a sixth does not.
    expect((await buildingAlerts(store, building, AT, 5, SITE)).some((a) => a.kind === "leak")).toBe(true);
    expect((await buildingAlerts(store, building, AT, 6, SITE)).some((a) => a.kind === "leak")).toBe(false);
  });

  it("raises no cold dwelling on a tropical site: it has no heating season", async () => {
    const alerts = await buildingAlerts(store, building, AT, 3, { ...SITE, climate: "tropical" });
    expect(alerts.map((a) => a.kind).sort()).toEqual(["leak", "meter_reset", "overheating", "sensor_silent"]);
  });

  it("cuts nights at 01:00–05:00 Paris, three hours on the night clocks go forward", () => {
    const nights = lastNights(Date.parse("2025-03-30T12:00:00Z"), 2, PARIS);
    expect(nights.map((n) => n.length)).toEqual([4, 3]);
    expect(new Date(nights[0]![0]!).toISOString()).toBe("2025-03-29T00:00:00.000Z");
  });
});

describe("building summary", () => {
  it("normalises heating by degree-days and compares with the same dates last year", async () => {
    const s = await summariseBuilding(store, building, { from: "2025-01-11", to: "2025-01-15" }, SITE);
    expect(s.floorAreaM2).toBe(200);
    expect(s.period.days).toBe(4);
    expect(s.period.outdoorDays).toBe(4);
    expect(s.period.degreeDays).toBe(40);
    expect(s.period.consumption.heating_energy).toBe(4 * 96);
    expect(s.period.perM2.heating_energy).toBeCloseTo(1.92, 10);
    expect(s.period.heatingKwhPerM2PerDegreeDay).toBeCloseTo(1.92 / 40, 10);
    expect(s.lastYear.from).toBe("2024-01-11");
    expect(s.lastYear.degreeDays).toBe(48);
    expect(s.lastYear.consumption.heating_energy).toBe(4 * 96 * 2);
    // This year: 1.92/40 = 0.048; last year: 3.84/48 = 0.08; so -40 %.
    expect(s.change.heatingNormalisedPct).toBe(-40);
  });
});

describe("building summary of a tropical site", () => {
  const MARTINIQUE = { timezone: "America/Martinique", climate: "tropical" } as const;
  const tropical = createMemoryTelemetryStore({ timeZone: MARTINIQUE.timezone });
  afterAll(async () => tropical.close());

  it("normalises electricity by cooling degree-days (base 22 °C) on the site's days", async () => {
    await tropical.connect();
    const readings: Reading[] = [];
    // Four Martinique days from 11 January 2025 (local midnight 04:00 UTC), hourly, from the
    // hour before (the meter's reading before the range gives the first increase).
    const from = Date.parse("2025-01-11T04:00:00Z");
    for (let i = -1; i <= 4 * 24; i++) {
      const t = from + i * 3_600_000;
      const common = { building: "b", space: "common" } as const;
      readings.push({ ...common, sensor: "out", quantity: "outdoor_temperature", t, v: 27 });
      readings.push({ ...common, sensor: "elec", quantity: "electricity", t, v: 500 + i });
      // Last year: cooler (4 cooling degree-days a day), the same electricity.
      readings.push({ ...common, sensor: "out", quantity: "outdoor_temperature", t: t - YEAR, v: 26 });
      readings.push({ ...common, sensor: "elec", quantity: "electricity", t: t - YEAR, v: 100 + i });
    }
    await tropical.write(readings);
    const s = await summariseBuilding(
      tropical,
      building,
      { from: "2025-01-11", to: "2025-01-15" },
      MARTINIQUE,
    );
    expect(s.period).toMatchObject({
      degreeDayKind: "cooling",
      degreeDayBaseC: 22,
      outdoorDays: 4,
      degreeDays: 20,
    });
    expect(s.period.consumption.electricity).toBe(4 * 24);
    expect(s.period.heatingKwhPerM2PerDegreeDay).toBeNull();
    expect(s.period.electricityKwhPerM2PerDegreeDay).toBeCloseTo(96 / 200 / 20, 10);
    expect(s.lastYear.degreeDays).toBe(16);
    // The same electricity on 25% more cooling degree-days: -20 % per degree-day.
    expect(s.change.electricityNormalisedPct).toBe(-20);
    expect(s.change.heatingNormalisedPct).toBeNull();
  });
});
