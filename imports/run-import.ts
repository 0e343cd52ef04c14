// One import, from a table's bytes to the store: read the header, pick the format, check every
// reading like a live one, write in batches, checkpoint what the store confirmed, keep every
// refusal. Memory stays flat: rows stream through, one batch is written while the next is read.
import { createHash } from "node:crypto";
import { type CodeOf, errorFamily } from "../model/errors.ts";
import type { Reading } from "../model/reading.ts";
import type { SiteRegistry } from "../model/registry.ts";
import type { ImportCounts, ImportLedger, ImportRecord, RefusedRow } from "../storage/import-ledger.ts";
import { blameOf } from "../storage/store-error.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import { CandidateChecker, type CheckContext, type ImportRange } from "./check.ts";
import { type CsvRecord, csvRecords, MAX_LINE_CHARS } from "./csv-records.ts";
import { longReader } from "./formats/long.ts";
import { isMeteoFranceHeader, meteoFranceReader } from "./formats/meteo-france.ts";
import { wideReader } from "./formats/wide.ts";
import { locateColumns } from "./header.ts";
import { sequenceCheck } from "./meter-sequence.ts";
import {
  type DecimalSeparator,
  type Delimiter,
  detectDecimal,
  detectDelimiter,
  type Encoding,
} from "./sniff.ts";
import { InputError, openTextSource } from "./text-source.ts";
import type { DateIs } from "./time.ts";
import { type CellRefusal, type ImportFormat, type RowReader, refusal } from "./types.ts";

export interface ImportOptions {
  format?: ImportFormat;
  encoding?: Encoding;
  delimiter?: Delimiter;
  decimal?: DecimalSeparator;
  /** Zone of local times in the file; the site's by default. */
  zone?: string;
  dateIs?: DateIs;
  range?: ImportRange;
}

export interface ImportRequest {
  input: AsyncIterable<Buffer | Uint8Array | string>;
  /** The file's name, as the user knows it (kept with each refused row). */
  name: string;
  /** The file's size in bytes when known, for the progress estimate. */
  size?: number;
  /** Who imports: "cli" or the API token's subject. */
  by: string;
  options?: ImportOptions;
  /** A manager's buildings: rows of others are refused (not_in_scope). */
  buildings?: ReadonlySet<string>;
  /** Readings per store write (default 20 000). */
  batchSize?: number;
  /** Stops the import at the next row; what was confirmed stays, and it resumes later. */
  signal?: AbortSignal;
}

export interface ImportDeps {
  registry: SiteRegistry;
  store: TelemetryStore;
  ledger: ImportLedger;
  now?: () => number;
  /** Live ingest's future skew, which imports share (ms). */
  maxFutureSkewMs?: number;
  onProgress?: (progress: ImportProgress) => void;
  /** Waits between retries of a failing store (ms); tests shorten them. */
  retryDelaysMs?: readonly number[];
}

export interface ImportProgress {
  rows: number;
  stored: number;
  refused: number;
  bytesRead: number;
  size?: number;
}

export interface ImportSummary extends ImportRecord {
  encoding: Encoding;
  delimiter: Delimiter;
  decimal: DecimalSeparator;
  compressed: boolean;
  /** The line a resumed import went on after. */
  resumedAfterLine?: number;
  /** An earlier finished import of the same content: this one stored nothing new. */
  sameContentAs?: number;
}

export type ImportErrorCode = CodeOf<"ImportError">;

/** An import that could not go on; what was confirmed before it stays, and `resumeAfterLine` says where it will go on. */
export class ImportError extends errorFamily("ImportError") {
  constructor(
    code: ImportErrorCode,
    message: string,
    readonly importId?: number,
    readonly resumeAfterLine?: number,
    options?: ErrorOptions,
  ) {
    super(code, message, options);
  }
}

const DEFAULT_BATCH = 20_000;
const OTHERS_BUILDINGS = "readings of buildings you do not manage";
const DECIMAL_SAMPLE_ROWS = 200;
const ROW_EXCERPT = 1_000;
const DETAIL_EXCERPT = 500;
/** Refused rows kept per import for the download; past them refusals are counted only (a file
 * of nothing but garbage must not fill the disk). */
