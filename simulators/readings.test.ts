import { describe, expect, it } from "vitest";
import { COMMON_SPACE } from "../model/ids.ts";
import { QUANTITIES } from "../model/quantities.ts";
import { type Reading, readingSchema } from "../model/reading.ts";
import { SiteRegistry } from "../model/registry.ts";
import { dayNumberOfIso, dayStart, monthDay } from "./calendar.ts";
import type { MeteredQuantity } from "./dwelling-model.ts";
import { SimulatorError } from "./errors.ts";
import { generateReadings } from "./readings.ts";
import { scenarioSchema } from "./scenario.ts";
import { generateSite } from "./site-generator.ts";
import { SiteSimulation } from "./site-simulation.ts";
import { degreeDaysMeteo } from "./weather.ts";

const site = generateSite({ seed: 3, buildings: 1, dwellingsPerBuilding: 4 });
const from = Date.parse("2025-01-27T00:00:00Z");
const to = from + 7 * 86_400_000;
const week = [...generateReadings({ site, seed: 3, from, to })];
const series = (rs: readonly Reading[]) => {
  const m = new Map<string, Reading[]>();
  for (const r of rs) {
    const k = `${r.space}/${r.sensor}`;
    m.set(k, [...(m.get(k) ?? []), r]);
  }
  return m;
};

describe("generateReadings", () => {
  it("gives every sensor every 15 minutes, in time order", () => {
    const registry = new SiteRegistry(site);
    expect(week).toHaveLength(7 * 96 * registry.sensorCount);
    for (let i = 1; i < week.length; i++) expect(week[i]!.t).toBeGreaterThanOrEqual(week[i - 1]!.t);
  });

  it("gives the same values for the same seed, others for another", () => {
    expect([...generateReadings({ site, seed: 3, from, to })]).toEqual(week);
    const other = [...generateReadings({ site, seed: 4, from, to: from + 3_600_000 })];
    expect(other.map((r) => r.v)).not.toEqual(week.slice(0, other.length).map((r) => r.v));
  });

  it("gives live the same values as a backfill at the same instant", () => {
    const t = from + 3 * 86_400_000 + 37 * 900_000;
    const fresh = new SiteSimulation({ site, seed: 3 }).readingsAt(t);
    expect(fresh).toEqual(week.filter((r) => r.t === t));
    // Between grid points, a meter's index lies between its neighbours.
    const between = new SiteSimulation({ site, seed: 3 }).readingsAt(t + 400_000);
    const after = week.filter((r) => r.t === t + 900_000);
    const at = week.filter((r) => r.t === t);
    between.forEach((r, i) => {
      if (QUANTITIES[r.quantity].kind !== "counter") return;
      expect(r.v).toBeGreaterThanOrEqual(at[i]!.v);
      expect(r.v).toBeLessThanOrEqual(after[i]!.v);
    });
  });

  it("produces valid readings that resolve in the site, within the catalogue ranges", () => {
    const registry = new SiteRegistry(site);
    for (const r of week) {
      expect(readingSchema.safeParse(r).success).toBe(true);
      const found = registry.lookup(r.building, r.space, r.sensor);
      expect(found.found && found.sensor.quantity === r.quantity).toBe(true);
      const q = QUANTITIES[r.quantity];
      expect(r.v).toBeGreaterThanOrEqual(q.min);
      expect(r.v).toBeLessThanOrEqual(q.max);
    }
    const of = (quantity: string) => week.filter((r) => r.quantity === quantity && r.space !== COMMON_SPACE);
    for (const r of of("temperature")) expect(r.v).toBeGreaterThan(14);
    for (const r of of("co2")) expect(r.v).toBeGreaterThanOrEqual(380);
    for (const r of of("humidity")) expect(r.v).toBeLessThanOrEqual(85);
  });

  it("keeps meters monotonic, and their daily increase is the model's daily total", () => {
    const sim = new SiteSimulation({ site, seed: 3 });
    for (const [key, rs] of series(week)) {
      if (QUANTITIES[rs[0]!.quantity].kind !== "counter") continue;
      for (let i = 1; i < rs.length; i++) expect(rs[i]!.v).toBeGreaterThanOrEqual(rs[i - 1]!.v);
      const [space, sensor] = key.split("/");
      const day = dayNumberOfIso("2025-01-29");
      const at = (t: number) => rs.find((r) => r.t === t)!.v;
      const total = sim.dailyTotal(site.buildings[0]!.id, space!, rs[0]!.quantity as MeteredQuantity, day);
      expect(at(dayStart(day + 1, "Europe/Paris")) - at(dayStart(day, "Europe/Paris"))).toBeCloseTo(total, 2);
      expect(total, `${sensor}`).toBeGreaterThan(0);
    }
  });

  it("generates 2 buildings × 10 dwellings × 30 days", () => {
    const big = generateSite({ seed: 1, buildings: 2, dwellingsPerBuilding: 10 });
    let n = 0;
    for (const _ of generateReadings({ site: big, seed: 1, from, to: from + 30 * 86_400_000 })) n++;
    expect(n).toBe(30 * 96 * new SiteRegistry(big).sensorCount);
  });

  it("refuses instants before the meters were installed", () => {
    const sim = new SiteSimulation({ site, seed: 3 });
    expect(() => sim.readingsAt(Date.parse("2019-06-01T00:00:00Z"))).toThrow(SimulatorError);
  });
});

