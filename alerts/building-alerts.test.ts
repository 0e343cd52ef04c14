// The alerts follow domain/'s rules: the heating season's end, the silent threshold, and a
// meter's step (reset or misread).
import { describe, expect, it } from "vitest";
import type { Reading } from "../model/reading.ts";
import { siteSchema } from "../model/site.ts";
import { createMemoryTelemetryStore } from "../storage/memory/telemetry-store.ts";
import { buildingAlerts } from "./building-alerts.ts";

const site = siteSchema.parse({
  id: "s",
  name: "S",
  buildings: [
    {
      id: "b",
      name: "B",
      dwellings: [
        {
          id: "d1",
          areaM2: 50,
          sensors: [
            { id: "temp", quantity: "temperature" },
            { id: "cw", quantity: "cold_water" },
          ],
        },
      ],
      common: { sensors: [] },
    },
  ],
});
const building = site.buildings[0]!;
const SITE = { timezone: "Europe/Paris", climate: "temperate" } as const;

async function alertsAt(iso: string, readings: (at: number) => Omit<Reading, "building" | "space">[]) {
  const at = Date.parse(iso);
  const store = createMemoryTelemetryStore();
  await store.connect();
  await store.write(readings(at).map((r) => ({ ...r, building: "b", space: "d1" })));
  const alerts = await buildingAlerts(store, building, at, 3, SITE);
  return alerts.map((a) => `${a.kind} ${a.sensor ?? ""}`.trim()).sort();
}

const cool = (at: number) => [
  { sensor: "temp", quantity: "temperature" as const, t: at - 60_000, v: 15 },
  { sensor: "cw", quantity: "cold_water" as const, t: at - 60_000, v: 10 },
];

describe("building alerts on domain/'s rules", () => {
  it("calls a dwelling at 15 °C cold on 20 May, and not on 21 May: the season has ended", async () => {
    expect(await alertsAt("2025-05-20T10:00:00Z", cool)).toEqual(["cold_dwelling temp"]);
    expect(await alertsAt("2025-05-21T10:00:00Z", cool)).toEqual([]);
  });

  it("calls a sensor silent after two hours, not before", async () => {
    const quiet = (ms: number) => (at: number) => cool(at).map((r) => ({ ...r, t: at - ms, v: 20 }));
    expect(await alertsAt("2025-07-01T10:00:00Z", quiet(119 * 60_000))).toEqual([]);
    expect(await alertsAt("2025-07-01T10:00:00Z", quiet(121 * 60_000))).toEqual([
      "sensor_silent cw",
      "sensor_silent temp",
    ]);
  });

  it("tells a meter reset from a misread by the consumption rule", async () => {
    const steps = (values: number[]) => (at: number) => [
      { sensor: "temp", quantity: "temperature" as const, t: at - 60_000, v: 20 },
      ...values.map((v, i) => ({
        sensor: "cw",
        quantity: "cold_water" as const,
        t: at - (values.length - i) * 600_000,
        v,
      })),
    ];
    expect(await alertsAt("2025-07-01T10:00:00Z", steps([100, 101, 5]))).toEqual(["meter_reset cw"]);
    expect(await alertsAt("2025-07-01T10:00:00Z", steps([100, 101, 99]))).toEqual(["meter_backwards cw"]);
  });
});