export const MAX_REFUSED_KEPT = 100_000;
/** Refusals recorded with a checkpoint at the latest this many: a file whose rows are all
 * refused does not hold them in memory. */
const REFUSALS_PER_CHECKPOINT = 5_000;
const DEFAULT_RETRY_DELAYS = [500, 1_000, 2_000, 4_000, 8_000, 16_000];

type ParsedRecord = CsvRecord;

export async function runImport(request: ImportRequest, deps: ImportDeps): Promise<ImportSummary> {
  try {
    return await importTable(request, deps);
  } catch (error) {
    // The file failed before its import was recorded (while reading its head).
    if (error instanceof InputError) {
      throw new ImportError("unreadable_input", `${request.name}: ${error.message}`, undefined, undefined, {
        cause: error,
      });
    }
    throw error;
  }
}

async function importTable(request: ImportRequest, deps: ImportDeps): Promise<ImportSummary> {
  const now = deps.now ?? Date.now;
  const options = request.options ?? {};
  const zone = options.zone ?? deps.registry.site.timezone;
  const dateIs = options.dateIs ?? "end-of-day";
  const source = await openTextSource(request.input, options.encoding);
  const { head, rest } = await firstLine(source.text);
  if (head.trim() === "") throw new ImportError("empty_file", `${request.name} is empty: no header line`);
  const delimiter = options.delimiter ?? detectDelimiter(head.split(/\r?\n/, 1)[0]!);
  if (delimiter === undefined) {
    throw new ImportError(
      "unknown_format",
      `${request.name}: the header line has a single column (no ";", ",", tab or "|"); declare the delimiter with --delimiter`,
    );
  }
  const records = csvRecords(rest, delimiter);

  const buffered: ParsedRecord[] = [];
  const take = async (count: number) => {
    while (buffered.length < count) {
      const next = await records.next();
      if (next.done) return;
      buffered.push(...next.value);
    }
  };
  await take(1);
  const headerRecord = buffered.shift();
  if (headerRecord === undefined)
    throw new ImportError("empty_file", `${request.name} is empty: no header line`);
  const header = headerRecord.cells;
  const reader = pickReader(header, options.format, { zone, dateIs }, deps.registry, request.name);

  // The first rows tell the decimal separator; they are read again from the buffer.
  await take(DECIMAL_SAMPLE_ROWS);
  const sample = buffered.slice(0, DECIMAL_SAMPLE_ROWS);
  const decimal =
    options.decimal ??
    (reader.format.startsWith("meteo-france") && delimiter !== ";"
      ? "."
      : detectDecimal(
          sample.flatMap((r) => reader.valueCells(r.cells)),
          delimiter,
        ));

  const identity = createHash("sha256")
    .update(
      JSON.stringify([
        request.name,
        source.headDigest,
        reader.format,
        source.encoding,
        delimiter,
        decimal,
        zone,
        dateIs,
        options.range ?? {},
        [...(request.buildings ?? [])],
      ]),
    )
    .digest("hex");
  const previous = await deps.ledger.unfinished(identity);
  if (previous) await deps.ledger.resume(previous.id);
  const resumeAfter = previous?.line ?? 0;
  const counts: ImportCounts = previous
    ? structuredClone(previous.counts)
    : { rows: 0, stored: 0, refused: 0, duplicates: 0, skipped: {} };
  const record: ImportRecord =
    previous ??
    (await deps.ledger.begin({
      identity,
      name: request.name,
      format: reader.format,
      by: request.by,
      ...(request.buildings ? { scope: [...request.buildings].sort() } : {}),
      startedAt: now(),
      state: "running",
      line: 0,
      counts,
    }));

  const ctx: CheckContext = {
    registry: deps.registry,
    range: options.range ?? {},
    now: now(),
    maxFutureSkewMs: deps.maxFutureSkewMs ?? 5 * 60_000,
  };
  if (request.buildings) ctx.buildings = request.buildings;
  const checker = new CandidateChecker(ctx);
  const batchSize = request.batchSize ?? DEFAULT_BATCH;
  const writer = new CheckpointedWriter(deps, record.id, counts, request.name);

  let batch: Reading[] = [];
  let batchLines: number[] = [];
  let refusedRows: RefusedRow[] = [];
  let lastLine = resumeAfter;
  let sinceProgress = 0;
  const rowText = (cells: readonly string[]) => cells.join(delimiter).slice(0, ROW_EXCERPT);
  let kept = counts.refused;
  const refuse = (line: number, cells: readonly string[], r: CellRefusal) => {
    const column = r.column ?? "";
    const previous = refusedRows[refusedRows.length - 1];
    // One cell refused for each building a station feeds is one refusal.
    if (
      previous !== undefined &&
      previous.line === line &&
      previous.column === column &&
      previous.reason === r.reason
    )
      return;
    counts.refused++;
    if (kept >= MAX_REFUSED_KEPT) return;
    kept++;
    refusedRows.push({
      line,
      column: r.column ?? "",
      reason: r.reason,
      detail: r.detail.slice(0, DETAIL_EXCERPT),
      row: rowText(cells),
    });
  };
  const report = () =>
    deps.onProgress?.({
      rows: counts.rows,
      stored: writer.confirmedStored,
      refused: counts.refused,
      bytesRead: source.bytesRead(),
      ...(request.size === undefined ? {} : { size: request.size }),
    });

  try {
    for await (const group of chain(buffered, records)) {
      for (const item of group) {
        if (request.signal?.aborted) throw new ImportError("stopped", "stopped before the end of the file");
        const { cells, line } = item;
        const replay = line <= resumeAfter;
        if (item.malformed !== undefined) {
          if (!replay) {
            counts.rows++;
            refuse(line, cells, refusal("malformed_row", `${item.malformed}; check the quotes`));
          }
          lastLine = line;
          continue;
        }
        const result = reader.read(cells, decimal);
        if (!replay) {
          counts.rows++;
          if (result.skipped > 0 && result.skippedAs) {
            counts.skipped[result.skippedAs] = (counts.skipped[result.skippedAs] ?? 0) + result.skipped;
          }
          for (const r of result.refusals) refuse(line, cells, r);
        }
        for (const candidate of result.candidates) {
          const checked = checker.check(candidate);
          if ("refused" in checked) {
            if (replay) continue;
            // A station's department file also feeds buildings the importer does not manage:
            // theirs are left out, not refused.
            if (checked.reason === "not_in_scope" && reader.format !== "long" && reader.format !== "wide") {
              counts.skipped[OTHERS_BUILDINGS] = (counts.skipped[OTHERS_BUILDINGS] ?? 0) + 1;
            } else refuse(line, cells, checked);
            continue;
          }
          const verdict = sequenceCheck(checked, line, candidate.column);
          if (replay) continue;
          if (verdict === "new") {
            batch.push(checked.reading);
            batchLines.push(line);
          } else if (verdict === "duplicate") counts.duplicates++;
          else refuse(line, cells, verdict);
        }
        lastLine = line;
        if (!replay && (batch.length >= batchSize || refusedRows.length >= REFUSALS_PER_CHECKPOINT)) {
          await writer.flush(batch, batchLines, refusedRows, line);
          batch = [];
          batchLines = [];
          refusedRows = [];
        }
        if (++sinceProgress >= 2_000) {
          sinceProgress = 0;
          report();
        }
      }
    }
    await writer.flush(batch, batchLines, refusedRows, lastLine);
    await writer.settled();
  } catch (error) {
    await writer.settled().catch(() => undefined);
    const message = error instanceof Error ? error.message : String(error);
    await deps.ledger.finish(record.id, { state: "interrupted", error: message, at: now() });
    const resumeLine = writer.confirmedLine;
    if (error instanceof ImportError) {
      throw new ImportError(error.code, error.message, record.id, resumeLine, { cause: error.cause });
    }
    if (error instanceof InputError) {
      throw new ImportError(
        "unreadable_input",
        `${request.name}: ${error.message}; the rows up to line ${resumeLine} are stored, and the same file whole goes on after it`,
        record.id,
        resumeLine,
        { cause: error },
      );
    }
    throw new ImportError("store_failed", message, record.id, resumeLine, { cause: error });
  }
  report();
  const sha256 = source.sha256();
  const same = await deps.ledger.doneWithContent(sha256);
  await deps.ledger.finish(record.id, { state: "done", sha256, at: now() });
  const done = (await deps.ledger.get(record.id))!;
  const summary: ImportSummary = {
    ...done,
    encoding: source.encoding,
    delimiter,
    decimal,
    compressed: source.compressed,
  };
  if (previous) summary.resumedAfterLine = resumeAfter;
  if (same && same.id !== record.id) summary.sameContentAs = same.id;
  return summary;
}

