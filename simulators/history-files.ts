// History files in the import formats of imports/FORMATS.md, written from the simulators: the
// long CSV (one reading per row), the wide meter-index CSV contractors deliver, and Météo-France's
// daily and hourly climatological files. Every writer streams lines to a Writable with
// backpressure, so a file of any size is written in constant memory.
import { createWriteStream } from "node:fs";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { z } from "zod";
import { METERED_QUANTITIES, meteredQuantitySchema, QUANTITIES, type Quantity } from "../model/quantities.ts";
import type { Reading } from "../model/reading.ts";
import type { Site } from "../model/site.ts";
import { DEFAULT_TIME_ZONE, timeZoneSchema, zoneOffset } from "../model/time-zone.ts";
import { dayNumberOfIso, dayStart, isoOfDay, monthDay } from "./calendar.ts";
import { SimulatorError } from "./errors.ts";
import { hashOf, hashString, normalAt, uniformAt } from "./random.ts";
import { instants } from "./readings.ts";
import type { Scenario } from "./scenario.ts";
import { generateSite } from "./site-generator.ts";
import { SiteSimulation } from "./site-simulation.ts";
import type { Weather } from "./weather.ts";

// ---------------------------------------------------------------------------------------------
// Bytes: encodings and a line sink with backpressure

export const encodingSchema = z.enum(["utf-8", "windows-1252"]);
export type FileEncoding = z.infer<typeof encodingSchema>;

/** Windows-1252's 0x80-0x9F, where it departs from Latin-1 (0x81, 0x8D, 0x8F, 0x90, 0x9D unused). */
const CP1252_HIGH = new Map<number, number>(
  [..."€\u0081‚ƒ„…†‡ˆ‰Š‹Œ\u008dŽ\u008f\u0090‘’“”•–—˜™š›œ\u009džŸ"].flatMap((c, i) =>
    c.charCodeAt(0) < 0xa0 ? [] : [[c.charCodeAt(0), 0x80 + i] as [number, number]],
  ),
);

const NON_ASCII = /[^\p{ASCII}]/u;

/** Text as bytes in `encoding`; a character Windows-1252 cannot write is an error, not a '?'. */
export function encodeText(text: string, encoding: FileEncoding): Buffer {
  if (encoding === "utf-8" || !NON_ASCII.test(text)) return Buffer.from(text, "utf8");
  const out = Buffer.allocUnsafe(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const byte = c < 0x80 || (c >= 0xa0 && c <= 0xff) ? c : CP1252_HIGH.get(c);
    if (byte === undefined) {
      throw new SimulatorError(
        "OPTIONS_INVALID",
        `"${text[i]}" (U+${c.toString(16).toUpperCase().padStart(4, "0")}) cannot be written in Windows-1252; write the file in UTF-8`,
      );
    }
    out[i] = byte;
  }
  return out;
}

const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * Lines to a Writable in chunks of about 64 KiB. `line()` returns a promise only when the
 * stream asked to wait (write returned false), so callers `await` it only then:
 * `const wait = sink.line(s); if (wait) await wait;`.
 */
export class LineSink {
  readonly #out: Writable;
  readonly #encoding: FileEncoding;
  readonly #eol: string;
  #pending: string[] = [];
  #pendingChars = 0;
  #bytes = 0;
  #lines = 0;

  constructor(out: Writable, options: { encoding: FileEncoding; eol?: string; bom?: boolean }) {
    this.#out = out;
    this.#encoding = options.encoding;
    this.#eol = options.eol ?? "\n";
    if (options.bom && options.encoding === "utf-8") {
      out.write(UTF8_BOM);
      this.#bytes += UTF8_BOM.length;
    }
  }

  /** Bytes handed to the stream so far (before any compression), lines included once flushed. */
  get bytes(): number {
    return this.#bytes;
  }

  get lines(): number {
    return this.#lines;
  }

  /** Bytes written once the pending lines are flushed. */
  get bytesSoFar(): number {
    return this.#bytes + this.#pendingChars;
  }

  line(text: string): Promise<void> | undefined {
    this.#pending.push(text, this.#eol);
    this.#pendingChars += text.length + this.#eol.length;
    this.#lines++;
    return this.#pendingChars >= 65_536 ? this.flush() : undefined;
  }

