// A small HTTP client for InfluxDB's v1 API (/ping, /write, /query), spoken by InfluxDB 1.x,
// 2.x (v1 compatibility) and 3.x. Failures become InfluxError with a stable code, whether a
// retry can help, and how long to wait (modelled on Telegraf's influxdb_v2 output).
import http from "node:http";
import https from "node:https";
import { type CodeOf, errorFamily } from "../../model/errors.ts";
import type { Blame } from "../store-error.ts";

export type InfluxErrorCode = CodeOf<"InfluxError">;

/** What a partial write said about the points InfluxDB dropped. */
export interface PartialWrite {
  /** Points dropped, when InfluxDB said (dropped=N); the rest of the request is stored. */
  dropped: number | undefined;
  kind: "field_type_conflict" | "beyond_retention" | "unparsable" | "other";
}

export class InfluxError extends errorFamily("InfluxError") {
  constructor(
    code: InfluxErrorCode,
    message: string,
    readonly details: {
      status?: number;
      /** A later attempt of the same request may succeed. */
      retryable: boolean;
      /** Who must act for a write to succeed (default: the server's, see blameOf). */
      blame?: Blame;
      /** Wait at least this long before retrying (from Retry-After or our back-off). */
      retryAfterMs?: number;
      partial?: PartialWrite;
      cause?: unknown;
    },
  ) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
  }
  get retryable(): boolean {
    return this.details.retryable;
  }
  get retryAfterMs(): number | undefined {
    return this.details.retryAfterMs;
  }
  get status(): number | undefined {
    return this.details.status;
  }
  get partial(): PartialWrite | undefined {
    return this.details.partial;
  }
  /** Only "data" means InfluxDB refused the points themselves (see storage/store-error.ts). */
  get blame(): Blame {
    return this.details.blame ?? "server";
  }
}

export type InfluxAuth =
  | { kind: "none" }
  /** InfluxDB 1.x users; `in: "query"` sends u/p parameters, "basic" an Authorization header. */
  | { kind: "password"; username: string; password: string; in?: "basic" | "query" }
  /** `Authorization: Token <token>`: InfluxDB 2.x/3.x tokens, or "user:password" on 1.8+. */
  | { kind: "token"; token: string };

export interface InfluxClientOptions {
  url: string;
  auth: InfluxAuth;
  timeoutMs: number;
}

export interface WriteOptions {
  db: string;
  rp?: string;
  precision: "ns" | "u" | "ms" | "s";
  consistency?: "any" | "one" | "quorum" | "all";
}

export interface QueryOptions {
  db?: string;
  rp?: string;
  epoch?: "ns" | "u" | "ms" | "s";
  /** Bound parameters ($name in the query), for servers that support them. */
  params?: Record<string, string | number | boolean>;
}

export interface Series {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}

export interface StatementResult {
  statement_id: number;
  series?: Series[];
  error?: string;
  partial?: boolean;
}

const MAX_RETRY_AFTER_MS = 600_000;

/** Waiting time for 429/503: the larger of Retry-After (seconds, capped) and a small back-off. */
export function retryDelay(retryAfter: string | null, attempt = 1): number {
  const backoff = Math.min(60_000, (attempt * attempt * 1000) / 40);
  if (retryAfter === null || retryAfter.trim() === "") return backoff;
  let header = Number(retryAfter);
  if (!Number.isFinite(header)) {
    const date = Date.parse(retryAfter);
    header = Number.isNaN(date) ? 10 : Math.max(0, (date - Date.now()) / 1000);
  }
  return Math.max(backoff, Math.min(header * 1000, MAX_RETRY_AFTER_MS));
}

/** Reads InfluxDB's "partial write: ... dropped=N" messages. */
export function parsePartialWrite(message: string): PartialWrite | undefined {
  const lower = message.toLowerCase();
  const dropped = /dropped=(\d+)/.exec(message);
  const kind: PartialWrite["kind"] = lower.includes("field type conflict")
    ? "field_type_conflict"
    : lower.includes("beyond retention")
      ? "beyond_retention"
      : lower.includes("unable to parse")
        ? "unparsable"
        : "other";
  if (!lower.includes("partial write") && kind === "other") return undefined;
  return { dropped: dropped ? Number(dropped[1]) : undefined, kind };
}

