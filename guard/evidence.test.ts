// gatherEvidence against a real SQLite store with hand-made readings: daily use per space,
// nulls for missing days and for the day that carries a gap, outdoor Tmin/Tmax, common meters
// summed over buildings, and clear errors for what a proposal names wrongly.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Proposal, proposalSchema } from "../model/proposal.ts";
import type { Reading } from "../model/reading.ts";
import { SiteRegistry } from "../model/registry.ts";
import { siteSchema } from "../model/site.ts";
import { localMidnight } from "../model/time-zone.ts";
import { createMemoryTelemetryStore } from "../storage/memory/telemetry-store.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import { gatherEvidence, missingShare, windowDays } from "./evidence.ts";

const meters = [
  { id: "heat", quantity: "heating_energy" },
  { id: "elec", quantity: "electricity" },
] as const;
const registry = new SiteRegistry(
  siteSchema.parse({
    id: "s",
    name: "Site",
    buildings: ["A", "B"].map((id) => ({
      id,
      name: id,
      dwellings: (id === "A" ? ["a1", "a2", "twin"] : ["b1", "twin"]).map((d) => ({
        id: d,
        areaM2: 50,
        sensors: meters,
      })),
      common: {
        sensors: [
          { id: "outdoor", quantity: "outdoor_temperature" },
          { id: "elec-common", quantity: "electricity" },
        ],
      },
    })),
  }),
);

function proposal(
  pilot: Proposal["pilot"],
  buildings = ["A", "B"],
  quantity: "heating_energy" | "electricity" = "heating_energy",
): Proposal {
  return proposalSchema.parse({
    id: "p",
    title: "Test",
    device: {
      id: "d",
      name: { fr: "d", en: "d" },
      category: "other",
      claims: [
        {
          quantity,
          meter:
            pilot.design === "before_after" && pilot.meters[0]?.space === "common" ? "common" : "dwelling",
        },
      ],
      lifetimeYears: 10,
    },
    buildings,
    households: 4,
    pilot,
    costLines: [],
  });
}

/** Noon of a Paris day of January 2026. */
const noon = (day: number) => localMidnight(2026, 1, day, "Europe/Paris") + 12 * 3_600_000;
const r = (
  building: string,
  space: string,
  sensor: string,
  quantity: Reading["quantity"],
  day: number,
  v: number,
) => ({ building, space, sensor, quantity, t: noon(day), v }) as Reading;

let store: TelemetryStore;

beforeEach(async () => {
  store = createMemoryTelemetryStore();
  await store.connect();
});

afterEach(async () => {
  await store.close();
});

