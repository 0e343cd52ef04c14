import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { gunzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import type { Reading } from "../model/reading.ts";
import { dayNumberOfIso } from "./calendar.ts";
import {
  columnInstant,
  encodeText,
  formatNumber,
  formatTime,
  LineSink,
  METEO_DAILY_COLUMNS,
  METEO_HOURLY_COLUMNS,
  type MeteoStation,
  simulatedReadings,
  wideMeterTable,
  wideTableFromDaily,
  writeLargeLongCsv,
  writeLongCsv,
  writeMeteoDaily,
  writeMeteoHourly,
  writeToBuffer,
  writeWideMeterCsv,
} from "./history-files.ts";
import { simulatePilot } from "./pilot.ts";
import { generateSite } from "./site-generator.ts";
import { SiteSimulation } from "./site-simulation.ts";
import { Weather } from "./weather.ts";

const ZONE = "Europe/Paris";
const folder = mkdtempSync(join(tmpdir(), "history-files-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

const site = generateSite({ seed: 3, buildings: 1, dwellingsPerBuilding: 4 });
const reading = (over: Partial<Reading>): Reading => ({
  building: "b01",
  space: "001",
  sensor: "heat",
  quantity: "heating_energy",
  t: Date.parse("2025-01-31T22:00:00Z"),
  v: 12345.6,
  ...over,
});

describe("bytes", () => {
  it("writes Windows-1252 as its single bytes, € and œ included, and refuses what it cannot write", () => {
    expect([...encodeText("é°³€œ’", "windows-1252")]).toEqual([0xe9, 0xb0, 0xb3, 0x80, 0x9c, 0x92]);
    expect(encodeText("Unité", "utf-8").toString("utf8")).toBe("Unité");
    expect(() => encodeText("ő", "windows-1252")).toThrow(/UTF-8/);
  });

  it("waits for the stream when it asks, and counts bytes", async () => {
    const chunks: Buffer[] = [];
    let waits = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _e, callback) {
        chunks.push(chunk);
        setImmediate(callback);
      },
    });
    const sink = new LineSink(slow, { encoding: "utf-8" });
    for (let i = 0; i < 20_000; i++) {
      const wait = sink.line(`line ${i};${"x".repeat(20)}`);
      if (wait) {
        waits++;
        await wait;
      }
    }
    await sink.flush();
    expect(waits).toBeGreaterThan(0);
    expect(Buffer.concat(chunks).length).toBe(sink.bytes);
    expect(sink.lines).toBe(20_000);
  });
});

describe("fields", () => {
  it("formats numbers with a comma or a point, and times in each style", () => {
    expect(formatNumber(12345.6, undefined, true)).toBe("12345,6");
    expect(formatNumber(-0.04, 1, false)).toBe("0.0");
    expect(formatNumber(3, 1, true)).toBe("3,0");
    const t = Date.parse("2025-01-31T22:00:00Z");
    expect(formatTime(t, "iso-offset", ZONE)).toBe("2025-01-31T23:00:00+01:00");
    expect(formatTime(t, "iso-utc", ZONE)).toBe("2025-01-31T22:00:00Z");
    expect(formatTime(t, "local", ZONE)).toBe("2025-01-31 23:00:00");
    expect(formatTime(t, "local-fr", ZONE)).toBe("31/01/2025 23:00:00");
    expect(formatTime(Date.parse("2025-07-01T12:00:00Z"), "iso-offset", ZONE)).toBe(
      "2025-07-01T14:00:00+02:00",
    );
  });

  it("puts a date alone at 23:59:59 local, and a clock time at that local time on DST days", () => {
    const day = dayNumberOfIso("2025-03-30");
    expect(new Date(columnInstant({ day }, ZONE)).toISOString()).toBe("2025-03-30T21:59:59.000Z");
    expect(new Date(columnInstant({ day, time: "06:00" }, ZONE)).toISOString()).toBe(
      "2025-03-30T04:00:00.000Z",
    );
    expect(new Date(columnInstant({ day: day - 1, time: "15:00" }, ZONE)).toISOString()).toBe(
      "2025-03-29T14:00:00.000Z",
    );
  });
});

