import { gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type ImportFixture, importFixture, pointsOf } from "../test/support/import-fixture.ts";
import { ImportError } from "./run-import.ts";

let f: ImportFixture;
beforeEach(async () => {
  f = await importFixture();
});
afterEach(async () => {
  await f.close();
});

const LONG = `building;space;sensor;time;value;unit
tilleuls-a;a-001;heat;2025-01-01;1000,5;kWh
tilleuls-a;a-001;heat;2025-01-02;1010,5;kWh
tilleuls-a;a-001;cw;2025-01-02T12:00:00+01:00;48,2;m³
tilleuls-a;a-001;cw;2025-01-03 12:00;48300;L
tilleuls-a;common;outdoor;2025-01-03 14:00;6,5;°C
`;

async function refusedOf(id: number) {
  return f.ledger.refused(id, undefined, 1000);
}

describe("long CSV", () => {
  it("stores each row once, local dates at the end of the day, units converted", async () => {
    const s = await f.run(LONG);
    expect(s).toMatchObject({
      format: "long",
      delimiter: ";",
      decimal: ",",
      encoding: "utf-8",
      state: "done",
    });
    expect(s.counts).toMatchObject({ rows: 5, stored: 5, refused: 0, duplicates: 0 });
    expect(await pointsOf(f, "tilleuls-a", "a-001", "heat", "heating_energy")).toEqual([
      ["2025-01-01T22:59:59.000Z", 1000.5],
      ["2025-01-02T22:59:59.000Z", 1010.5],
    ]);
    const water = await pointsOf(f, "tilleuls-a", "a-001", "cw", "cold_water");
    expect(water.map((p) => p[0])).toEqual(["2025-01-02T11:00:00.000Z", "2025-01-03T11:00:00.000Z"]);
    expect(water[0]![1]).toBe(48.2);
    expect(water[1]![1]).toBeCloseTo(48.3, 9);
    expect(await pointsOf(f, "tilleuls-a", "common", "outdoor", "outdoor_temperature")).toEqual([
      ["2025-01-03T13:00:00.000Z", 6.5],
    ]);
  });

  it("reads French headers in Windows-1252, gzip, commas and tabs", async () => {
    const french =
      "Bâtiment;Logement;Capteur;Horodatage;Valeur;Unité\r\ntilleuls-a;a-002;heat;31/01/2025 23:00;12,5;kWh\r\n";
    const cp1252 = Buffer.from(french.replace("â", "\u00e2").replace("é", "\u00e9"), "latin1");
    const s1 = await f.run(cp1252);
    expect(s1).toMatchObject({ encoding: "windows-1252", counts: { stored: 1, refused: 0 } });
    const s2 = await f.run(
      gzipSync(
        Buffer.from("building,space,sensor,time,value\ntilleuls-a,a-002,heat,2025-02-01T00:00:00Z,13.5\n"),
      ),
      { name: "b.csv.gz" },
    );
    expect(s2).toMatchObject({ compressed: true, delimiter: ",", decimal: ".", counts: { stored: 1 } });
    const s3 = await f.run(
      "building\tspace\tsensor\ttime\tvalue\ntilleuls-a\ta-002\theat\t2025-02-02\t14,5\n",
      { name: "c.tsv" },
    );
    expect(s3).toMatchObject({ delimiter: "\t", decimal: ",", counts: { stored: 1 } });
    expect((await pointsOf(f, "tilleuls-a", "a-002", "heat", "heating_energy")).map((p) => p[1])).toEqual([
      12.5, 13.5, 14.5,
    ]);
  });

  it("refuses what is wrong, row by row, with line and reason, and keeps the rest", async () => {
    const s = await f.run(`building;space;sensor;time;value;unit
tilleuls-a;a-001;heat;2025-01-01;1000,5;kWh
tilleuls-a;a-001;heat;2025-01-02;1010,5;kWh
tilleuls-a;a-001;heat;2025-01-02;1010,5;kWh
tilleuls-a;a-001;heat;2025-01-02;1011;kWh
tilleuls-a;a-001;heat;2025-01-03;1005,5;kWh
tilleuls-a;a-001;heat;2025-01-04;3,5;kWh
tilleuls-a;a-001;heat;32/01/2025;48,4;kWh
tilleuls-a;a-001;heat;2025-01-05;1 234,5;kWh
tilleuls-a;a-001;heat;2025-01-05;12;m3
tilleuls-a;a-009;heat;2025-01-05;12;kWh
tilleuls-z;a-001;heat;2025-01-05;12;kWh
tilleuls-a;a-001;temp;2025-01-05 12:00;120;Cel
tilleuls-a;a-001;heat;2030-01-05;12;kWh
tilleuls-a;a-001

tilleuls-a;a-001;heat;2025-01-06;;kWh
`);
    expect(s.counts).toMatchObject({
      rows: 15,
      stored: 3,
      duplicates: 1,
      refused: 10,
      skipped: { "empty values": 1 },
    });
    const reasons = (await refusedOf(s.id)).map((r) => [r.line, r.reason]);
    expect(reasons).toEqual([
      [5, "conflicting_duplicate"],
      [6, "meter_backwards"],
      [8, "bad_time"],
      [9, "bad_number"],
      [10, "wrong_unit"],
      [11, "unknown_space"],
      [12, "unknown_building"],
      [13, "out_of_range"],
      [14, "timestamp_in_future"],
      [15, "malformed_row"],
    ]);
    // Line 7 drops below a tenth of the index: a replaced meter, kept.
    expect((await pointsOf(f, "tilleuls-a", "a-001", "heat", "heating_energy")).map((p) => p[1])).toEqual([
      1000.5, 1010.5, 3.5,
    ]);
  });

  it("names the missing columns, and a wrong delimiter, instead of refusing every row", async () => {
    await expect(f.run("building;space;sensor;value\nx;y;z;1\n")).rejects.toThrow(
      /header .* is none of the import formats|needs/,
    );
    await expect(
      f.run("building|space|sensor|time|value\n", { options: { delimiter: ";" } }),
    ).rejects.toMatchObject({
      code: "unknown_format",
    });
    const err = await f
      .run("building;space;sensor;date;valeur\n", { options: { format: "wide" } })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err.message).toMatch(/columns whose headers are reading dates/);
    await expect(f.run("")).rejects.toMatchObject({ code: "empty_file" });
  });

  it("says a cut gzip file is cut, keeping the rows before the cut", async () => {
    let text = "building;space;sensor;time;value\n";
    for (let i = 0; i < 200_000; i++)
      text += `tilleuls-a;a-001;temp;${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()};${(i % 200) / 10}\n`;
    const zipped = gzipSync(Buffer.from(text));
    const err = await f
      .run(zipped.subarray(0, Math.floor(zipped.length * 0.8)), { name: "cut.csv.gz", batchSize: 1000 })
      .catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err).toMatchObject({ code: "unreadable_input" });
    expect(err.message).toMatch(/cut\.csv\.gz: the gzip stream is cut or corrupt/);
    const stored = await f.store.count({
      building: "tilleuls-a",
      quantity: "temperature",
      from: 0,
      to: Date.UTC(2030, 0, 1),
    });
    expect(stored).toBeGreaterThan(100_000);
    expect(stored).toBe(err.resumeAfterLine - 1);
    const notGzip = await f
      .run(Buffer.from([0x1f, 0x8b, 0, 1, 2, 3, 4, 5]), { name: "bad.gz" })
      .catch((e) => e);
    expect(notGzip).toMatchObject({ code: "unreadable_input" });
  });

  it("refuses a line without end and reads on after it; a first line without end is no table", async () => {
    const long = "x".repeat(3 * 1024 * 1024);
    const s = await f.run(
      `building;space;sensor;time;value\ntilleuls-a;a-001;temp;2025-01-01 10:00;20\n${long}\ntilleuls-a;a-001;temp;2025-01-01 11:00;21\n`,
    );
    expect(s.counts).toMatchObject({ rows: 3, stored: 2, refused: 1 });
    expect((await refusedOf(s.id))[0]).toMatchObject({ line: 3, reason: "malformed_row" });
    expect((await refusedOf(s.id))[0]!.detail).toMatch(/longer than 1048576 characters/);
    await expect(f.run(long)).rejects.toMatchObject({ code: "unknown_format" });
  });

  it("keeps a file of nothing but refused rows to a bounded list, and years before 1900 out", async () => {
    let text = "building;space;sensor;time;value\n";
    for (let i = 0; i < 12_000; i++) text += `tilleuls-a;a-001;nosuch-${i};2025-01-01;1\n`;
    text += "tilleuls-a;a-001;temp;0099-12-31 10:00;20\ntilleuls-a;a-001;temp;00991231;20\n";
    const s = await f.run(text);
    expect(s.counts).toMatchObject({ rows: 12_002, stored: 0, refused: 12_002 });
    const refused = await f.ledger.refused(s.id, undefined, 20_000);
    expect(refused).toHaveLength(12_002);
    expect(refused.at(-2)).toMatchObject({ reason: "bad_time", detail: expect.stringMatching(/year 99/) });
  });

  it("takes history older than live ingest's three years, within the range the import states", async () => {
    const old =
      "building;space;sensor;time;value\ntilleuls-a;a-003;heat;2012-01-01;10\ntilleuls-a;a-003;heat;2012-06-01;20\n";
    const s = await f.run(old, { options: { range: { from: Date.UTC(2012, 2, 1) } } });
    expect(s.counts).toMatchObject({ stored: 1, refused: 1 });
    expect((await refusedOf(s.id))[0]).toMatchObject({ line: 2, reason: "outside_range" });
  });
});