describe("heating follows the weather", () => {
  it("correlates monthly with degree days, January far above May", () => {
    const sim = new SiteSimulation({ site, seed: 3 });
    const b = site.buildings[0]!.id;
    const first = dayNumberOfIso("2024-01-01");
    const heat = new Array(12).fill(0);
    const dju = new Array(12).fill(0);
    for (let day = first; day < dayNumberOfIso("2025-01-01"); day++) {
      const m = monthDay(day).month - 1;
      dju[m] += degreeDaysMeteo(sim.weather.daily(day));
      for (const d of site.buildings[0]!.dwellings) heat[m] += sim.dailyTotal(b, d.id, "heating_energy", day);
    }
    expect(heat[0]).toBeGreaterThan(3 * heat[4]);
    for (const m of [5, 6, 7, 8]) expect(heat[m]).toBe(0); // outside the heating season
    expect(correlation(heat, dju)).toBeGreaterThan(0.9);
  });
});

describe("scenarios", () => {
  const b = site.buildings[0]!.id;
  const day = dayNumberOfIso("2025-02-10");
  const plain = new SiteSimulation({ site, seed: 3 });

  it("applies a device's true effect and its standby draw from its install day", () => {
    const scenario = scenarioSchema.parse({
      devices: [
        {
          id: "thermostat",
          building: b,
          spaces: ["001", "002"],
          installedOn: "2025-02-10",
          effect: { quantity: "heating_energy", fraction: -0.08 },
          standbyW: 2,
        },
        {
          id: "lights",
          building: b,
          spaces: ["common"],
          installedOn: "2025-02-10",
          effect: { quantity: "electricity", fraction: -0.15 },
        },
      ],
    });
    const sim = new SiteSimulation({ site, seed: 3, scenario });
    expect(sim.dailyTotal(b, "001", "heating_energy", day)).toBeCloseTo(
      0.92 * plain.dailyTotal(b, "001", "heating_energy", day),
      9,
    );
    expect(sim.dailyTotal(b, "001", "heating_energy", day - 1)).toBe(
      plain.dailyTotal(b, "001", "heating_energy", day - 1),
    );
    expect(sim.dailyTotal(b, "002", "electricity", day)).toBeCloseTo(
      plain.dailyTotal(b, "002", "electricity", day) + 0.048,
      9,
    );
    expect(sim.dailyTotal(b, "003", "heating_energy", day)).toBe(
      plain.dailyTotal(b, "003", "heating_energy", day),
    );
    expect(sim.dailyTotal(b, COMMON_SPACE, "electricity", day)).toBeCloseTo(
      0.85 * plain.dailyTotal(b, COMMON_SPACE, "electricity", day),
      9,
    );
  });

  it("replaces a meter and silences sensors as scheduled", () => {
    const scenario = scenarioSchema.parse({
      meterReplacements: [
        { building: b, space: "001", sensor: "heat", at: "2025-01-29T12:00:00Z", newIndex: 5 },
      ],
      outages: [{ building: b, space: "002", from: "2025-01-30T00:00:00Z", to: "2025-01-30T06:00:00Z" }],
    });
    const rs = [...generateReadings({ site, seed: 3, scenario, from, to })];
    const heat = rs.filter((r) => r.space === "001" && r.sensor === "heat");
    const drop = heat.findIndex((r) => r.t === Date.parse("2025-01-29T12:00:00Z"));
    expect(heat[drop]!.v).toBe(5);
    expect(heat[drop - 1]!.v).toBeGreaterThan(1_000);
    for (let i = drop + 1; i < heat.length; i++) expect(heat[i]!.v).toBeGreaterThanOrEqual(heat[i - 1]!.v);
    const silent = rs.filter(
      (r) =>
        r.space === "002" &&
        r.t >= Date.parse("2025-01-30T00:00:00Z") &&
        r.t < Date.parse("2025-01-30T06:00:00Z"),
    );
    expect(silent).toEqual([]);
    expect(rs.length).toBe(week.length - 24 * 7);
  });

  it("refuses a device in a space the site does not have", () => {
    const scenario = scenarioSchema.parse({
      devices: [{ id: "x", building: b, spaces: ["999"], installedOn: "2025-01-01" }],
    });
    expect(() => new SiteSimulation({ site, seed: 3, scenario })).toThrow(
      expect.objectContaining({ code: "SCENARIO_UNKNOWN_TARGET" }),
    );
  });
});

function correlation(xs: number[], ys: number[]): number {
  const n = xs.length;
  const mx = xs.reduce((s, x) => s + x, 0) / n;
  const my = ys.reduce((s, y) => s + y, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}
