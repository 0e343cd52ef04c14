// The TelemetryStore port in a site's time zone other than Paris: a store created with a zone
// cuts days and months at its local midnights. Martinique (UTC-4, midnight at 04:00 UTC),
// Réunion (UTC+4, midnight at 20:00 UTC the day before) and the Marquesas (UTC-9:30, days
// starting on the half hour). Expected values are computed by hand; 15-minute and hourly
// windows stay on UTC.
import type { Reading } from "../../model/reading.ts";
import type { OpenedTelemetryStore } from "./telemetry-store.contract.ts";
import type { TestKit } from "./test-kit.ts";

const utc = (iso: string): number => Date.parse(iso);

const gauge = (t: string, v: number): Reading => ({
  building: "b1",
  space: "d1",
  sensor: "s1",
  quantity: "temperature",
  t: utc(t),
  v,
});

const meter = (sensor: string, space: string, t: string, v: number): Reading => ({
  building: "b1",
  space,
  sensor,
  quantity: "electricity",
  t: utc(t),
  v,
});

const windows = (pairs: [string, number][]) => pairs.map(([start, value]) => ({ start: utc(start), value }));

export function timeZoneContract(
  kit: TestKit,
  adapterName: string,
  open: (timeZone: string) => Promise<OpenedTelemetryStore>,
): void {
  const { describe, it, expect, afterEach } = kit;
  describe(`TelemetryStore in the site's time zone: ${adapterName}`, () => {
    let opened: OpenedTelemetryStore | undefined;
    const storeIn = async (zone: string) => {
      opened = await open(zone);
      return opened.store;
    };
    afterEach(async () => {
      await opened?.teardown();
      opened = undefined;
    });
    const all = { building: "b1", from: 0, to: utc("2100-01-01T00:00:00Z") };

    it("Martinique: days and months start at 04:00 UTC", async () => {
      const store = await storeIn("America/Martinique");
      await store.write([
        gauge("2025-01-31T03:00:00Z", 1), // 30 January, 23:00 local
        gauge("2025-01-31T03:59:59.999Z", 2), // 30 January, 23:59:59.999
        gauge("2025-01-31T04:00:00Z", 4), // 31 January, 00:00
        gauge("2025-02-01T03:30:00Z", 8), // 31 January, 23:30
        gauge("2025-02-01T04:00:00Z", 16), // 1 February, 00:00
        gauge("2025-02-28T23:00:00Z", 32), // 28 February, 19:00
        gauge("2025-03-01T03:59:00Z", 64), // 28 February, 23:59
        gauge("2025-03-01T04:00:00Z", 128), // 1 March, 00:00
      ]);
      const q = { ...all, quantity: "temperature" as const };
      expect(await store.aggregate({ ...q, fn: "sum", every: "1d" })).toEqual(
        windows([
          ["2025-01-30T04:00:00Z", 3],
          ["2025-01-31T04:00:00Z", 12],
          ["2025-02-01T04:00:00Z", 16],
          ["2025-02-28T04:00:00Z", 96],
          ["2025-03-01T04:00:00Z", 128],
        ]),
      );
      expect(await store.aggregate({ ...q, fn: "sum", every: "1mo" })).toEqual(
        windows([
          ["2025-01-01T04:00:00Z", 15],
          ["2025-02-01T04:00:00Z", 112],
          ["2025-03-01T04:00:00Z", 128],
        ]),
      );
      expect(await store.aggregate({ ...q, fn: "count", every: "1mo" })).toEqual(
        windows([
          ["2025-01-01T04:00:00Z", 4],
          ["2025-02-01T04:00:00Z", 3],
          ["2025-03-01T04:00:00Z", 1],
        ]),
      );
      expect(await store.aggregate({ ...q, fn: "last", every: "1d" })).toEqual(
        windows([
          ["2025-01-30T04:00:00Z", 2],
          ["2025-01-31T04:00:00Z", 8],
          ["2025-02-01T04:00:00Z", 16],
          ["2025-02-28T04:00:00Z", 64],
          ["2025-03-01T04:00:00Z", 128],
        ]),
      );
      // A range from a local midnight: whole local days only.
      const february = { from: utc("2025-02-01T04:00:00Z"), to: utc("2025-03-01T04:00:00Z") };
      expect(await store.aggregate({ ...q, ...february, fn: "max", every: "1mo" })).toEqual(
        windows([["2025-02-01T04:00:00Z", 64]]),
      );
      expect(await store.count({ ...q, ...february })).toBe(3);
    });

    it("Martinique: consumption counts each increase in the local day and month of its later reading", async () => {
      const store = await storeIn("America/Martinique");
      await store.write([
        meter("m1", "d1", "2025-01-30T12:00:00Z", 100), // 30 January, 08:00 local
        meter("m1", "d1", "2025-01-31T03:59:59.999Z", 101), // 30 January: +1
        meter("m1", "d1", "2025-01-31T04:00:00Z", 103), // 31 January: +2
        meter("m1", "d1", "2025-02-01T03:59:00Z", 107), // 31 January: +4
        meter("m1", "d1", "2025-02-01T04:00:00Z", 115), // 1 February: +8
        meter("m2", "d2", "2025-01-31T03:00:00Z", 10), // 30 January, no predecessor
        meter("m2", "d2", "2025-01-31T05:00:00Z", 12), // 31 January: +2
        meter("m2", "d2", "2025-02-01T05:00:00Z", 20), // 1 February: +8
      ]);
      const q = { ...all, quantity: "electricity" as const };
      expect(await store.consumption({ ...q, space: "d1", every: "1d" })).toEqual(
        windows([
          ["2025-01-30T04:00:00Z", 1],
          ["2025-01-31T04:00:00Z", 6],
          ["2025-02-01T04:00:00Z", 8],
        ]),
      );
      expect(await store.consumption({ ...q, every: "1mo" })).toEqual(
        windows([
          ["2025-01-01T04:00:00Z", 9],
          ["2025-02-01T04:00:00Z", 16],
        ]),
      );
      const bySpace = await store.consumptionBySpace({ ...q, every: "1mo" });
      expect(bySpace.sort((a, b) => a.start - b.start || (a.space < b.space ? -1 : 1))).toEqual([
        { space: "d1", start: utc("2025-01-01T04:00:00Z"), value: 7 },
        { space: "d2", start: utc("2025-01-01T04:00:00Z"), value: 2 },
        { space: "d1", start: utc("2025-02-01T04:00:00Z"), value: 8 },
        { space: "d2", start: utc("2025-02-01T04:00:00Z"), value: 8 },
      ]);
      // From the local midnight of 31 January: the point before it gives the first increase.
      expect(
        await store.consumption({ ...q, space: "d1", from: utc("2025-01-31T04:00:00Z"), every: "1d" }),
      ).toEqual(
        windows([
          ["2025-01-31T04:00:00Z", 6],
          ["2025-02-01T04:00:00Z", 8],
        ]),
      );
    });

    it("Réunion: the new year starts at 20:00 UTC on 31 December", async () => {
      const store = await storeIn("Indian/Reunion");
      await store.write([
        gauge("2024-12-31T19:59:59Z", 1), // 31 December, 23:59:59 local
        gauge("2024-12-31T20:00:00Z", 2), // 1 January 2025, 00:00
        gauge("2025-01-31T19:30:00Z", 4), // 31 January, 23:30
        gauge("2025-01-31T20:00:00Z", 8), // 1 February, 00:00
      ]);
      const q = { ...all, quantity: "temperature" as const };
      expect(await store.aggregate({ ...q, fn: "sum", every: "1mo" })).toEqual(
        windows([
          ["2024-11-30T20:00:00Z", 1],
          ["2024-12-31T20:00:00Z", 6],
          ["2025-01-31T20:00:00Z", 8],
        ]),
      );
      expect(await store.aggregate({ ...q, fn: "sum", every: "1d" })).toEqual(
        windows([
          ["2024-12-30T20:00:00Z", 1],
          ["2024-12-31T20:00:00Z", 2],
          ["2025-01-30T20:00:00Z", 4],
          ["2025-01-31T20:00:00Z", 8],
        ]),
      );
    });

    it("the Marquesas: days start on the half hour, hours stay on UTC", async () => {
      const store = await storeIn("Pacific/Marquesas");
      await store.write([
        gauge("2025-01-01T09:29:59Z", 1), // 31 December, 23:59:59 local
        gauge("2025-01-01T09:30:00Z", 2), // 1 January, 00:00
        gauge("2025-01-01T10:00:00Z", 4), // 1 January, 00:30
        gauge("2025-01-02T09:00:00Z", 8), // 1 January, 23:30
        gauge("2025-01-02T09:30:00Z", 16), // 2 January, 00:00
        meter("m1", "d1", "2025-01-01T09:00:00Z", 0), // 31 December, 23:30
        meter("m1", "d1", "2025-01-01T09:45:00Z", 1), // 1 January: +1
        meter("m1", "d1", "2025-01-02T09:15:00Z", 3), // 1 January, 23:45: +2
        meter("m1", "d1", "2025-01-02T09:45:00Z", 7), // 2 January: +4
      ]);
      const q = { ...all, quantity: "temperature" as const };
      expect(await store.aggregate({ ...q, fn: "sum", every: "1d" })).toEqual(
        windows([
          ["2024-12-31T09:30:00Z", 1],
          ["2025-01-01T09:30:00Z", 14],
          ["2025-01-02T09:30:00Z", 16],
        ]),
      );
      expect(await store.aggregate({ ...q, fn: "min", every: "1d" })).toEqual(
        windows([
          ["2024-12-31T09:30:00Z", 1],
          ["2025-01-01T09:30:00Z", 2],
          ["2025-01-02T09:30:00Z", 16],
        ]),
      );
      expect(await store.aggregate({ ...q, fn: "sum", every: "1mo" })).toEqual(
        windows([
          ["2024-12-01T09:30:00Z", 1],
          ["2025-01-01T09:30:00Z", 30],
        ]),
      );
      expect(await store.aggregate({ ...q, fn: "sum", every: "1h" })).toEqual(
        windows([
          ["2025-01-01T09:00:00Z", 3],
          ["2025-01-01T10:00:00Z", 4],
          ["2025-01-02T09:00:00Z", 24],
        ]),
      );
      const m = { ...all, quantity: "electricity" as const };
      expect(await store.consumption({ ...m, every: "1d" })).toEqual(
        windows([
          ["2025-01-01T09:30:00Z", 3],
          ["2025-01-02T09:30:00Z", 4],
        ]),
      );
      expect(await store.consumption({ ...m, every: "1mo" })).toEqual(windows([["2025-01-01T09:30:00Z", 7]]));
    });
  });
}