describe("wide meter-index CSV", () => {
  it("reads one column per date, by meter number or by building, space and sensor", async () => {
    const s = await f.run(`Compteur;Locataire;Unité;01/01/2025;02/01/2025;03/01/2025
HC-1;Mme Martin;kWh;100,5;110,25;
EF-1;Mme Martin;m3;40,1;40,3;40,6
XX-9;M. Durand;kWh;1;2;3
HC-2;M. Petit;kWh;200;abc;210
`);
    expect(s).toMatchObject({
      format: "wide",
      counts: { rows: 4, stored: 7, refused: 2, skipped: { "empty cells": 1 } },
    });
    expect(await refusedOf(s.id)).toMatchObject([
      { line: 4, reason: "unknown_meter" },
      { line: 5, column: "02/01/2025", reason: "bad_number" },
    ]);
    expect(await pointsOf(f, "tilleuls-a", "a-001", "cw", "cold_water")).toEqual([
      ["2025-01-01T22:59:59.000Z", 40.1],
      ["2025-01-02T22:59:59.000Z", 40.3],
      ["2025-01-03T22:59:59.000Z", 40.6],
    ]);
    const byIds = await f.run("building;space;sensor;2025-01-04\ntilleuls-a;a-001;heat;120\n", {
      name: "ids.csv",
      options: { dateIs: "start-of-day" },
    });
    expect(byIds.counts.stored).toBe(1);
    expect((await pointsOf(f, "tilleuls-a", "a-001", "heat", "heating_energy")).at(-1)).toEqual([
      "2025-01-03T23:00:00.000Z",
      120,
    ]);
  });

  it("keeps a replaced meter's new index and refuses a misread one", async () => {
    const s = await f.run(
      "meter;2025-01-01;2025-01-02;2025-01-03;2025-01-04\nHC-3;5000;5010;2;12\nEF-3;10;11;10,5;12\n",
    );
    expect(s.counts).toMatchObject({ stored: 7, refused: 1 });
    expect(await refusedOf(s.id)).toMatchObject([
      { line: 3, column: "2025-01-03", reason: "meter_backwards" },
    ]);
  });
});