  flush(): Promise<void> | undefined {
    if (this.#pending.length === 0) return undefined;
    const chunk = encodeText(this.#pending.join(""), this.#encoding);
    this.#pending = [];
    this.#pendingChars = 0;
    this.#bytes += chunk.length;
    if (this.#out.write(chunk)) return undefined;
    return new Promise((resolve, reject) => {
      const onDrain = () => {
        this.#out.off("error", onError);
        resolve();
      };
      const onError = (error: Error) => {
        this.#out.off("drain", onDrain);
        reject(error);
      };
      this.#out.once("drain", onDrain);
      this.#out.once("error", onError);
    });
  }
}

export interface WriteResult {
  /** Data rows, the header line not counted. */
  rows: number;
  /** Bytes of the text (before any gzip). */
  bytes: number;
}

/**
 * Opens `path` for writing (gzip-compressed when it ends in .gz), hands the stream to `write`,
 * and resolves once every byte is on disk.
 */
export async function writeToPath<T>(path: string, write: (out: Writable) => Promise<T>): Promise<T> {
  const file = createWriteStream(path);
  if (!path.endsWith(".gz")) {
    const result = await write(file);
    await new Promise<void>((resolve, reject) => {
      file.once("error", reject);
      file.end(resolve);
    });
    return result;
  }
  const gzip = createGzip();
  const done = pipeline(gzip, file);
  let result: T;
  try {
    result = await write(gzip);
  } catch (error) {
    gzip.destroy();
    await done.catch(() => undefined);
    throw error;
  }
  gzip.end();
  await done;
  return result;
}

/** Collects what is written into one Buffer (small files, tests). */
export async function writeToBuffer(write: (out: Writable) => Promise<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  const out = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  await write(out);
  return Buffer.concat(chunks);
}

// ---------------------------------------------------------------------------------------------
// Fields: numbers, times, quoting

export const delimiterSchema = z.enum([";", ",", "\t", "|"]);
export type Delimiter = z.infer<typeof delimiterSchema>;

/** A CSV field, quoted (RFC 4180) only when it must be. */
export function csvField(text: string, delimiter: string): string {
  return text.includes(delimiter) || /["\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A number with `decimals` fixed decimals (shortest form when undefined), comma or point. */
export function formatNumber(v: number, decimals: number | undefined, decimalComma: boolean): string {
  const text = decimals === undefined ? String(v) : v.toFixed(decimals);
  // -0.0 reads as a negative zero to some tools.
  const clean = /^-0(\.0*)?$/.test(text) ? text.slice(1) : text;
  return decimalComma ? clean.replace(".", ",") : clean;
}

const pad2 = (n: number) => String(n).padStart(2, "0");

interface Clock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

function clockOf(t: number): Clock {
  const d = new Date(t);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

export const timeStyleSchema = z.enum(["iso-offset", "iso-utc", "local", "local-fr"]);
/**
 * iso-offset `2025-01-31T23:00:00+01:00`; iso-utc `2025-01-30T22:00:00Z`; local
 * `2025-01-31 23:00:00` and local-fr `31/01/2025 23:00:00` (the site's clock, without an offset:
 * the hour repeated when clocks go back is written twice alike, as such systems do).
 */
export type TimeStyle = z.infer<typeof timeStyleSchema>;

export function formatTime(t: number, style: TimeStyle, zone: string): string {
  if (style === "iso-utc") {
    const c = clockOf(t);
    return `${c.year}-${pad2(c.month)}-${pad2(c.day)}T${pad2(c.hour)}:${pad2(c.minute)}:${pad2(c.second)}Z`;
  }
  const offset = zoneOffset(t, zone);
  const c = clockOf(t + offset);
  const time = `${pad2(c.hour)}:${pad2(c.minute)}:${pad2(c.second)}`;
  if (style === "local") return `${c.year}-${pad2(c.month)}-${pad2(c.day)} ${time}`;
  if (style === "local-fr") return `${pad2(c.day)}/${pad2(c.month)}/${c.year} ${time}`;
  const minutes = Math.abs(offset) / 60_000;
  const sign = offset < 0 ? "-" : "+";
  return `${c.year}-${pad2(c.month)}-${pad2(c.day)}T${time}${sign}${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}`;
}

/** A local day number as `2025-01-31` (iso) or `31/01/2025` (fr). */
export function formatDay(day: number, style: "iso" | "fr"): string {
  const iso = isoOfDay(day);
  return style === "iso" ? iso : `${iso.slice(8, 10)}/${iso.slice(5, 7)}/${iso.slice(0, 4)}`;
}

/** How files write the catalogue's units: °C rather than Cel, m³ rather than m3. */
const DISPLAY_UNITS: Record<string, string> = { Cel: "°C", m3: "m³", "%RH": "%" };

export function unitLabel(quantity: Quantity, style: "catalogue" | "display"): string {
  const unit = QUANTITIES[quantity].unit;
  return style === "display" ? (DISPLAY_UNITS[unit] ?? unit) : unit;
}

const textOptions = {
  delimiter: delimiterSchema.default(";"),
  decimalComma: z.boolean().default(false),
  encoding: encodingSchema.default("utf-8"),
  /** A UTF-8 byte-order mark, as Excel writes; ignored for Windows-1252. */
  bom: z.boolean().default(false),
  eol: z.enum(["\n", "\r\n"]).default("\n"),
};

const decimalCommaNeedsOtherDelimiter = {
  check: (o: { delimiter: string; decimalComma: boolean }) => !(o.decimalComma && o.delimiter === ","),
  message: "a decimal comma needs a delimiter other than ',' (the importer reads ',' as decimal point)",
};

function parseOptions<S extends z.ZodType>(schema: S, input: unknown, what: string): z.infer<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) {
    throw new SimulatorError("OPTIONS_INVALID", `invalid ${what} options:\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data;
}

// ---------------------------------------------------------------------------------------------
// Long CSV

export const longCsvOptionsSchema = z
  .object({
    ...textOptions,
    time: timeStyleSchema.default("iso-offset"),
    zone: timeZoneSchema.default(DEFAULT_TIME_ZONE),
    /** english: building;space;sensor;time;value;unit. french: batiment;logement;capteur;horodatage;valeur;unite. */
    header: z.enum(["english", "french"]).default("english"),
    /** Write the unit column: the catalogue's unit names, or as people write them (°C, m³). */
    units: z.enum(["none", "catalogue", "display"]).default("catalogue"),
  })
  .strict()
  .refine(decimalCommaNeedsOtherDelimiter.check, decimalCommaNeedsOtherDelimiter.message);

export type LongCsvOptions = z.input<typeof longCsvOptionsSchema>;

const LONG_HEADERS = {
  english: ["building", "space", "sensor", "time", "value", "unit"],
  french: ["batiment", "logement", "capteur", "horodatage", "valeur", "unite"],
} as const;

/** Writes readings (in any order) as a long CSV; readings of one instant share their time text. */
export async function writeLongCsv(
  out: Writable,
  readings: Iterable<Reading>,
  options: LongCsvOptions = {},
  /** Told the sink before the first row, so a lazy source can stop at a size. */
  onSink?: (sink: LineSink) => void,
): Promise<WriteResult> {
  const o = parseOptions(longCsvOptionsSchema, options, "long CSV");
  const sink = new LineSink(out, { encoding: o.encoding, eol: o.eol, bom: o.bom });
  onSink?.(sink);
  const d = o.delimiter;
  const header = LONG_HEADERS[o.header].slice(0, o.units === "none" ? 5 : 6);
  sink.line(header.join(d));
  let rows = 0;
  let lastT = Number.NaN;
  let timeText = "";
  const units = new Map<Quantity, string>();
  for (const r of readings) {
    if (r.t !== lastT) {
      lastT = r.t;
      timeText = formatTime(r.t, o.time, o.zone);
    }
    let line = `${csvField(r.building, d)}${d}${csvField(r.space, d)}${d}${csvField(r.sensor, d)}${d}${timeText}${d}${formatNumber(r.v, undefined, o.decimalComma)}`;
    if (o.units !== "none") {
      let unit = units.get(r.quantity);
      if (unit === undefined) {
        unit = csvField(unitLabel(r.quantity, o.units), d);
        units.set(r.quantity, unit);
      }
      line += `${d}${unit}`;
    }
    rows++;
    const wait = sink.line(line);
    if (wait) await wait;
  }
  await sink.flush();
  return { rows, bytes: sink.bytes };
}

// ---------------------------------------------------------------------------------------------
// Wide meter-index CSV

/** One meter's row: its number (or its building/space/sensor), unit and index per column. */
export interface WideMeterRow {
  meter?: string;
  building: string;
  space: string;
  sensor: string;
  quantity: Quantity;
  /** Columns the importer ignores (a contractor's location or reference), by header. */
  extra?: Record<string, string>;
  /** One index per reading column; null is an empty cell (no reading). */
  values: (number | null)[];
}

/** A reading column: a local day, and a local clock time when the index was read at one. */
export interface WideColumn {
  day: number;
  /** "08:00"; omitted: the date alone (the index at the end of the day, FORMATS.md). */
  time?: string;
}

export const wideCsvOptionsSchema = z
  .object({
    ...textOptions,
    /** Name meters by their number (a `compteur` column) or by building/space/sensor columns. */
    identify: z.enum(["meter", "sensor"]).default("meter"),
    /** french: `N° compteur`, `Unité` (accents as contractors write them); english: meter, unit. */
    header: z.enum(["english", "french"]).default("french"),
    /** Dates as 31/01/2025 (fr) or 2025-01-31 (iso). */
    dates: z.enum(["fr", "iso"]).default("fr"),
    /** Fixed decimals of the indexes; shortest form when omitted. */
    decimals: z.number().int().min(0).max(6).optional(),
    units: z.enum(["none", "catalogue", "display"]).default("display"),
  })
  .strict()
  .refine(decimalCommaNeedsOtherDelimiter.check, decimalCommaNeedsOtherDelimiter.message);

export type WideCsvOptions = z.input<typeof wideCsvOptionsSchema>;

const WIDE_HEADERS = {
  english: { meter: "meter", building: "building", space: "space", sensor: "sensor", unit: "unit" },
  french: {
    meter: "N° compteur",
    building: "Bâtiment",
    space: "Logement",
    sensor: "Capteur",
    unit: "Unité",
  },
} as const;

export async function writeWideMeterCsv(
  out: Writable,
  table: { columns: readonly WideColumn[]; rows: Iterable<WideMeterRow> },
  options: WideCsvOptions = {},
): Promise<WriteResult> {
  const o = parseOptions(wideCsvOptionsSchema, options, "wide meter CSV");
  const sink = new LineSink(out, { encoding: o.encoding, eol: o.eol, bom: o.bom });
  const d = o.delimiter;
  const names = WIDE_HEADERS[o.header];
  const rows = [...table.rows];
  const extras = [...new Set(rows.flatMap((r) => Object.keys(r.extra ?? {})))];
  const ids = o.identify === "meter" ? [names.meter] : [names.building, names.space, names.sensor];
  const dates = table.columns.map((c) => `${formatDay(c.day, o.dates)}${c.time ? ` ${c.time}` : ""}`);
  sink.line(
    [...ids, ...extras, ...(o.units === "none" ? [] : [names.unit]), ...dates]
      .map((h) => csvField(h, d))
      .join(d),
  );
  for (const row of rows) {
    if (row.values.length !== table.columns.length) {
      throw new SimulatorError(
        "OPTIONS_INVALID",
        `meter ${row.meter ?? row.sensor} has ${row.values.length} values for ${table.columns.length} columns`,
      );
    }
    if (o.identify === "meter" && row.meter === undefined) {
      throw new SimulatorError(
        "OPTIONS_INVALID",
        `${row.building}/${row.space}/${row.sensor} has no meter number; give it one (meter: in the site file) or identify meters by sensor`,
      );
    }
    const cells = o.identify === "meter" ? [row.meter!] : [row.building, row.space, row.sensor];
    for (const e of extras) cells.push(row.extra?.[e] ?? "");
    if (o.units !== "none") cells.push(unitLabel(row.quantity, o.units));
    const head = cells.map((c) => csvField(c, d)).join(d);
    const values = row.values.map((v) => (v === null ? "" : formatNumber(v, o.decimals, o.decimalComma)));
    const wait = sink.line(`${head}${d}${values.join(d)}`);
    if (wait) await wait;
  }
  await sink.flush();
  return { rows: rows.length, bytes: sink.bytes };
}

export const wideReadingsOptionsSchema = z
  .object({
    /** First and last+1 local days, ISO dates. Daily: one column a day; monthly: the last day of each month. */
    from: z.iso.date(),
    to: z.iso.date(),
    period: z.enum(["daily", "monthly"]).default("daily"),
    /** Local clock time the indexes are read at ("08:00"); omitted: the end of the day. */
    readAt: z
      .string()
      .regex(/^([01]\d|2[0-3]):[0-5]\d$/)
      .optional(),
    /** Meter quantities written; every counter of the site by default. */
    quantities: z.array(meteredQuantitySchema).optional(),
    /** Share of cells left empty (a radio frame missed), drawn from the seed. */
    missingShare: z.number().min(0).max(0.5).default(0),
    /** Rounding of the indexes the contractor reports. */
    decimals: z.number().int().min(0).max(3).default(3),
  })
  .strict()
  .refine((o) => o.from < o.to, "from must be before to");

export type WideReadingsOptions = z.input<typeof wideReadingsOptionsSchema>;

/** The instant a wide column's index is read at (FORMATS.md: a date alone is 23:59:59). */
export function columnInstant(column: WideColumn, zone: string): number {
  if (column.time === undefined) return dayStart(column.day + 1, zone) - 1_000;
  const [h, m] = column.time.split(":").map(Number);
  // Local clock time → instant: the offset at local midnight, then corrected at the instant.
  const guess = dayStart(column.day, zone) + (h! * 60 + m!) * 60_000;
  const atMidnight = zoneOffset(dayStart(column.day, zone), zone);
  return guess + atMidnight - zoneOffset(guess, zone);
}

/** The index of every meter of a simulated site at each column's instant, as a contractor reads them. */
export function wideMeterTable(
  sim: SiteSimulation,
  options: WideReadingsOptions,
): { columns: WideColumn[]; rows: WideMeterRow[] } {
  const o = parseOptions(wideReadingsOptionsSchema, options, "wide meter readings");
  const first = dayNumberOfIso(o.from);
  const end = dayNumberOfIso(o.to);
  const columns: WideColumn[] = [];
  for (let day = first; day < end; day++) {
    if (o.period === "monthly" && monthDay(day + 1).day !== 1) continue;
    columns.push(o.readAt === undefined ? { day } : { day, time: o.readAt });
  }
  const wanted = new Set<Quantity>(o.quantities ?? METERED_QUANTITIES);
  const rows = new Map<string, WideMeterRow>();
  for (const building of sim.site.buildings) {
    const spaces = [
      ...building.dwellings.map((dw) => ({ id: dw.id, sensors: dw.sensors })),
      { id: "common", sensors: building.common.sensors },
    ];
    for (const space of spaces) {
      for (const sensor of space.sensors) {
        if (!wanted.has(sensor.quantity)) continue;
        rows.set(`${building.id}\u0000${space.id}\u0000${sensor.id}`, {
          ...(sensor.meter === undefined ? {} : { meter: sensor.meter }),
          building: building.id,
          space: space.id,
          sensor: sensor.id,
          quantity: sensor.quantity,
          values: new Array<number | null>(columns.length).fill(null),
        });
      }
    }
  }
  const f = 10 ** o.decimals;
  const missKey = hashOf(sim.seed, 0x6d155);
  columns.forEach((column, i) => {
    for (const r of sim.readingsAt(columnInstant(column, sim.zone))) {
      const row = rows.get(`${r.building}\u0000${r.space}\u0000${r.sensor}`);
      if (!row) continue;
      const key = hashOf(missKey, hashString(r.building), hashString(r.space), hashString(r.sensor));
      if (uniformAt(key, column.day) < o.missingShare) continue;
      // Indexes are truncated, as a meter's display shows them.
      row.values[i] = Math.floor(r.v * f + 1e-9) / f;
    }
  });
  return { columns, rows: [...rows.values()] };
}

/**
 * A wide table from daily consumptions (simulatePilot's dwellings, simulateBeforeAfter's
 * meters): a column for the day before the first (the starting index), then each day's end.
 */
export function wideTableFromDaily(input: {
  building: string;
  sensor: string;
  quantity: Quantity;
  /** The local day of daily[0], ISO date. */
  firstDay: string;
  meters: readonly { space: string; daily: readonly number[]; meter?: string }[];
  initialIndex?: number;
  decimals?: number;
}): { columns: WideColumn[]; rows: WideMeterRow[] } {
  const first = dayNumberOfIso(input.firstDay);
  const length = Math.max(0, ...input.meters.map((m) => m.daily.length));
  const columns = Array.from({ length: length + 1 }, (_, i) => ({ day: first - 1 + i }));
  const f = 10 ** (input.decimals ?? 3);
  const rows = input.meters.map((m) => {
    let index = input.initialIndex ?? 1_000;
    const values: (number | null)[] = [Math.floor(index * f) / f];
    for (const use of m.daily) {
      index += use;
      values.push(Math.floor(index * f + 1e-9) / f);
    }
    while (values.length < columns.length) values.push(null);
    return {
      ...(m.meter === undefined ? {} : { meter: m.meter }),
      building: input.building,
      space: m.space,
      sensor: input.sensor,
      quantity: input.quantity,
      values,
    };
  });
  return { columns, rows };
}

// ---------------------------------------------------------------------------------------------
// Météo-France climatological files (meteo.data.gouv.fr, Données climatologiques de base)

export interface MeteoStation {
  /** NUM_POSTE, 8 digits: department, commune, rank. */
  numPoste: string;
  /** NOM_USUEL, as Météo-France writes it (capitals, no accents). */
  name: string;
  lat: number;
  lon: number;
  alti: number;
  weather: Weather;
}

export const meteoOptionsSchema = z
  .object({
    /** Local days [from, to) (daily file), or the UTC hours of those days (hourly file). */
    from: z.iso.date(),
    to: z.iso.date(),
    /** Days from this one on are "filtered, not yet validated" (quality 9), as in a file of the
     * current year; before it, validated (1). Omitted: every value validated. */
    validatedUntil: z.iso.date().optional(),
    /** Share of temperatures flagged doubtful (quality 2), per station; drawn from the seed. */
    doubtfulShare: z.number().min(0).max(0.2).default(0),
    /** Share of days or hours without a temperature (an empty cell). */
    missingShare: z.number().min(0).max(0.5).default(0),
    /** Stations whose temperatures are never doubtful nor missing (a building's station in an example). */
    clean: z.array(z.string()).default([]),
    seed: z.number().int().default(1),
  })
  .strict()
  .refine((o) => o.from < o.to, "from must be before to");

export type MeteoOptions = z.input<typeof meteoOptionsSchema>;

/** The columns of the daily RR-T-Vent file, in Météo-France's order. */
export const METEO_DAILY_COLUMNS = [
  "NUM_POSTE",
  "NOM_USUEL",
  "LAT",
  "LON",
  "ALTI",
  "AAAAMMJJ",
  "RR",
  "QRR",
  "TN",
  "QTN",
  "HTN",
  "QHTN",
  "TX",
  "QTX",
  "HTX",
  "QHTX",
  "TM",
  "QTM",
  "TNTXM",
  "QTNTXM",
  "TAMPLI",
  "QTAMPLI",
  "TNSOL",
  "QTNSOL",
  "TN50",
  "QTN50",
  "DG",
  "QDG",
  "FFM",
  "QFFM",
  "FF2M",
  "QFF2M",
  "FXY",
  "QFXY",
  "DXY",
  "QDXY",
  "HXY",
  "QHXY",
  "FXI",
  "QFXI",
  "DXI",
  "QDXI",
  "HXI",
  "QHXI",
  "FXI2",
  "QFXI2",
  "DXI2",
  "QDXI2",
  "HXI2",
  "QHXI2",
  "FXI3S",
  "QFXI3S",
  "DXI3S",
  "QDXI3S",
  "HXI3S",
  "QHXI3S",
  "DRR",
  "QDRR",
] as const;

/** The columns of the hourly file written (the published file has more, after QU). */
export const METEO_HOURLY_COLUMNS = [
  "NUM_POSTE",
  "NOM_USUEL",
  "LAT",
  "LON",
  "ALTI",
  "AAAAMMJJHH",
  "RR1",
  "QRR1",
  "DRR1",
  "QDRR1",
  "FF",
  "QFF",
  "DD",
  "QDD",
  "FXY",
  "QFXY",
  "DXY",
  "QDXY",
  "HXY",
  "QHXY",
  "FXI",
  "QFXI",
  "DXI",
  "QDXI",
  "HXI",
  "QHXI",
  "T",
  "QT",
  "TD",
  "QTD",
  "TN",
  "QTN",
  "HTN",
  "QHTN",
  "TX",
  "QTX",
  "HTX",
  "QHTX",
  "U",
  "QU",
] as const;

/** `Q_69_latest-2025-2026_RR-T-Vent.csv`: a department's daily file, as published. */
export function meteoDailyFileName(department: string, period: string): string {
  return `Q_${department}_${period}_RR-T-Vent.csv`;
}

/** `H_69_latest-2025-2026.csv`: a department's hourly file, as published. */
export function meteoHourlyFileName(department: string, period: string): string {
  return `H_${department}_${period}.csv`;
}

const r1 = (v: number) => Math.round(v * 10) / 10;
const num1 = (v: number) => formatNumber(r1(v), 1, false);

interface Quality {
  /** 1 validated, 9 not yet, 0 protected (rare, on old validated data). */
  code(key: number, day: number): string;
  doubtful(station: string, key: number, unit: number): boolean;
  missing(station: string, key: number, unit: number): boolean;
}

function qualityOf(o: z.infer<typeof meteoOptionsSchema>): Quality {
  const validated =
    o.validatedUntil === undefined ? Number.POSITIVE_INFINITY : dayNumberOfIso(o.validatedUntil);
  const clean = new Set(o.clean);
  return {
    code: (key, day) => (day >= validated ? "9" : uniformAt(key, day, 0x0) < 0.02 ? "0" : "1"),
    doubtful: (station, key, unit) => !clean.has(station) && uniformAt(key, unit, 0xd0) < o.doubtfulShare,
    missing: (station, key, unit) => !clean.has(station) && uniformAt(key, unit, 0x55) < o.missingShare,
  };
}

/** Daily rain, mm: a wet day about one in three, amounts exponential around 5 mm. */
function rainMm(key: number, unit: number): number {
  const u = uniformAt(key, unit, 0x7a1);
  if (u > 0.32) return 0;
  return r1(-Math.log(1 - uniformAt(key, unit, 0x7a2)) * 5);
}

/** Hour and minute (UTC, HHMM as Météo-France writes it, without leading zeros) of a local clock time. */
function utcHhmm(day: number, localHour: number, zone: string, jitterKey: number): string {
  const t =
    dayStart(day, zone) + localHour * 3_600_000 + Math.floor(uniformAt(jitterKey, day) * 90 - 45) * 60_000;
  const c = clockOf(t);
  return String(c.hour * 100 + c.minute);
}

function stationCells(s: MeteoStation): string[] {
  return [s.numPoste, s.name, formatNumber(s.lat, 6, false), formatNumber(s.lon, 6, false), String(s.alti)];
}

/** The daily file: every station's days, station by station, ';' and decimal point. */
export async function writeMeteoDaily(
  out: Writable,
  stations: readonly MeteoStation[],
  options: MeteoOptions,
): Promise<WriteResult> {
  const o = parseOptions(meteoOptionsSchema, options, "Météo-France daily");
  const q = qualityOf(o);
  const sink = new LineSink(out, { encoding: "utf-8" });
  sink.line(METEO_DAILY_COLUMNS.join(";"));
  const first = dayNumberOfIso(o.from);
  const end = dayNumberOfIso(o.to);
  let rows = 0;
  for (const s of stations) {
    const key = hashOf(o.seed, hashString(s.numPoste));
    const zone = s.weather.zone;
    for (let day = first; day < end; day++) {
      const w = s.weather.daily(day);
      const tn = r1(w.tmin);
      const tx = r1(w.tmax);
      const code = q.code(key, day);
      const cells = new Map<string, string>();
      const put = (name: string, value: string, quality = code) => {
        cells.set(name, value);
        cells.set(`Q${name}`, value === "" ? "" : quality);
      };
      put("RR", formatNumber(rainMm(key, day), 1, false));
      if (!q.missing(s.numPoste, key, day)) {
        const tq = q.doubtful(s.numPoste, key, day) ? "2" : code;
        put("TN", num1(tn), tq);
        put("HTN", utcHhmm(day, 6, zone, key + 1));
        put("TX", num1(tx), tq);
        put("HTX", utcHhmm(day, 15, zone, key + 2));
        put("TM", num1(s.weather.hourlyMean(day)));
        put("TNTXM", num1((tn + tx) / 2));
        put("TAMPLI", num1(tx - tn));
      }
      const ffm = 1.5 + 3 * uniformAt(key, day, 0xff);
      put("FFM", num1(ffm));
      put("FXI", num1(ffm * (2.2 + 0.8 * uniformAt(key, day, 0xf1))));
      put("DXI", String(10 * Math.floor(uniformAt(key, day, 0xd1) * 36 + 1)));
      put("HXI", utcHhmm(day, 14, zone, key + 3));
      const line = [...stationCells(s), String(monthDayPacked(day))];
      for (const column of METEO_DAILY_COLUMNS.slice(6)) line.push(cells.get(column) ?? "");
      rows++;
      const wait = sink.line(line.join(";"));
      if (wait) await wait;
    }
  }
  await sink.flush();
  return { rows, bytes: sink.bytes };
}

function monthDayPacked(day: number): number {
  const d = monthDay(day);
  return d.year * 10_000 + d.month * 100 + d.day;
}

const HOUR = 3_600_000;

/** The hourly file: T at each UTC hour, TN/TX over the hour ending then, station by station. */
export async function writeMeteoHourly(
  out: Writable,
  stations: readonly MeteoStation[],
  options: MeteoOptions,
): Promise<WriteResult> {
  const o = parseOptions(meteoOptionsSchema, options, "Météo-France hourly");
  const q = qualityOf(o);
  const sink = new LineSink(out, { encoding: "utf-8" });
  sink.line(METEO_HOURLY_COLUMNS.join(";"));
  let rows = 0;
  for (const s of stations) {
    const key = hashOf(o.seed, hashString(s.numPoste));
    const from = dayStart(dayNumberOfIso(o.from), s.weather.zone);
    const to = dayStart(dayNumberOfIso(o.to), s.weather.zone);
    for (let t = Math.ceil(from / HOUR) * HOUR; t < to; t += HOUR) {
      const c = clockOf(t);
      const day = Math.floor(t / 86_400_000);
      const hourIndex = t / HOUR;
      const code = q.code(key, Math.floor((t + zoneOffset(t, s.weather.zone)) / 86_400_000));
      const cells = new Map<string, string>();
      const put = (name: string, value: string, quality = code) => {
        cells.set(name, value);
        cells.set(`Q${name}`, value === "" ? "" : quality);
      };
      // A wet hour about one in twelve.
      const wet = uniformAt(key, hourIndex, 0x7a1) < 0.08;
      put("RR1", wet ? num1(-Math.log(1 - uniformAt(key, hourIndex, 0x7a2)) * 1.2) : "0.0");
      const ff = Math.max(0, 3 + 1.5 * normalAt(key, hourIndex, 0xff));
      put("FF", num1(ff));
      put("DD", String(10 * Math.floor(uniformAt(key, hourIndex, 0xdd) * 36 + 1)));
      if (!q.missing(s.numPoste, key, hourIndex)) {
        const tq = q.doubtful(s.numPoste, key, hourIndex) ? "2" : code;
        const samples = [0, 1, 2, 3, 4, 5, 6].map((k) => s.weather.temperatureAt(t - HOUR + (k * HOUR) / 6));
        const temperature = samples[6]!;
        put("T", num1(temperature), tq);
        put("TN", num1(Math.min(...samples)), tq);
        put("TX", num1(Math.max(...samples)), tq);
        const u = Math.min(100, Math.max(25, 95 - 2.6 * (temperature - s.weather.daily(day).tmin)));
        put("U", String(Math.round(u)));
        // Dew point from the Magnus formula.
        const a = (17.62 * temperature) / (243.12 + temperature) + Math.log(u / 100);
        put("TD", num1((243.12 * a) / (17.62 - a)));
        put("HTN", String(c.hour * 100 + Math.floor(uniformAt(key, hourIndex, 0x4e) * 60)));
        put("HTX", String(c.hour * 100 + Math.floor(uniformAt(key, hourIndex, 0x4f) * 60)));
      }
      const stamp = `${c.year}${pad2(c.month)}${pad2(c.day)}${pad2(c.hour)}`;
      const line = [...stationCells(s), stamp];
      for (const column of METEO_HOURLY_COLUMNS.slice(6)) line.push(cells.get(column) ?? "");
      rows++;
      const wait = sink.line(line.join(";"));
      if (wait) await wait;
    }
  }
  await sink.flush();
  return { rows, bytes: sink.bytes };
}

// ---------------------------------------------------------------------------------------------
// A large long CSV for memory tests and benchmarks

export const largeLongCsvOptionsSchema = z
  .object({
    path: z.string().min(1),
    /** Stop at the end of the first instant that reaches this many bytes (the text, before any gzip). */
    targetBytes: z.number().int().positive(),
    seed: z.number().int().default(42),
    buildings: z.number().int().min(1).max(200).default(20),
    dwellingsPerBuilding: z.number().int().min(1).max(500).default(60),
    /** meters: heat, hot water, cold water and electricity indexes; all: every sensor. */
    sensors: z.enum(["meters", "all"]).default("meters"),
    stepMinutes: z.union([z.literal(15), z.literal(60)]).default(15),
    /** First instant (ISO 8601); readings follow until the target size is reached. */
    from: z.iso.datetime({ offset: true }).default("2024-01-01T00:00:00+01:00"),
    csv: z.custom<LongCsvOptions>().default({}),
  })
  .strict();

export type LargeLongCsvOptions = z.input<typeof largeLongCsvOptionsSchema>;

export interface LargeWriteResult extends WriteResult {
  meters: number;
  /** First and last instant written, ms UTC. */
  from: number;
  to: number;
}

const METER_QUANTITIES = new Set<Quantity>(METERED_QUANTITIES);

/** The generated site of a large file: `buildings × dwellingsPerBuilding` dwellings. */
export function largeFileSite(o: z.infer<typeof largeLongCsvOptionsSchema>): Site {
  const site = generateSite({
    seed: o.seed,
    buildings: o.buildings,
    dwellingsPerBuilding: o.dwellingsPerBuilding,
    siteId: "large-history",
  });
  if (o.sensors === "all") return site;
  const keep = (s: { quantity: Quantity }) => METER_QUANTITIES.has(s.quantity);
  return {
    ...site,
    buildings: site.buildings.map((b) => ({
      ...b,
      dwellings: b.dwellings.map((d) => ({ ...d, sensors: d.sensors.filter(keep) })),
      common: { sensors: b.common.sensors.filter(keep) },
    })),
  };
}

/**
 * Streams a long CSV of about `targetBytes` to `path` (gzip when it ends in .gz): every sensor
 * of a generated site at each step from `from`, instant after instant, in constant memory.
 */
export async function writeLargeLongCsv(options: LargeLongCsvOptions): Promise<LargeWriteResult> {
  const o = parseOptions(largeLongCsvOptionsSchema, options, "large long CSV");
  const csv = parseOptions(longCsvOptionsSchema, o.csv, "long CSV");
  const site = largeFileSite(o);
  const sim = new SiteSimulation({ site, seed: o.seed });
  const stepMs = o.stepMinutes * 60_000;
  const start = Date.parse(o.from);
  let last = start;
  const meters = site.buildings.reduce(
    (n, b) => n + b.dwellings.reduce((m, d) => m + d.sensors.length, 0) + b.common.sensors.length,
    0,
  );
  let sink: LineSink | undefined;
  const result = await writeToPath(o.path, async (out) => {
    // The long CSV writer pulls readings lazily; it stops pulling once the size is reached.
    const readings = function* (): Generator<Reading> {
      for (const t of instants(start, Number.POSITIVE_INFINITY, stepMs)) {
        if (sink && sink.bytesSoFar >= o.targetBytes) return;
        last = t;
        yield* sim.readingsAt(t);
      }
    };
    return writeLongCsv(out, readings(), csv, (s) => {
      sink = s;
    });
  });
  return { ...result, meters, from: start, to: last };
}

/** Readings of a simulated site, filtered to some quantities, in time order. */
export function* simulatedReadings(options: {
  site: Site;
  scenario?: Scenario;
  seed: number;
  from: number;
  to: number;
  stepMs?: number;
  quantities?: readonly Quantity[];
}): Generator<Reading> {
  const sim = new SiteSimulation(options);
  const wanted = options.quantities ? new Set(options.quantities) : undefined;
  for (const t of instants(options.from, options.to, options.stepMs)) {
    for (const r of sim.readingsAt(t)) if (!wanted || wanted.has(r.quantity)) yield r;
  }
}
