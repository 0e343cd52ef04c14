// `import <file>…`: history into the configured store (long or wide meter CSV, Météo-France
// files), each row checked like a live reading, refused rows kept. Exit 0 when every row was
// taken, 1 when some were refused (the rest is stored), 2 for a file or option that cannot be
// read, 6 when the store failed or the import was stopped (run it again: it resumes).

import { once } from "node:events";
import { createReadStream, createWriteStream, statSync } from "node:fs";
import { basename } from "node:path";
import type { ImportRange } from "../../imports/check.ts";
import { importOptionsSchema, parseRangeBound } from "../../imports/options.ts";
import { progressDisplay } from "../../imports/progress.ts";
import { REFUSED_CSV_HEADER, refusedCsvRow } from "../../imports/refused-csv.ts";
import {
  ImportError,
  type ImportOptions,
  type ImportSummary,
  MAX_REFUSED_KEPT,
  runImport,
} from "../../imports/run-import.ts";
import type { ImportLedger } from "../../storage/import-ledger.ts";
import type { Config } from "../config.ts";
import { createImportTargets, loadRegistry } from "../wiring.ts";

export const IMPORT_EXIT = { done: 0, refused: 1, badInput: 2, interrupted: 6 } as const;

export interface ImportCommandOptions {
  files?: string[];
  format?: string;
  encoding?: string;
  delimiter?: string;
  decimal?: string;
  zone?: string;
  dateIs?: string;
  from?: string;
  to?: string;
  refused?: string;
  batchSize?: string;
  quiet?: boolean;
}

export async function importFiles(config: Config, options: ImportCommandOptions): Promise<void> {
  const registry = loadRegistry(config);
  const zone = registry.site.timezone;
  const parsed = importOptionsSchema.safeParse({
    format: options.format,
    encoding: options.encoding,
    delimiter: options.delimiter,
    decimal: options.decimal,
    zone: options.zone,
    dateIs: options.dateIs,
  });
  if (!parsed.success) {
    process.stderr.write(
      `import: ${parsed.error.issues.map((i) => `--${String(i.path[0])}: ${i.message}`).join("; ")}\n`,
    );
    process.exit(IMPORT_EXIT.badInput);
  }
  const range: ImportRange = {};
  try {
    if (options.from) range.from = parseRangeBound(options.from, options.zone ?? zone);
    if (options.to) range.to = parseRangeBound(options.to, options.zone ?? zone);
  } catch (error) {
    process.stderr.write(`import: ${(error as Error).message}\n`);
    process.exit(IMPORT_EXIT.badInput);
  }
  const importOptions: ImportOptions = { ...parsed.data, range };
  const { store, ledger } = createImportTargets(config, zone);
  const refusedOut = options.refused ? createWriteStream(options.refused) : undefined;
  refusedOut?.write(REFUSED_CSV_HEADER);
  // `import … | head`: a reader that went away is not an error of the import.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") throw error;
  });
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  let exit: number = IMPORT_EXIT.done;
  try {
    try {
      await store.connect();
    } catch (error) {
      process.stderr.write(
        `import: the telemetry store cannot be opened (${(error as Error).message}); nothing was read: fix the store's settings and run the import again\n`,
      );
      process.exitCode = IMPORT_EXIT.interrupted;
      return;
    }
    await ledger.connect();
    for (const file of options.files ?? []) {
      const name = basename(file);
      let size: number;
      try {
        size = statSync(file).size;
      } catch (error) {
        process.stderr.write(`import: cannot read ${file}: ${(error as Error).message}\n`);
        exit = Math.max(exit, IMPORT_EXIT.badInput);
        continue;
      }
      const display = options.quiet ? undefined : progressDisplay(name, process.stderr);
      try {
        const summary = await runImport(
          {
            input: createReadStream(file, { highWaterMark: 1 << 16 }),
            name,
            size,
            by: "cli",
            options: importOptions,
            batchSize: options.batchSize ? Number(options.batchSize) : undefined,
            signal: controller.signal,
          },
          {
            registry,
            store,
            ledger,
            maxFutureSkewMs: config.INGEST_MAX_FUTURE_SKEW_S * 1000,
            onProgress: (p) => display?.update(p),
          },
        );
        display?.stop();
        process.stdout.write(describe(summary));
        if (summary.counts.refused > 0) {
          exit = Math.max(exit, IMPORT_EXIT.refused);
          await writeRefused(ledger, summary, refusedOut, options.refused);
        }
      } catch (error) {
        display?.stop();
        if (!(error instanceof ImportError)) throw error;
        const resumable = error.code === "store_failed" || error.code === "stopped";
        process.stderr.write(
          `import: ${error.message.startsWith(`${name}:`) ? "" : `${name}: `}${error.message}${
            error.code === "stopped"
              ? `; run the same command again to go on after line ${error.resumeAfterLine ?? 0}`
              : ""
          }${error.importId !== undefined ? ` (import #${error.importId})` : ""}\n`,
        );
        exit = Math.max(exit, resumable ? IMPORT_EXIT.interrupted : IMPORT_EXIT.badInput);
        if (controller.signal.aborted) break;
      }
    }
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
    if (refusedOut) {
      refusedOut.end();
      await once(refusedOut, "close");
    }
    await ledger.close();
    await store.close();
  }
  process.exitCode = exit;
}

