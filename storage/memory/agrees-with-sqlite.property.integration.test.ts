// Property: the memory TelemetryStore and its pruner answer as the SQLite adapter does, whatever
// the series (meter resets, overwrites, writes out of order and in several batches), the
// dwellings pruned and the cutoff, and whatever the window: raw reads, consumption (total and
// per space) and every aggregate. The suites pin the port down by examples; this keeps the
// reference and the embedded adapter from drifting apart between them. Values are integers so
// every summation order is exact.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import type { Reading } from "../../model/reading.ts";
import { BASE, meterPointArb, STEP, STEPS, windowArb } from "../../test/support/meter-arbitraries.ts";
import { createSqliteConsentStore } from "../sqlite/consent-store.ts";
import { createSqliteTelemetryStore } from "../sqlite/telemetry-store.ts";
import type { Every, TelemetryStore } from "../telemetry-store.ts";
import { createMemoryConsentStore } from "./consent-store.ts";
import { createMemoryFineDataPruner } from "./fine-data-pruner.ts";
import { createMemoryTelemetryStore } from "./telemetry-store.ts";

const pointArb = meterPointArb(["m1", "m2", "m3", "c1"]);

const folder = mkdtempSync(join(tmpdir(), "memory-against-sqlite-"));
let files = 0;
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const spaceOf = (sensor: string) => (sensor === "c1" ? "common" : sensor === "m3" ? "d2" : "d1");

/** Each sensor reads a second after the one before it, so no two series share an instant:
 * which one's value is `last` at a shared instant is not the port's to say. */
const offsetOf = (sensor: string) => ["m1", "m2", "m3", "c1"].indexOf(sensor) * 1000;

async function sameAnswers(a: TelemetryStore, b: TelemetryStore, from: number, to: number, every: Every) {
  const query = { building: "b1", quantity: "heating_energy" as const, from, to, every };
  expect(await a.readRaw(query)).toEqual(await b.readRaw(query));
  expect(await a.consumption(query)).toEqual(await b.consumption(query));
  expect(await a.consumptionBySpace(query)).toEqual(await b.consumptionBySpace(query));
  for (const fn of ["count", "sum", "min", "max", "last", "mean"] as const) {
    expect({ fn, got: await a.aggregate({ ...query, fn }) }).toEqual({
      fn,
      got: await b.aggregate({ ...query, fn }),
    });
  }
  expect(await a.latest({ building: "b1", to })).toEqual(await b.latest({ building: "b1", to }));
}

describe.each([
  ["Europe/Paris", 60],
  ["Pacific/Marquesas", 20],
])("the memory TelemetryStore and its pruner against SQLite, in %s", (zone, numRuns) => {
  it("answer alike on random series, prunings and windows", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(pointArb, { maxLength: 150 }), { minLength: 1, maxLength: 4 }),
        fc.array(fc.record({ cutoff: fc.integer({ min: 0, max: STEPS }), consentD2: fc.boolean() }), {
          maxLength: 2,
        }),
        fc.array(windowArb, { minLength: 1, maxLength: 4 }),
        async (batches, prunings, windows) => {
          // The SQLite pruner is the consent store on the telemetry file.
          const path = join(folder, `telemetry-${files++}.db`);
          const sqlite = createSqliteTelemetryStore({ path, timeZone: zone });
          const sqliteConsents = createSqliteConsentStore({ path });
          const memory = createMemoryTelemetryStore({ timeZone: zone });
          const memoryConsents = createMemoryConsentStore();
          const memoryPruner = createMemoryFineDataPruner(memory, memoryConsents);
          for (const store of [sqlite, sqliteConsents, memory, memoryConsents]) await store.connect();
          const compare = async () => {
            for (const w of windows) {
              await sameAnswers(memory, sqlite, BASE + w.from, BASE + w.from + w.length, w.every);
            }
          };
          try {
            for (const batch of batches) {
              const readings: Reading[] = batch.map((p) => ({
                building: "b1",
                space: spaceOf(p.sensor),
                sensor: p.sensor,
                quantity: "heating_energy",
                t: BASE + p.step * STEP + offsetOf(p.sensor),
                v: p.v,
              }));
              await sqlite.write(readings);
              await memory.write(readings);
            }
            await compare();
            for (const { cutoff, consentD2 } of prunings) {
              const consent = {
                building: "b1",
                dwelling: "d2",
                purpose: "fine_history" as const,
                granted: consentD2,
                recordedBy: "t",
              };
              await sqliteConsents.record(consent);
              await memoryConsents.record(consent);
              const before = BASE + cutoff * STEP;
              expect(await memoryPruner.pruneFine(before, "fine_history")).toEqual(
                await sqliteConsents.pruneFine(before, "fine_history"),
              );
              await compare();
            }
          } finally {
            for (const store of [memoryConsents, memory, sqliteConsents, sqlite]) await store.close();
          }
        },
      ),
      { numRuns },
    );
  });
});
