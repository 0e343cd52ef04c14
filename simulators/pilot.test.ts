import { describe, expect, it } from "vitest";
import { dayNumberOfIso } from "./calendar.ts";
import { type PilotScenario, pilotScenario, pilotSite, simulatePilot } from "./pilot.ts";
import { SiteSimulation } from "./site-simulation.ts";

const base: PilotScenario = {
  seed: 12,
  dwellings: 40,
  treatedShare: 0.5,
  start: "2024-10-15",
  baselineDays: 75,
  reportingDays: 75,
  quantity: "heating_energy",
  trueEffect: -0.08,
  deviceStandbyW: 2,
};

/** Difference in differences of log(post/pre) per dwelling, with its Welch standard error. */
function logRatioDiD(data: ReturnType<typeof simulatePilot>, baselineDays: number) {
  const logRatio = (daily: number[]) => {
    const pre = daily.slice(0, baselineDays).reduce((s, v) => s + v, 0);
    const post = daily.slice(baselineDays).reduce((s, v) => s + v, 0);
    return Math.log(post / pre);
  };
  const arm = (treated: boolean) =>
    data.dwellings.filter((d) => d.treated === treated).map((d) => logRatio(d.daily));
  const stats = (xs: number[]) => {
    const m = xs.reduce((s, x) => s + x, 0) / xs.length;
    return { m, v: xs.reduce((s, x) => s + (x - m) ** 2, 0) / (xs.length - 1), n: xs.length };
  };
  const t = stats(arm(true));
  const c = stats(arm(false));
  return { estimate: t.m - c.m, se: Math.sqrt(t.v / t.n + c.v / c.n), nT: t.n, nC: c.n };
}

describe("simulatePilot", () => {
  const data = simulatePilot(base);

  it("gives one value per day per dwelling, half of them treated", () => {
    expect(data.days).toHaveLength(150);
    expect(data.days[0]).toBe("2024-10-15");
    expect(data.outdoor[0]!.date).toBe("2024-10-15");
    expect(data.dwellings).toHaveLength(40);
    expect(data.dwellings.filter((d) => d.treated)).toHaveLength(20);
    for (const d of data.dwellings) {
      expect(d.installDate).toBe("2024-12-29");
      expect(d.daily).toHaveLength(150);
      expect(d.electricityDaily).toHaveLength(150);
    }
    expect(simulatePilot(base)).toEqual(data);
  });

  it("is the 15-minute simulation's days, devices included", () => {
    const site = pilotSite(base);
    const sim = new SiteSimulation({ site, seed: base.seed, scenario: pilotScenario(base, site) });
    const b = site.buildings[0]!.id;
    const first = dayNumberOfIso(base.start);
    for (const d of data.dwellings.slice(0, 6)) {
      for (const i of [0, 74, 75, 149]) {
        expect(d.daily[i]).toBe(sim.dailyTotal(b, d.id, "heating_energy", first + i));
        expect(d.electricityDaily[i]).toBe(sim.dailyTotal(b, d.id, "electricity", first + i));
      }
    }
  });

  it("states the truth it was built with", () => {
    expect(data.truth.effect).toBe(-0.08);
    expect(data.truth.standbyKWhPerYear).toBeCloseTo(17.52, 9);
    // 8% of a year's heating of a 1960s-70s flat (3 000 to 12 000 kWh).
    expect(data.truth.savingPerTreatedDwellingPerYear).toBeGreaterThan(240);
    expect(data.truth.savingPerTreatedDwellingPerYear).toBeLessThan(960);
  });

  it("lets a difference in differences find the true -8% within its own uncertainty", () => {
    const truth = Math.log(1 + base.trueEffect);
    const { estimate, se } = logRatioDiD(data, base.baselineDays);
    // The noise is real but not overwhelming: 40 dwellings resolve an 8% effect.
    expect(se).toBeLessThan(0.04);
    expect(Math.abs(estimate - truth)).toBeLessThan(3 * se);
  });

  it("is unbiased across pilots: the error is within 2 standard errors in most of them", () => {
    const truth = Math.log(1 + base.trueEffect);
    const z = Array.from({ length: 24 }, (_, seed) => {
      const r = logRatioDiD(simulatePilot({ ...base, seed: 100 + seed }), base.baselineDays);
      return (r.estimate - truth) / r.se;
    });
    const within = z.filter((x) => Math.abs(x) < 2).length / z.length;
    expect(within).toBeGreaterThan(0.8);
    expect(Math.abs(z.reduce((s, x) => s + x, 0) / z.length)).toBeLessThan(0.6);
  });

  it("adds the device's standby to the treated dwellings' electricity only", () => {
    const e = simulatePilot({ ...base, quantity: "electricity", trueEffect: 0, deviceStandbyW: 5 });
    const none = simulatePilot({ ...base, quantity: "electricity", trueEffect: 0, deviceStandbyW: 0 });
    e.dwellings.forEach((d, k) => {
      const before = d.electricityDaily[10]! - none.dwellings[k]!.electricityDaily[10]!;
      const after = d.electricityDaily[100]! - none.dwellings[k]!.electricityDaily[100]!;
      expect(before).toBe(0);
      expect(after).toBeCloseTo(d.treated ? 0.12 : 0, 9);
      expect(d.daily).toEqual(d.electricityDaily);
    });
  });

  it("refuses an invalid scenario with a typed error", () => {
    expect(() => simulatePilot({ ...base, treatedShare: 1.5 })).toThrow(
      expect.objectContaining({ code: "OPTIONS_INVALID" }),
    );
  });
});