describe("Météo-France climatological files", () => {
  const DAILY = `NUM_POSTE;NOM_USUEL;LAT;LON;ALTI;AAAAMMJJ;RR;QRR;TN;QTN;HTN;QHTN;TX;QTX;HTX;QHTX;TM;QTM
69029001;BRON;45.721;4.939;198;20250115;0;1;-2.5;1;640;9;6.1;1;1420;9;1.8;1
69123001;LYON-ST EXUPERY;45.726;5.078;235;20250115;0.2;1;-3.1;1;612;9;5.4;0;1450;9;1.2;1
69123001;LYON-ST EXUPERY;45.726;5.078;235;20250116;;;-1.0;2;600;9;;;;;;
69123001;LYON-ST EXUPERY;45.726;5.078;235;20250132;;;-1.0;1;600;9;4.0;1;;;;
`;
  it("daily: TN at 06:00 and TX at 15:00 local time for every building the station feeds", async () => {
    const s = await f.run(DAILY, { name: "Q_69_latest-2025-2026_RR-T-Vent.csv" });
    expect(s).toMatchObject({ format: "meteo-france-daily", decimal: "." });
    expect(s.counts).toMatchObject({
      rows: 4,
      stored: 4,
      refused: 2,
      skipped: { "rows of stations no building names": 1 },
    });
    for (const building of ["tilleuls-a", "tilleuls-b"]) {
      expect(await pointsOf(f, building, "common", "outdoor", "outdoor_temperature")).toEqual([
        ["2025-01-15T05:00:00.000Z", -3.1],
        ["2025-01-15T14:00:00.000Z", 5.4],
      ]);
    }
    expect((await refusedOf(s.id)).map((r) => r.reason)).toEqual(["doubtful_value", "bad_time"]);
  });

  it("hourly: T at its UTC hour", async () => {
    const s = await f.run(
      "NUM_POSTE;NOM_USUEL;LAT;LON;ALTI;AAAAMMJJHH;RR1;QRR1;T;QT;TD;QTD\n69123001;LYON-ST EXUPERY;45.7;5.0;235;2025011506;0;1;-2.9;1;-4;1\n69123001;LYON-ST EXUPERY;45.7;5.0;235;2025011507;0;1;;;-4;1\n",
      { name: "H_69_latest-2025-2026.csv.gz" },
    );
    expect(s.counts).toMatchObject({ rows: 2, stored: 2, skipped: { "empty values": 1 } });
    expect(await pointsOf(f, "tilleuls-b", "common", "outdoor", "outdoor_temperature")).toEqual([
      ["2025-01-15T06:00:00.000Z", -2.9],
    ]);
  });
});