/** Turns a non-2xx response into an InfluxError. */
export function classifyResponse(
  status: number,
  body: string,
  headers: ResponseHeaders,
  what: string,
): InfluxError {
  let message = body.trim();
  try {
    const parsed = JSON.parse(body) as { error?: unknown; message?: unknown };
    if (typeof parsed.error === "string") message = parsed.error;
    else if (typeof parsed.message === "string") message = parsed.message;
  } catch {
    // not JSON: keep the text
  }
  message = message.slice(0, 1000) || `HTTP ${status}`;
  const influxError = headers.get("X-Influxdb-Error");
  if (influxError && !message.includes(influxError)) message += ` (${influxError})`;
  const at = `${what} failed with HTTP ${status}`;
  if (status === 401 || status === 403) {
    return new InfluxError(
      "influx_unauthorized",
      `${at}: ${message}. Check the InfluxDB username/password or token and its permissions.`,
      { status, retryable: false, blame: "operator" },
    );
  }
  if (/database not found|bucket .*not found/i.test(message)) {
    return new InfluxError(
      "influx_database_not_found",
      `${at}: ${message}. Create it or set createDatabase.`,
      { status, retryable: false, blame: "operator" },
    );
  }
  if (/retention policy not found/i.test(message)) {
    return new InfluxError(
      "influx_policy_not_found",
      `${at}: ${message}. Create the retention policy or set createDatabase.`,
      { status, retryable: false, blame: "operator" },
    );
  }
  if (status === 413) {
    return new InfluxError("influx_too_large", `${at}: request too large; send smaller batches.`, {
      status,
      retryable: true,
    });
  }
  if (status === 429 || status === 503 || status === 502 || status === 504) {
    const retryAfterMs = retryDelay(headers.get("Retry-After"));
    return new InfluxError("influx_throttled", `${at}: ${message}; retry in ${retryAfterMs} ms.`, {
      status,
      retryable: true,
      retryAfterMs,
    });
  }
  if (status >= 400 && status < 500) {
    if (SERVER_LIMIT.test(message)) {
      // max-series-per-database, max-values-per-tag…: the server's settings, not the points.
      return new InfluxError(
        "influx_limit_exceeded",
        `${at}: ${message}. Raise the limit in influxdb.conf; the points are kept until then.`,
        { status, retryable: false, blame: "operator", partial: parsePartialWrite(message) },
      );
    }
    const partial = parsePartialWrite(message);
    if (partial) {
      return new InfluxError("influx_partial_write", `${at}: ${message}`, {
        status,
        retryable: false,
        partial,
        blame: partial.kind === "other" ? "operator" : "data",
      });
    }
    return new InfluxError("influx_bad_request", `${at}: ${message}`, {
      status,
      retryable: false,
      // A refusal that names no point (a proxy's 400, an unknown message) is not taken out on
      // the data: it is retried until someone looks.
      blame: POINT_REFUSAL.test(message) ? "data" : "operator",
    });
  }
  return new InfluxError("influx_server_error", `${at}: ${message}`, { status, retryable: true });
}

/** InfluxDB's limits on series and tag values, reported as 4xx. */
const SERVER_LIMIT = /limit exceeded|max-series|max-values-per-tag/i;
/** 4xx messages that are about the points sent. */
const POINT_REFUSAL =
  /unable to parse|field type conflict|beyond retention|invalid (field|tag|number|boolean|timestamp)|bad timestamp|max key length|unprocessable/i;

/** Response headers, looked up case-insensitively. */
export interface ResponseHeaders {
  get(name: string): string | null;
}

function headersOf(raw: http.IncomingHttpHeaders): ResponseHeaders {
  return {
    get(name) {
      const value = raw[name.toLowerCase()];
      return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
    },
  };
}

export interface InfluxClient {
  /** Resolves with the server version header when InfluxDB answers. */
  ping(): Promise<string | undefined>;
  /** Posts line protocol: a string, or the bytes of a LineBuffer. */
  write(body: string | Uint8Array, options: WriteOptions): Promise<void>;
  /** Runs one or more statements (POST, unchunked); throws on any statement's error. */
  query(q: string, options?: QueryOptions): Promise<StatementResult[]>;
}