function pickReader(
  header: readonly string[],
  declared: ImportFormat | undefined,
  time: { zone: string; dateIs: DateIs },
  registry: SiteRegistry,
  name: string,
): RowReader {
  const meteo = isMeteoFranceHeader(header);
  const at = locateColumns(header);
  const format: ImportFormat | undefined =
    declared ??
    (meteo === "daily"
      ? "meteo-france-daily"
      : meteo === "hourly"
        ? "meteo-france-hourly"
        : at.time !== undefined && at.value !== undefined
          ? "long"
          : at.meter !== undefined || at.sensor !== undefined
            ? "wide"
            : undefined);
  if (format === undefined) {
    throw new ImportError(
      "unknown_format",
      `${name}: the header (${header.slice(0, 8).join(", ")}${header.length > 8 ? ", …" : ""}) is none of the import formats: a long CSV has building, space, sensor, time and value columns; a wide meter-index CSV a meter column (or building, space, sensor) and one column per date; Météo-France files NUM_POSTE and AAAAMMJJ or AAAAMMJJHH (see imports/FORMATS.md, or declare --format)`,
    );
  }
  const reader =
    format === "long"
      ? longReader(header, time)
      : format === "wide"
        ? wideReader(header, time, registry)
        : meteoFranceReader(header, format === "meteo-france-daily" ? "daily" : "hourly", registry);
  if ("missing" in reader) {
    const missing = Array.isArray(reader.missing) ? reader.missing.join(", ") : reader.missing;
    throw new ImportError(
      "missing_columns",
      `${name}: a ${format} file needs ${missing}; the header has: ${header.join(", ")}`,
    );
  }
  return reader;
}