describe("idempotence and resumption", () => {
  const rows = (n: number) => {
    let text = "building;space;sensor;time;value\n";
    for (let i = 0; i < n; i++)
      text += `tilleuls-a;a-001;temp;${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toISOString()};${(i % 300) / 10}\n`;
    return text;
  };

  it("stores nothing twice when the same file comes again, and says so", async () => {
    const text = rows(3000);
    const first = await f.run(text, { batchSize: 500 });
    const second = await f.run(text, { batchSize: 500 });
    expect(second.sameContentAs).toBe(first.id);
    expect(
      await f.store.count({
        building: "tilleuls-a",
        quantity: "temperature",
        from: 0,
        to: Date.UTC(2030, 0, 1),
      }),
    ).toBe(3000);
  });

  it("goes on after the last confirmed line when an import stopped, recording no refusal twice", async () => {
    const text = `${rows(2500)}tilleuls-a;a-001;temp;bad;1\n${rows(2500).split("\n").slice(1).join("\n").replaceAll("2024-01", "2024-02")}`;
    const controller = new AbortController();
    const write = f.store.write.bind(f.store);
    let writes = 0;
    f.store.write = async (batch) => {
      const result = await write(batch);
      if (++writes === 6) controller.abort();
      return result;
    };
    const err = await f.run(text, { batchSize: 500, signal: controller.signal }).catch((e) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect(err).toMatchObject({ code: "stopped" });
    expect(err.resumeAfterLine).toBeGreaterThan(2500);
    const stoppedAt = err.resumeAfterLine as number;
    expect((await f.ledger.get(err.importId))?.state).toBe("interrupted");
    f.store.write = write;
    const resumed = await f.run(text, { batchSize: 500 });
    expect(resumed.id).toBe(err.importId);
    expect(resumed.resumedAfterLine).toBe(stoppedAt);
    expect(resumed.counts).toMatchObject({ rows: 5001, stored: 5000, refused: 1 });
    expect(await refusedOf(resumed.id)).toMatchObject([{ line: 2502, reason: "bad_time" }]);
    expect(
      await f.store.count({
        building: "tilleuls-a",
        quantity: "temperature",
        from: 0,
        to: Date.UTC(2030, 0, 1),
      }),
    ).toBe(5000);
  });
});