export function createInfluxClient(options: InfluxClientOptions): InfluxClient {
  const base = options.url.replace(/\/+$/, "");
  const { auth } = options;

  function authenticate(params: URLSearchParams, headers: Record<string, string>) {
    if (auth.kind === "token") headers.Authorization = `Token ${auth.token}`;
    else if (auth.kind === "password") {
      if (auth.in === "query") {
        params.set("u", auth.username);
        params.set("p", auth.password);
      } else {
        headers.Authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString("base64")}`;
      }
    }
  }

  // Keep-alive connections, reused by every request of this client. node:http, not fetch: fetch
  // copies a byte body and tees it into a stream, which cost ingest ~10 % of its CPU on writes.
  const target = new URL(`${base}/`);
  const transport = target.protocol === "https:" ? https : http;
  const agent = new transport.Agent({ keepAlive: true });

  function request(
    path: string,
    what: string,
    params: URLSearchParams,
    init: { method: string; body?: string | Uint8Array | URLSearchParams; headers?: Record<string, string> },
  ): Promise<{ status: number; text: string; headers: ResponseHeaders }> {
    const headers: Record<string, string | number> = { ...init.headers };
    authenticate(params, headers as Record<string, string>);
    const qs = params.toString();
    let body: string | Uint8Array | undefined;
    if (init.body instanceof URLSearchParams) {
      body = init.body.toString();
      headers["Content-Type"] = "application/x-www-form-urlencoded;charset=UTF-8";
    } else body = init.body;
    if (body !== undefined)
      headers["Content-Length"] = typeof body === "string" ? Buffer.byteLength(body) : body.byteLength;
    const failed = (cause: unknown): InfluxError => {
      const timedOut =
        cause instanceof Error && (cause.name === "TimeoutError" || cause.name === "AbortError");
      return timedOut
        ? new InfluxError(
            "influx_timeout",
            `${what}: no answer from ${base} within ${options.timeoutMs} ms.`,
            {
              retryable: true,
              retryAfterMs: 1000,
              cause,
            },
          )
        : new InfluxError("influx_unreachable", `${what}: cannot reach InfluxDB at ${base}; is it running?`, {
            retryable: true,
            retryAfterMs: 1000,
            cause,
          });
    };
    return new Promise((resolve, reject) => {
      // A timer of our own, cleared on the answer: nothing can abort a request after it ended.
      const abort = new AbortController();
      const timer = setTimeout(
        () => abort.abort(new DOMException("InfluxDB did not answer in time", "TimeoutError")),
        options.timeoutMs,
      );
      const settle = (
        error: InfluxError | null,
        value?: { status: number; text: string; headers: ResponseHeaders },
      ) => {
        clearTimeout(timer);
        if (error) reject(error);
        else resolve(value!);
      };
      // Once the timer fired, whatever error follows is the timeout.
      const fail = (cause: unknown) => settle(failed(abort.signal.aborted ? abort.signal.reason : cause));
      let req: http.ClientRequest;
      try {
        req = transport.request(
          `${base}${path}${qs ? `?${qs}` : ""}`,
          { method: init.method, headers, agent, signal: abort.signal },
          (res) => {
            const chunks: Buffer[] = [];
            res.on("data", (chunk: Buffer) => chunks.push(chunk));
            res.on("error", fail);
            res.on("end", () => {
              const status = res.statusCode ?? 0;
              const text = Buffer.concat(chunks).toString("utf8");
              const responseHeaders = headersOf(res.headers);
              if (status < 200 || status >= 300)
                settle(classifyResponse(status, text, responseHeaders, what));
              else settle(null, { status, text, headers: responseHeaders });
            });
          },
        );
      } catch (cause) {
        // Refused before anything was sent, e.g. a header with a line break (a token pasted
        // with its newline): an InfluxError like any other failure, and the timer cleared.
        // Retryable, so that ingest keeps its journal until the configuration is fixed.
        const message = cause instanceof Error ? cause.message : String(cause);
        settle(
          new InfluxError(
            "influx_unreachable",
            `${what}: the request could not be sent (${message}); check the InfluxDB URL and credentials.`,
            { retryable: true, retryAfterMs: 1000, cause },
          ),
        );
        return;
      }
      req.on("error", fail);
      req.end(body);
    });
  }

  return {
    async ping() {
      const res = await request("/ping", "InfluxDB ping", new URLSearchParams(), { method: "GET" });
      return res.headers.get("X-Influxdb-Version") ?? undefined;
    },

    async write(body, opts) {
      const params = new URLSearchParams({ db: opts.db, precision: opts.precision });
      if (opts.rp !== undefined) params.set("rp", opts.rp);
      if (opts.consistency !== undefined) params.set("consistency", opts.consistency);
      await request("/write", "InfluxDB write", params, {
        method: "POST",
        body,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    },

    async query(q, opts = {}) {
      const params = new URLSearchParams();
      if (opts.db !== undefined) params.set("db", opts.db);
      if (opts.rp !== undefined) params.set("rp", opts.rp);
      params.set("epoch", opts.epoch ?? "ms");
      const form = new URLSearchParams({ q });
      if (opts.params !== undefined) form.set("params", JSON.stringify(opts.params));
      const res = await request("/query", "InfluxDB query", params, { method: "POST", body: form }).catch(
        (error: unknown) => {
          // A 400 on /query is InfluxQL the server could not parse: a bug here, not in the data.
          if (error instanceof InfluxError && error.code === "influx_bad_request") {
            throw new InfluxError("influx_query_error", error.message, {
              status: error.status,
              retryable: false,
              blame: "operator",
            });
          }
          throw error;
        },
      );
      const parsed = JSON.parse(res.text) as { results?: StatementResult[]; error?: string };
      if (parsed.error !== undefined) {
        throw new InfluxError("influx_query_error", `InfluxDB query failed: ${parsed.error}`, {
          retryable: false,
        });
      }
      const results = parsed.results ?? [];
      // After a failed statement InfluxDB answers "not executed" for the ones after it, and
      // not always in order: the failure worth reporting is the other one.
      const failed =
        results.find((r) => r.error !== undefined && r.error !== "not executed") ??
        results.find((r) => r.error !== undefined);
      if (failed !== undefined) {
        throw new InfluxError("influx_query_error", `InfluxDB query failed: ${failed.error}`, {
          retryable: false,
        });
      }
      for (const result of results) {
        if (result.partial === true) {
          throw new InfluxError(
            "influx_truncated",
            "InfluxDB truncated the answer (max-row-limit); narrow the time range or raise the server's limit.",
            { retryable: false },
          );
        }
      }
      return results;
    },
  };
}