/** The first line of the text (at least), and the whole text again. */
async function firstLine(
  text: AsyncIterable<string>,
): Promise<{ head: string; rest: AsyncIterable<string> }> {
  const iterator = text[Symbol.asyncIterator]();
  let head = "";
  while (!head.includes("\n")) {
    const next = await iterator.next();
    if (next.done) break;
    head += next.value;
    if (head.length > MAX_LINE_CHARS && !head.includes("\n")) {
      throw new ImportError(
        "unknown_format",
        `the first line is longer than ${MAX_LINE_CHARS} characters: this is not a table with a header line`,
      );
    }
  }
  async function* rest(): AsyncGenerator<string> {
    if (head !== "") yield head;
    for (;;) {
      const next = await iterator.next();
      if (next.done) return;
      yield next.value;
    }
  }
  return { head: head.replace(/^\ufeff/, ""), rest: rest() };
}

/** The buffered records, then the rest, a chunk's records at a time. */
async function* chain(
  buffered: ParsedRecord[],
  rest: AsyncGenerator<ParsedRecord[]>,
): AsyncGenerator<ParsedRecord[]> {
  yield buffered;
  yield* rest;
}

/** Writes batches one after another, a batch in flight while the next is read, and moves the
 * ledger's checkpoint once the store confirmed each. Errors the store blames on the data split
 * the batch down to the readings refused; the operator's stop the import, the server's are retried. */
class CheckpointedWriter {
  #chain: Promise<void> = Promise.resolve();
  #failure: unknown;
  confirmedStored: number;
  confirmedLine = 0;

  constructor(
    readonly deps: ImportDeps,
    readonly id: number,
    readonly counts: ImportCounts,
    readonly name: string,
  ) {
    this.confirmedStored = counts.stored;
  }

