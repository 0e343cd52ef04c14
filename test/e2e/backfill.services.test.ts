// The simulator's backfill through the whole embedded pipeline: 2 buildings × 10 dwellings ×
// 30 days at 15 minutes land completely, and daily heating follows the degree-days of the
// outdoor temperature that was stored with it.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EmbeddedStack } from "../../cli/commands/start.ts";
import type { Quantity } from "../../model/quantities.ts";
import { localMidnight } from "../../model/time-zone.ts";
import { runBackfill } from "../../simulators/publisher.ts";
import { startTestEmbedded } from "../support/embedded.ts";

const FROM = localMidnight(2025, 1, 1, "Europe/Paris");
const TO = localMidnight(2025, 1, 31, "Europe/Paris");
const STEPS = (TO - FROM) / 900_000;

function correlation(xs: number[], ys: number[]): number {
  const mx = xs.reduce((a, b) => a + b, 0) / xs.length;
  const my = ys.reduce((a, b) => a + b, 0) / ys.length;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i]! - mx) * (ys[i]! - my);
    sxx += (xs[i]! - mx) ** 2;
    syy += (ys[i]! - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

describe("simulator backfill into the embedded pipeline", () => {
  let dir: string;
  let stack: EmbeddedStack;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "backfill-"));
    ({ stack } = await startTestEmbedded(dir, { SITE_BUILDINGS: "2", SITE_DWELLINGS: "10" }));
  });

  afterAll(async () => {
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("lands every reading, exactly", async () => {
    const site = stack.registry.site;
    const result = await runBackfill({ url: stack.mqttUrl, site, seed: 42, from: FROM, to: TO, quiet: true });
    expect(result.acknowledged).toBe(result.published);
    const sensors = site.buildings.flatMap((b) => [
      ...b.common.sensors,
      ...b.dwellings.flatMap((d) => d.sensors),
    ]);
    expect(result.published).toBe(sensors.length * STEPS);
    expect(await stack.core.writer.flush(60_000)).toBe(true);

    for (const building of site.buildings) {
      const perQuantity = new Map<Quantity, number>();
      for (const s of [...building.common.sensors, ...building.dwellings.flatMap((d) => d.sensors)]) {
        perQuantity.set(s.quantity, (perQuantity.get(s.quantity) ?? 0) + STEPS);
      }
      for (const [quantity, expected] of perQuantity) {
        const stored = await stack.stores.telemetry.count({
          building: building.id,
          quantity,
          from: FROM,
          to: TO,
        });
        expect(stored, `${building.id} ${quantity}`).toBe(expected);
      }
    }
    expect(await stack.stores.deadLetters.list({ limit: 5 })).toEqual([]);
  });

  it("gives daily heating that follows degree-days", async () => {
    const building = stack.registry.buildings[0]!.id;
    const range = { building, from: FROM, to: TO, every: "1d" as const };
    const heating = await stack.stores.telemetry.consumption({
      ...range,
      quantity: "heating_energy",
      space: undefined,
    });
    const tmin = await stack.stores.telemetry.aggregate({
      ...range,
      quantity: "outdoor_temperature",
      fn: "min",
    });
    const tmax = await stack.stores.telemetry.aggregate({
      ...range,
      quantity: "outdoor_temperature",
      fn: "max",
    });
    expect(heating).toHaveLength(30);
    expect(tmin).toHaveLength(30);
    // The boiler meter counts every flat's heating again; keep the dwellings' meters only.
    const dwellingsHeating = await stack.stores.telemetry.consumptionBySpace({
      ...range,
      quantity: "heating_energy",
    });
    const perDay = new Map<number, number>();
    for (const row of dwellingsHeating) {
      if (row.space !== "common") perDay.set(row.start, (perDay.get(row.start) ?? 0) + row.value);
    }
    // Day one has no index before it, so its first quarter-hour is missing: leave it out.
    const days = tmin.slice(1).map((w) => w.start);
    const dju = days.map((_, i) => Math.max(0, 18 - (tmin[i + 1]!.value + tmax[i + 1]!.value) / 2));
    const kwh = days.map((d) => perDay.get(d) ?? 0);
    expect(Math.min(...kwh)).toBeGreaterThan(0);
    expect(correlation(dju, kwh)).toBeGreaterThan(0.8);
  });
});
