// Managers import history over HTTP as the command line does: the body is the file itself
// (text/csv, or gzip), streamed into the importer; the answer is the import's summary, and its
// refused rows download as a CSV. A manager writes only the buildings they manage.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { importOptionsSchema, parseRangeBound } from "../../imports/options.ts";
import { REFUSED_CSV_HEADER, refusedCsvRow } from "../../imports/refused-csv.ts";
import { ImportError, runImport } from "../../imports/run-import.ts";
import { InputError } from "../../imports/text-source.ts";
import { IMPORT_FORMATS } from "../../imports/types.ts";
import type { SiteRegistry } from "../../model/registry.ts";
import type { ImportLedger, ImportRecord } from "../../storage/import-ledger.ts";
import type { TelemetryStore } from "../../storage/telemetry-store.ts";
import { principalOf } from "../auth/access.ts";
import type { Principal, RouteAccess } from "../auth/principal.ts";
import { buildingsOf } from "../auth/principal.ts";
import { ApiError } from "../problem.ts";

export interface ImportRouteOptions {
  registry: SiteRegistry;
  store: TelemetryStore;
  imports: ImportLedger;
  /** Largest file accepted, bytes (IMPORT_MAX_BYTES). */
  maxImportBytes: number;
  maxFutureSkewMs?: number;
}

const MANAGERS: RouteAccess = { scope: "authenticated", roles: ["admin", "manager"] };
const CONTENT_TYPES = [
  "text/csv",
  "text/plain",
  "text/tab-separated-values",
  "application/gzip",
  "application/x-gzip",
  "application/octet-stream",
];

const importQuery = z
  .object({
    name: z
      .string()
      .min(1)
      .max(200)
      .optional()
      .meta({ description: "The file's name, kept with its refused rows" }),
    format: z.enum(IMPORT_FORMATS).optional(),
    encoding: z.string().max(20).optional(),
    delimiter: z.string().max(10).optional(),
    decimal: z.string().max(10).optional(),
    zone: z.string().max(64).optional(),
    dateIs: z.enum(["end-of-day", "start-of-day"]).optional(),
    from: z
      .string()
      .max(40)
      .optional()
      .meta({ description: "Refuse readings before this date (YYYY-MM-DD) or ISO instant" }),
    to: z.string().max(40).optional().meta({ description: "Refuse readings from this date or instant on" }),
  })
  .strict();

const countsOut = z.object({
  rows: z.number(),
  stored: z.number(),
  refused: z.number(),
  duplicates: z.number(),
  skipped: z.record(z.string(), z.number()),
  firstT: z.number().optional(),
  lastT: z.number().optional(),
});

const importOut = z.object({
  id: z.number(),
  name: z.string(),
  format: z.enum(IMPORT_FORMATS),
  state: z.enum(["running", "done", "interrupted"]),
  startedAt: z.number(),
  finishedAt: z.number().optional(),
  line: z.number().meta({ description: "The last line of the file whose readings are stored" }),
  counts: countsOut,
  sha256: z.string().optional(),
  error: z.string().optional(),
  refusedRows: z.string().meta({ description: "Where the refused rows download, as CSV" }),
  encoding: z.string().optional(),
  delimiter: z.string().optional(),
  decimal: z.string().optional(),
  compressed: z.boolean().optional(),
  resumedAfterLine: z.number().optional(),
  sameContentAs: z.number().optional(),
});

const idParams = z.object({ id: z.coerce.number().int().positive() });

function out(record: ImportRecord, extra: Record<string, unknown> = {}) {
  const { identity: _identity, by: _by, scope: _scope, ...rest } = record;
  return { ...rest, ...extra, refusedRows: `/imports/${record.id}/refused` };
}

class UploadTooLarge extends InputError {}

/** An admin sees every import; a manager those made under their own subject AND within the
 * buildings they manage now (subjects are not unique: `token --role manager` signs them all
 * "cli-manager"), never an admin's or the command line's, which could write anywhere. */
function visibleRecord(principal: Principal, record: ImportRecord | undefined): boolean {
  return record !== undefined && visible(principal, record);
}

function visible(principal: Principal, record: ImportRecord): boolean {
  if (principal.role === "admin") return true;
  const allowed = buildingsOf(principal);
  return (
    record.by === principal.subject &&
    record.scope !== undefined &&
    allowed !== "all" &&
    record.scope.every((b) => allowed.has(b))
  );
}

/** The body, refused past `max` bytes: fastify's bodyLimit does not apply to a stream handed on. */
async function* limited(body: AsyncIterable<Buffer>, max: number): AsyncGenerator<Buffer> {
  let bytes = 0;
  for await (const chunk of body) {
    bytes += chunk.length;
    if (bytes > max)
      throw new UploadTooLarge(
        `the file is larger than the ${max} bytes an import may be (IMPORT_MAX_BYTES)`,
      );
    yield chunk;
  }
}