describe("long CSV", () => {
  it("writes FORMATS.md's example rows, semicolons and decimal comma", async () => {
    const bytes = await writeToBuffer((out) =>
      writeLongCsv(
        out,
        [
          reading({ building: "tilleuls-a", space: "a-001" }),
          reading({
            building: "tilleuls-a",
            space: "common",
            sensor: "outdoor",
            quantity: "outdoor_temperature",
            v: 6.5,
          }),
        ],
        { decimalComma: true, units: "display", encoding: "windows-1252" },
      ),
    );
    expect(bytes.toString("latin1").split("\n")).toEqual([
      "building;space;sensor;time;value;unit",
      "tilleuls-a;a-001;heat;2025-01-31T23:00:00+01:00;12345,6;kWh",
      "tilleuls-a;common;outdoor;2025-01-31T23:00:00+01:00;6,5;°C",
      "",
    ]);
    expect(bytes.includes(0xb0)).toBe(true);
  });

  it("writes French headers, local times, commas with a decimal point, a BOM, and refuses a comma for both", async () => {
    const bytes = await writeToBuffer((out) =>
      writeLongCsv(out, [reading({ quantity: "cold_water", sensor: "cw", v: 48.213 })], {
        delimiter: ",",
        header: "french",
        time: "local-fr",
        bom: true,
        units: "display",
        eol: "\r\n",
      }),
    );
    expect(bytes.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    expect(bytes.subarray(3).toString("utf8")).toBe(
      "batiment,logement,capteur,horodatage,valeur,unite\r\nb01,001,cw,31/01/2025 23:00:00,48.213,m³\r\n",
    );
    await expect(
      writeToBuffer((out) => writeLongCsv(out, [], { delimiter: ",", decimalComma: true })),
    ).rejects.toThrow(/decimal comma/);
  });

  it("writes a simulated site's readings, one per row", async () => {
    const from = Date.parse("2025-01-01T00:00:00+01:00");
    const readings = [...simulatedReadings({ site, seed: 3, from, to: from + 3_600_000, stepMs: 900_000 })];
    const bytes = await writeToBuffer((out) => writeLongCsv(out, readings, {}));
    const lines = bytes.toString("utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(readings.length + 1);
    expect(readings.length).toBe(4 * (4 * 7 + 3));
    expect(lines[1]).toMatch(/^b01;001;heat;2025-01-01T00:00:00\+01:00;\d+(\.\d+)?;kWh$/);
  });
});

describe("wide meter-index CSV", () => {
  const sim = new SiteSimulation({ site, seed: 3 });

  it("one row per meter by its number, one column per day, indexes at the end of each day", async () => {
    const withMeters = {
      ...site,
      buildings: site.buildings.map((b) => ({
        ...b,
        dwellings: b.dwellings.map((d, i) => ({
          ...d,
          sensors: d.sensors.map((s) => (s.id === "heat" ? { ...s, meter: `HC-${i}` } : s)),
        })),
      })),
    };
    const table = wideMeterTable(new SiteSimulation({ site: withMeters, seed: 3 }), {
      from: "2025-01-01",
      to: "2025-01-04",
      quantities: ["heating_energy"],
      decimals: 1,
    });
    expect(table.rows.map((r) => r.meter)).toEqual(["HC-0", "HC-1", "HC-2", "HC-3", undefined]);
    const rows = table.rows.filter((r) => r.meter !== undefined);
    const bytes = await writeToBuffer((out) =>
      writeWideMeterCsv(
        out,
        { columns: table.columns, rows },
        {
          decimalComma: true,
          encoding: "windows-1252",
          decimals: 1,
          units: "catalogue",
        },
      ),
    );
    const lines = bytes.toString("latin1").trimEnd().split("\n");
    expect(lines[0]).toBe("N° compteur;Unité;01/01/2025;02/01/2025;03/01/2025");
    expect(bytes.subarray(0, 2)).toEqual(Buffer.from([0x4e, 0xb0]));
    const first = lines[1]!.split(";");
    expect(first.slice(0, 2)).toEqual(["HC-0", "kWh"]);
    const end = columnInstant({ day: dayNumberOfIso("2025-01-02") }, ZONE);
    const index = sim.rawIndex("b01", "001", "heating_energy", end);
    expect(Number(first[3]!.replace(",", "."))).toBe(Math.floor(index * 10) / 10);
    // Indexes grow.
    const values = first.slice(2).map((v) => Number(v.replace(",", ".")));
    expect(values[1]).toBeGreaterThan(values[0]!);
  });

  it("monthly columns on the last day of each month, by building/space/sensor, a read time, gaps", async () => {
    const table = wideMeterTable(sim, {
      from: "2025-01-01",
      to: "2025-07-01",
      period: "monthly",
      readAt: "08:00",
      quantities: ["cold_water"],
      missingShare: 0.3,
    });
    expect(table.columns.map((c) => c.day)).toEqual(
      ["2025-01-31", "2025-02-28", "2025-03-31", "2025-04-30", "2025-05-31", "2025-06-30"].map(
        dayNumberOfIso,
      ),
    );
    const bytes = await writeToBuffer((out) =>
      writeWideMeterCsv(out, table, { identify: "sensor", header: "english", dates: "iso", units: "none" }),
    );
    const lines = bytes.toString("utf8").trimEnd().split("\n");
    expect(lines[0]).toBe(
      "building;space;sensor;2025-01-31 08:00;2025-02-28 08:00;2025-03-31 08:00;2025-04-30 08:00;2025-05-31 08:00;2025-06-30 08:00",
    );
    expect(lines).toHaveLength(1 + 4);
    expect(lines.slice(1).some((l) => l.includes(";;") || l.endsWith(";"))).toBe(true);
  });

  it("turns a daily pilot's consumptions into indexes, a column per day after the starting one", async () => {
    const pilot = simulatePilot({
      seed: 9,
      dwellings: 6,
      treatedShare: 0.5,
      start: "2025-01-01",
      baselineDays: 20,
      reportingDays: 20,
      quantity: "heating_energy",
      trueEffect: -0.1,
      deviceStandbyW: 0,
    });
    const table = wideTableFromDaily({
      building: "pilot",
      sensor: "heat",
      quantity: "heating_energy",
      firstDay: pilot.days[0]!,
      meters: pilot.dwellings.map((d) => ({ space: d.id, daily: d.daily })),
      decimals: 3,
    });
    expect(table.columns).toHaveLength(41);
    expect(table.columns[0]!.day).toBe(dayNumberOfIso("2024-12-31"));
    const row = table.rows[0]!;
    expect(row.values[5]! - row.values[4]!).toBeCloseTo(pilot.dwellings[0]!.daily[4]!, 2);
    const bytes = await writeToBuffer((out) =>
      writeWideMeterCsv(out, table, { identify: "sensor", dates: "iso" }),
    );
    expect(bytes.toString("utf8").split("\n")[0]).toMatch(
      /^Bâtiment;Logement;Capteur;Unité;2024-12-31;2025-01-01;/,
    );
  });

  it("needs a meter number to name meters by it", async () => {
    const table = wideMeterTable(sim, {
      from: "2025-01-01",
      to: "2025-01-02",
      quantities: ["heating_energy"],
    });
    await expect(writeToBuffer((out) => writeWideMeterCsv(out, table, {}))).rejects.toThrow(/meter number/);
  });
});

describe("Météo-France files", () => {
  const stations: MeteoStation[] = [
    {
      numPoste: "69029001",
      name: "LYON-BRON",
      lat: 45.721333,
      lon: 4.949167,
      alti: 197,
      weather: new Weather(5),
    },
    {
      numPoste: "69299001",
      name: "LYON-ST EXUPERY",
      lat: 45.7265,
      lon: 5.077833,
      alti: 235,
      weather: new Weather(6),
    },
  ];

  it("daily: Météo-France's columns, TN/TX of the weather's days, quality codes, other stations' rows", async () => {
    const bytes = await writeToBuffer((out) =>
      writeMeteoDaily(out, stations, {
        from: "2025-12-01",
        to: "2026-01-01",
        validatedUntil: "2025-12-20",
        doubtfulShare: 0.2,
        clean: ["69029001"],
      }),
    );
    const [header, ...rows] = bytes.toString("utf8").trimEnd().split("\n");
    expect(header).toBe(METEO_DAILY_COLUMNS.join(";"));
    expect(
      header!.startsWith(
        "NUM_POSTE;NOM_USUEL;LAT;LON;ALTI;AAAAMMJJ;RR;QRR;TN;QTN;HTN;QHTN;TX;QTX;HTX;QHTX;TM;QTM;TNTXM;QTNTXM",
      ),
    ).toBe(true);
    expect(rows).toHaveLength(62);
    const col = (name: string) => METEO_DAILY_COLUMNS.indexOf(name as (typeof METEO_DAILY_COLUMNS)[number]);
    const bron = rows.filter((r) => r.startsWith("69029001;")).map((r) => r.split(";"));
    const w = stations[0]!.weather.daily(dayNumberOfIso("2025-12-01"));
    expect(bron[0]![col("AAAAMMJJ")]).toBe("20251201");
    expect(bron[0]![col("TN")]).toBe((Math.round(w.tmin * 10) / 10).toFixed(1));
    expect(bron[0]![col("TX")]).toBe((Math.round(w.tmax * 10) / 10).toFixed(1));
    expect(bron.every((r) => r.length === METEO_DAILY_COLUMNS.length)).toBe(true);
    expect(new Set(bron.slice(0, 19).map((r) => r[col("QTN")]))).not.toContain("9");
    expect(new Set(bron.slice(19).map((r) => r[col("QTN")]))).toEqual(new Set(["9"]));
    expect(bron.some((r) => r[col("QTN")] === "2")).toBe(false);
    const other = rows.filter((r) => r.startsWith("69299001;")).map((r) => r.split(";"));
    expect(other.some((r) => r[col("QTN")] === "2")).toBe(true);
    expect(other[0]![col("TNTXM")]).toMatch(/^-?\d+\.\d$/);
  });

  it("hourly: one row per UTC hour, T from temperatureAt", async () => {
    const bytes = await writeToBuffer((out) =>
      writeMeteoHourly(out, stations.slice(0, 1), { from: "2025-12-01", to: "2025-12-02" }),
    );
    const [header, ...rows] = bytes.toString("utf8").trimEnd().split("\n");
    expect(header).toBe(METEO_HOURLY_COLUMNS.join(";"));
    expect(rows).toHaveLength(24);
    const first = rows[0]!.split(";");
    expect(first[5]).toBe("2025113023");
    const t = Date.parse("2025-11-30T23:00:00Z");
    expect(first[METEO_HOURLY_COLUMNS.indexOf("T")]).toBe(
      (Math.round(stations[0]!.weather.temperatureAt(t) * 10) / 10).toFixed(1),
    );
  });
});

describe("large long CSV", () => {
  it("streams to the size asked, gzip or not, and reports rows and bytes", async () => {
    const path = join(folder, "large.csv");
    const result = await writeLargeLongCsv({
      path,
      targetBytes: 3_000_000,
      buildings: 2,
      dwellingsPerBuilding: 30,
      stepMinutes: 60,
    });
    expect(result.bytes).toBe(statSync(path).size);
    expect(result.bytes).toBeGreaterThanOrEqual(3_000_000);
    expect(result.bytes).toBeLessThan(3_000_000 + 100_000);
    const lines = readFileSync(path, "utf8").trimEnd().split("\n");
    expect(lines).toHaveLength(result.rows + 1);
    expect(result.meters).toBe(2 * (30 * 4 + 2));
    expect(lines.at(-1)).toMatch(/^b0\d;[^;]+;[^;]+;[^;]+;[\d.]+;(kWh|m3)$/);

    const gz = join(folder, "large.csv.gz");
    const zipped = await writeLargeLongCsv({
      path: gz,
      targetBytes: 500_000,
      buildings: 1,
      dwellingsPerBuilding: 10,
    });
    expect(gunzipSync(readFileSync(gz)).length).toBe(zipped.bytes);
  });
});