describe("gatherEvidence", () => {
  it("gives each pilot dwelling's daily use, null without data and on the day after a gap", async () => {
    const readings: Reading[] = [];
    // a1 heat: index grows 10 a day from Jan 1; Jan 4 is missing, so Jan 5 carries two days.
    for (let day = 1; day <= 7; day++) {
      if (day !== 4) readings.push(r("A", "a1", "heat", "heating_energy", day, 100 + 10 * day));
      readings.push(r("A", "a1", "elec", "electricity", day, 5 * day));
      readings.push(r("A", "common", "outdoor", "outdoor_temperature", day, day));
      readings.push({
        ...r("A", "common", "outdoor", "outdoor_temperature", day, day + 6),
        t: noon(day) + 3_600_000,
      });
    }
    await store.write(readings);
    const evidence = await gatherEvidence(
      store,
      registry,
      proposal({ design: "before_after", meters: [{ space: "a1", installDate: "2026-01-04" }] }, ["A"]),
      { from: "2026-01-02", to: "2026-01-07" },
    );
    expect(evidence.days).toEqual(["2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05", "2026-01-06"]);
    // Two readings a day: daily data, so no hourly mean (tmean absent), Tmin/Tmax only.
    expect(evidence.outdoor[0]).toEqual({ date: "2026-01-02", tmin: 2, tmax: 8 });
    // Only what is claimed is read: the dwelling's electricity meter plays no part.
    expect(evidence.series).toEqual([
      { space: "a1", quantity: "heating_energy", daily: [10, 10, null, null, 10] },
    ]);
    expect(missingShare(evidence)).toBeCloseTo(2 / 5);
  });

  it("gives the mean of the hourly temperatures for days with at least 12 hours (CalTRACK 2.0 §2.2.2.3)", async () => {
    const readings: Reading[] = [];
    const midnight = (day: number) => localMidnight(2026, 1, day, "Europe/Paris");
    // Jan 2: 24 hours, two readings an hour: 0 °C for 18 hours, 20 °C for 6. Each hour's mean
    // counts once, however many readings it has.
    for (let h = 0; h < 24; h++) {
      const v = h < 18 ? 0 : 20;
      readings.push(r("A", "common", "outdoor", "outdoor_temperature", 2, v));
      readings.at(-1)!.t = midnight(2) + h * 3_600_000;
      readings.push({ ...readings.at(-1)!, t: midnight(2) + h * 3_600_000 + 1_800_000 });
    }
    // Jan 3: 12 hours → a mean; Jan 4: 11 hours → none.
    for (let h = 0; h < 12; h++)
      readings.push({
        ...r("A", "common", "outdoor", "outdoor_temperature", 3, h),
        t: midnight(3) + h * 3_600_000,
      });
    for (let h = 0; h < 11; h++)
      readings.push({
        ...r("A", "common", "outdoor", "outdoor_temperature", 4, h),
        t: midnight(4) + h * 3_600_000,
      });
    await store.write(readings);
    const p = proposal({ design: "before_after", meters: [{ space: "a1", installDate: "2026-01-03" }] }, [
      "A",
    ]);
    const evidence = await gatherEvidence(store, registry, p, { from: "2026-01-02", to: "2026-01-05" });
    // 18 hours at 0 and 6 at 20: mean 5, while (Tmin + Tmax)/2 would say 10.
    expect(evidence.outdoor[0]).toEqual({ date: "2026-01-02", tmin: 0, tmax: 20, tmean: 5 });
    expect(evidence.outdoor[1]!.tmean).toBeCloseTo(5.5, 12);
    expect(evidence.outdoor[2]!.tmean).toBeNull();
  });

  it("sums a common meter over the proposal's buildings and averages their weather", async () => {
    const readings: Reading[] = [];
    for (let day = 1; day <= 4; day++) {
      readings.push(r("A", "common", "elec-common", "electricity", day, 3 * day));
      readings.push(r("B", "common", "elec-common", "electricity", day, 4 * day));
      readings.push(r("A", "common", "outdoor", "outdoor_temperature", day, 2));
      if (day !== 3) readings.push(r("B", "common", "outdoor", "outdoor_temperature", day, 4));
    }
    await store.write(readings);
    const p = proposal(
      { design: "before_after", meters: [{ space: "common", installDate: "2026-01-03" }] },
      ["A", "B"],
      "electricity",
    );
    const evidence = await gatherEvidence(store, registry, p, { from: "2026-01-02", to: "2026-01-05" });
    expect(evidence.outdoor.map((o) => o.tmin)).toEqual([3, 2, 3]);
    expect(evidence.series).toContainEqual({ space: "common", quantity: "electricity", daily: [7, 7, 7] });
  });

  it("leaves every series null on a day without any outdoor reading", async () => {
    const readings: Reading[] = [];
    for (let day = 1; day <= 3; day++) {
      readings.push(r("A", "a1", "heat", "heating_energy", day, 10 * day));
      if (day !== 2) readings.push(r("A", "common", "outdoor", "outdoor_temperature", day, 5));
    }
    await store.write(readings);
    const p = proposal({ design: "before_after", meters: [{ space: "a1", installDate: "2026-01-03" }] }, [
      "A",
    ]);
    const evidence = await gatherEvidence(store, registry, p, { from: "2026-01-02", to: "2026-01-04" });
    expect(evidence.series[0]!.daily).toEqual([null, 10]);
    expect(evidence.outdoor[0]).toEqual({ date: "2026-01-02", tmin: 18, tmax: 18 });
  });

  it("refuses a dwelling in no building, one in two buildings, an unknown building and a bad window", async () => {
    const window = { from: "2026-01-01", to: "2026-01-05" };
    const controlled = (control: string[]) =>
      proposal({ design: "controlled", treated: [{ dwelling: "a1", installDate: "2026-01-03" }], control });
    await expect(gatherEvidence(store, registry, controlled(["zz"]), window)).rejects.toMatchObject({
      code: "unknown_space",
    });
    await expect(gatherEvidence(store, registry, controlled(["twin"]), window)).rejects.toMatchObject({
      code: "ambiguous_space",
    });
    const elsewhere = proposal(
      { design: "before_after", meters: [{ space: "a1", installDate: "2026-01-03" }] },
      ["A", "Z"],
    );
    await expect(gatherEvidence(store, registry, elsewhere, window)).rejects.toMatchObject({
      code: "unknown_building",
    });
    await expect(
      gatherEvidence(store, registry, controlled(["a2"]), { from: "2026-01-05", to: "2026-01-05" }),
    ).rejects.toMatchObject({ code: "invalid_window" });
    expect(() => windowDays({ from: "2026-02-30", to: "2026-03-05" }, "Europe/Paris")).toThrow(
      /date such as/,
    );
  });

  it("cuts Paris days across daylight saving time: 23 and 25 hours", () => {
    const spring = windowDays({ from: "2026-03-29", to: "2026-03-30" }, "Europe/Paris");
    expect(spring.starts[1]! - spring.starts[0]!).toBe(23 * 3_600_000);
    const autumn = windowDays({ from: "2026-10-25", to: "2026-10-26" }, "Europe/Paris");
    expect(autumn.starts[1]! - autumn.starts[0]!).toBe(25 * 3_600_000);
  });
});
