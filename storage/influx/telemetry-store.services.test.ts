// Runs the TelemetryStore contract against a real influxd, one fresh database per test: once as
// written, and once with the rollup job run before every daily or monthly read, so that every
// settled day is answered from its rollup and must agree with the raw answer to the point.
import { afterAll, expect } from "vitest";
import { vitestKit } from "../../test/support/contract-kit.ts";
import { freshInfluxDatabases } from "../../test/support/influx-store.ts";
import { telemetryStoreContract } from "../contract/telemetry-store.contract.ts";
import { timeZoneContract } from "../contract/time-zone.contract.ts";
import type { TelemetryStore } from "../telemetry-store.ts";
import { createInfluxDailyRollup } from "./daily-rollup.ts";
import type { InfluxOptions } from "./options.ts";
import { createInfluxTelemetryStore } from "./telemetry-store.ts";

const fresh = freshInfluxDatabases("contract", createInfluxTelemetryStore);
telemetryStoreContract(vitestKit, "influx", () => fresh());
timeZoneContract(vitestKit, "influx", (timeZone) => fresh({ timeZone }));

let rolledDays = 0;
let rollupSegments = 0;

function rolledBeforeEachRead(given: InfluxOptions): TelemetryStore {
  // One process writes and rolls here: one clock, no margin needed.
  const options = { ...given, rollupClockMarginMs: 0 };
  const store = createInfluxTelemetryStore(options, {
    onSegments: (segments) => {
      rollupSegments += segments.filter((segment) => segment.source === "rollup").length;
    },
  });
  const rollup = createInfluxDailyRollup(options);
  const settle = async () => {
    rolledDays += (await rollup.runDue()).days;
  };
  return {
    ...store,
    async aggregate(q) {
      await settle();
      return store.aggregate(q);
    },
    async consumption(q) {
      await settle();
      return store.consumption(q);
    },
    async consumptionBySpace(q) {
      await settle();
      return store.consumptionBySpace(q);
    },
  };
}

const rolled = freshInfluxDatabases("rolled", rolledBeforeEachRead);
telemetryStoreContract(vitestKit, "influx, settled days read from rollups", () => rolled());
timeZoneContract(vitestKit, "influx, settled days read from rollups", (timeZone) => rolled({ timeZone }));

afterAll(() => {
  // The contract's daily and monthly reads really were answered, in part, from rollups.
  expect(rolledDays).toBeGreaterThan(50);
  expect(rollupSegments).toBeGreaterThan(20);
});