  /** Queues a batch; waits for the one before it, so at most one is in flight. */
  async flush(batch: Reading[], lines: number[], refused: RefusedRow[], line: number): Promise<void> {
    await this.#chain;
    if (this.#failure !== undefined) throw this.#failure;
    const snapshot = structuredClone(this.counts);
    this.#chain = this.#write(batch, lines, refused, line, snapshot).catch((error: unknown) => {
      this.#failure = error;
    });
  }

  async settled(): Promise<void> {
    await this.#chain;
    if (this.#failure !== undefined) throw this.#failure;
  }

  async #write(
    batch: Reading[],
    lines: number[],
    refused: RefusedRow[],
    line: number,
    snapshot: ImportCounts,
  ) {
    const rejected: RefusedRow[] = [];
    let written = 0;
    if (batch.length > 0) {
      const result = await this.#writeSplitting(batch);
      written = result.written;
      const lineOf = new Map<Reading, number>();
      if (result.rejected.length > 0) for (let i = 0; i < batch.length; i++) lineOf.set(batch[i]!, lines[i]!);
      for (const { reading, reason } of result.rejected) {
        // Old history on a store that keeps raw points for a limited time: the operator's
        // setting, not the reading, is what stops it.
        const beyond = /beyond retention/i.test(reason);
        rejected.push({
          line: lineOf.get(reading) ?? line,
          column: new Date(reading.t).toISOString(),
          reason: beyond ? "beyond_retention" : "store_rejected",
          detail: beyond
            ? `older than the store keeps raw points (${reason}); to import history this old, lengthen the raw retention (INFLUX_RAW_RETENTION, e.g. INF, with INFLUX_CREATE_DATABASE) and import the file again`
            : `the store refused this reading: ${reason}`,
          row: `${reading.building}/${reading.space}/${reading.sensor} ${new Date(reading.t).toISOString()} ${reading.v}`,
        });
      }
      let first = snapshot.firstT;
      let last = snapshot.lastT;
      for (const r of batch) {
        if (first === undefined || r.t < first) first = r.t;
        if (last === undefined || r.t > last) last = r.t;
      }
      if (first !== undefined) this.counts.firstT = snapshot.firstT = first;
      if (last !== undefined) this.counts.lastT = snapshot.lastT = last;
    }
    this.confirmedStored += written;
    this.counts.stored = this.confirmedStored;
    this.counts.refused += rejected.length;
    snapshot.stored = this.confirmedStored;
    snapshot.refused += rejected.length;
    await this.deps.ledger.checkpoint(this.id, line, snapshot, [...refused, ...rejected]);
    this.confirmedLine = line;
  }

  async #writeSplitting(
    batch: Reading[],
  ): Promise<{ written: number; rejected: { reading: Reading; reason: string }[] }> {
    try {
      return await this.#writeRetrying(batch);
    } catch (error) {
      if (blameOf(error) !== "data") throw error;
      if (batch.length === 1) {
        return { written: 0, rejected: [{ reading: batch[0]!, reason: (error as Error).message }] };
      }
      const half = Math.ceil(batch.length / 2);
      const a = await this.#writeSplitting(batch.slice(0, half));
      const b = await this.#writeSplitting(batch.slice(half));
      return { written: a.written + b.written, rejected: [...a.rejected, ...b.rejected] };
    }
  }

  async #writeRetrying(batch: Reading[]) {
    const delays = this.deps.retryDelaysMs ?? DEFAULT_RETRY_DELAYS;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.deps.store.write(batch);
      } catch (error) {
        const blame = blameOf(error);
        if (blame === "data") throw error;
        const reason = error instanceof Error ? error.message : String(error);
        if (blame === "operator" || attempt >= delays.length) {
          throw new ImportError(
            "store_failed",
            `the telemetry store ${blame === "operator" ? "refuses writes (its configuration or credentials)" : "is failing"}: ${reason}; nothing in ${this.name} was refused for it: fix the store and run the same import again, it goes on after line ${this.confirmedLine}`,
            this.id,
            this.confirmedLine,
            { cause: error },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delays[attempt]));
      }
    }
  }
}
