// A simulated overseas site (Martinique, tropical): its days are local days (midnight at
// 04:00 UTC), the daily cycle follows the local clock, nobody heats, and most homes' air
// conditioning puts the weather into the electricity meter.
import { describe, expect, it } from "vitest";
import { siteSchema } from "../model/site.ts";
import { localMidnight } from "../model/time-zone.ts";
import { dayNumberOf, dayNumberOfIso, dayStart, localHour } from "./calendar.ts";
import { generateSite } from "./site-generator.ts";
import { buildingDwellingParams, SiteSimulation } from "./site-simulation.ts";

const ZONE = "America/Martinique";
const generated = generateSite({ seed: 5, buildings: 1, dwellingsPerBuilding: 12 });
const site = siteSchema.parse({ ...generated, timezone: ZONE, climate: "tropical" });
const building = site.buildings[0]!;
const sim = new SiteSimulation({ site, seed: 5 });

describe("a simulated tropical site in Martinique", () => {
  it("cuts its days at Martinique midnight: a meter grows by the day's total between two of them", () => {
    const day = dayNumberOfIso("2025-03-10");
    expect(dayStart(day, ZONE)).toBe(Date.parse("2025-03-10T04:00:00Z"));
    expect(dayNumberOf(Date.parse("2025-03-10T03:59:59Z"), ZONE)).toBe(day - 1);
    expect(localHour(Date.parse("2025-03-10T10:00:00Z"), ZONE)).toBe(6);
    const dwelling = building.dwellings[0]!.id;
    const index = (t: number) =>
      sim.readingsAt(t).find((r) => r.space === dwelling && r.quantity === "electricity")!.v;
    const total = sim.dailyTotal(building.id, dwelling, "electricity", day);
    expect(index(dayStart(day + 1, ZONE)) - index(dayStart(day, ZONE))).toBeCloseTo(total, 2);
    expect(total).toBeGreaterThan(0);
  });

  it("has its coolest hour near 06:00 and its warmest near 15:00 local, around 24 and 31 °C", () => {
    const day = dayNumberOfIso("2025-08-20");
    const w = sim.weather.daily(day);
    const start = localMidnight(2025, 8, 20, ZONE);
    expect(sim.weather.temperatureAt(start + 6 * 3_600_000)).toBeCloseTo(w.tmin, 6);
    expect(sim.weather.temperatureAt(start + 15 * 3_600_000)).toBeCloseTo(w.tmax, 6);
    let sum = 0;
    const first = dayNumberOfIso("2025-01-01");
    for (let d = first; d < first + 365; d++) sum += sim.weather.daily(d).tmean;
    expect(sum / 365).toBeGreaterThan(26);
    expect(sum / 365).toBeLessThan(28.5);
  });

  it("heats nothing, and air-conditioned homes use more electricity in the warm season", () => {
    const params = buildingDwellingParams(5, building, "tropical");
    const cooled = building.dwellings.filter((d) => params.get(d.id)!.cooling !== null);
    expect(cooled.length).toBeGreaterThan(4);
    expect(cooled.length).toBeLessThan(building.dwellings.length);
    const sumOver = (
      space: string,
      quantity: "heating_energy" | "electricity",
      fromIso: string,
      days: number,
    ) => {
      const from = dayNumberOfIso(fromIso);
      let total = 0;
      for (let d = from; d < from + days; d++) total += sim.dailyTotal(building.id, space, quantity, d);
      return total;
    };
    for (const d of building.dwellings) expect(sumOver(d.id, "heating_energy", "2025-01-01", 365)).toBe(0);
    // February is the coolest month, September the warmest (holidays are in July and August).
    const february = cooled.reduce((s, d) => s + sumOver(d.id, "electricity", "2025-02-01", 28), 0);
    const september = cooled.reduce((s, d) => s + sumOver(d.id, "electricity", "2025-09-01", 28), 0);
    expect(september).toBeGreaterThan(1.1 * february);
    // The same dwelling on a temperate site draws nothing for cooling.
    expect(buildingDwellingParams(5, building).get(cooled[0]!.id)!.cooling).toBeNull();
  });
});