function describe(s: ImportSummary): string {
  const c = s.counts;
  const skipped = Object.entries(c.skipped)
    .map(([why, n]) => `${n} ${why}`)
    .join(", ");
  const range =
    c.firstT !== undefined && c.lastT !== undefined
      ? `, ${new Date(c.firstT).toISOString()} to ${new Date(c.lastT).toISOString()}`
      : "";
  const lines = [
    `${s.name}: import #${s.id}, ${s.format} (${s.encoding}${s.compressed ? ", gzip" : ""}, delimiter ${JSON.stringify(s.delimiter)}, decimal ${JSON.stringify(s.decimal)})`,
    `  ${c.rows} rows: ${c.stored} readings stored${range}; ${c.refused} refused; ${c.duplicates} duplicates${skipped ? `; skipped ${skipped}` : ""}`,
  ];
  if (s.resumedAfterLine !== undefined) lines.push(`  resumed after line ${s.resumedAfterLine}`);
  if (c.refused > MAX_REFUSED_KEPT) {
    lines.push(
      `  the first ${MAX_REFUSED_KEPT} refused rows are kept; the ${c.refused - MAX_REFUSED_KEPT} after them are counted only`,
    );
  }
  if (s.sameContentAs !== undefined) {
    lines.push(
      `  the same content as import #${s.sameContentAs}: its readings were already stored, none is stored twice`,
    );
  }
  return `${lines.join("\n")}\n`;
}

const SHOWN_REFUSALS = 10;

async function writeRefused(
  ledger: ImportLedger,
  summary: ImportSummary,
  out: NodeJS.WritableStream | undefined,
  outPath: string | undefined,
): Promise<void> {
  let after: { line: number; column: string } | undefined;
  let shown = 0;
  for (;;) {
    const page = await ledger.refused(summary.id, after, 5_000);
    if (page.length === 0) break;
    for (const r of page) {
      if (shown < SHOWN_REFUSALS) {
        process.stdout.write(
          `  line ${r.line}${r.column ? ` (${r.column})` : ""}: ${r.reason}: ${r.detail}\n`,
        );
        shown++;
      }
      if (out && !out.write(refusedCsvRow(summary.name, r))) await once(out, "drain");
    }
    after = page[page.length - 1]!;
    if (!out && shown >= SHOWN_REFUSALS) break;
  }
  process.stdout.write(
    outPath
      ? `  every refused row is in ${outPath}\n`
      : `  ${summary.counts.refused > shown ? `${summary.counts.refused - shown} more; ` : ""}write them all with --refused FILE\n`,
  );
}