export const importRoutes: FastifyPluginAsyncZod<ImportRouteOptions> = async (app, options) => {
  const { registry, store, imports } = options;
  // The body is the file: handed to the importer as a stream, never buffered whole.
  app.addContentTypeParser(CONTENT_TYPES, { bodyLimit: options.maxImportBytes }, (_request, payload, done) =>
    done(null, payload),
  );

  const mine = (request: Parameters<typeof principalOf>[0], record: ImportRecord | undefined) => {
    if (!record || !visible(principalOf(request), record)) throw new ApiError("NOT_FOUND", "No such import.");
    return record;
  };

  app.post(
    "/imports",
    {
      bodyLimit: options.maxImportBytes,
      schema: {
        tags: ["managers"],
        summary: "Import a history file: long or wide meter CSV, Météo-France daily or hourly",
        description:
          "The body is the file (text/csv, or application/gzip). Every row is checked like a live reading; the answer counts what was stored and refused, and the refused rows download from refusedRows. The same file twice stores nothing twice; an interrupted import resumes when sent again. See imports/FORMATS.md.",
        querystring: importQuery,
        response: { 200: importOut },
      },
      config: { access: MANAGERS },
    },
    async (request) => {
      const principal = principalOf(request);
      const q = request.query;
      const parsed = importOptionsSchema.safeParse({
        format: q.format,
        encoding: q.encoding,
        delimiter: q.delimiter,
        decimal: q.decimal,
        zone: q.zone,
        dateIs: q.dateIs,
      });
      if (!parsed.success) {
        throw new ApiError(
          "BAD_REQUEST",
          parsed.error.issues.map((i) => `${String(i.path[0])}: ${i.message}`).join("; "),
        );
      }
      const zone = parsed.data.zone ?? registry.site.timezone;
      const range: { from?: number; to?: number } = {};
      try {
        if (q.from) range.from = parseRangeBound(q.from, zone);
        if (q.to) range.to = parseRangeBound(q.to, zone);
      } catch (error) {
        throw new ApiError("BAD_REQUEST", (error as Error).message);
      }
      const body = request.body as NodeJS.ReadableStream | undefined;
      if (!body || typeof (body as { pipe?: unknown }).pipe !== "function") {
        throw new ApiError(
          "BAD_REQUEST",
          `Send the file as the body, with Content-Type text/csv or application/gzip.`,
        );
      }
      const allowed = buildingsOf(principal);
      const length = Number(request.headers["content-length"]);
      try {
        const summary = await runImport(
          {
            input: limited(body as AsyncIterable<Buffer>, options.maxImportBytes),
            name: q.name ?? "upload.csv",
            ...(Number.isFinite(length) ? { size: length } : {}),
            by: principal.subject,
            options: { ...parsed.data, range },
            ...(allowed === "all" ? {} : { buildings: allowed }),
          },
          {
            registry,
            store,
            ledger: imports,
            ...(options.maxFutureSkewMs === undefined ? {} : { maxFutureSkewMs: options.maxFutureSkewMs }),
          },
        );
        const { encoding, delimiter, decimal, compressed, resumedAfterLine, sameContentAs, ...record } =
          summary;
        return out(record, {
          encoding,
          delimiter,
          decimal,
          compressed,
          ...(resumedAfterLine === undefined ? {} : { resumedAfterLine }),
          // Another's import of the same content is not for this caller to know of.
          ...(sameContentAs !== undefined && visibleRecord(principal, await imports.get(sameContentAs))
            ? { sameContentAs }
            : {}),
        });
      } catch (error) {
        if (!(error instanceof ImportError)) throw error;
        if (error.cause instanceof UploadTooLarge) {
          throw new ApiError(
            "PAYLOAD_TOO_LARGE",
            `${error.cause.message}; what came before is imported (import ${error.importId ?? "not recorded"})`,
          );
        }
        if (error.code === "store_failed" || error.code === "stopped") {
          throw new ApiError("NOT_READY", error.message, {
            importId: error.importId,
            resumeAfterLine: error.resumeAfterLine,
          });
        }
        throw new ApiError("BAD_REQUEST", error.message, { reason: error.code });
      }
    },
  );

  app.get(
    "/imports",
    {
      schema: {
        tags: ["managers"],
        summary: "The latest imports (a manager's own; every one for an admin)",
        querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(50) }).strict(),
        response: { 200: z.object({ imports: z.array(importOut) }) },
      },
      config: { access: MANAGERS },
    },
    async (request) => {
      const principal = principalOf(request);
      const list = await imports.list(
        request.query.limit,
        principal.role === "admin" ? undefined : principal.subject,
      );
      return { imports: list.filter((r) => visible(principal, r)).map((r) => out(r)) };
    },
  );

  app.get(
    "/imports/:id",
    {
      schema: {
        tags: ["managers"],
        summary: "One import's summary",
        params: idParams,
        response: { 200: importOut },
      },
      config: { access: MANAGERS },
    },
    async (request) => out(mine(request, await imports.get(request.params.id))),
  );

  app.get(
    "/imports/:id/refused",
    {
      schema: {
        tags: ["managers"],
        summary: "An import's refused rows, as CSV (file;line;column;reason;detail;row)",
        params: idParams,
      },
      config: { access: MANAGERS },
    },
    async (request, reply) => {
      const record = mine(request, await imports.get(request.params.id));
      async function* csv(): AsyncGenerator<string> {
        yield REFUSED_CSV_HEADER;
        let after: { line: number; column: string } | undefined;
        for (;;) {
          const page = await imports.refused(record.id, after, 2_000);
          if (page.length === 0) return;
          yield page.map((r) => refusedCsvRow(record.name, r)).join("");
          after = page[page.length - 1]!;
        }
      }
      const { Readable } = await import("node:stream");
      return reply
        .type("text/csv; charset=utf-8")
        .header("content-disposition", `attachment; filename="import-${record.id}-refused.csv"`)
        .send(Readable.from(csv()));
    },
  );
};
