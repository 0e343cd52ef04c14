// How InfluxDB's answers become typed errors: what is retried, split, waited for or dropped.
import { describe, expect, it } from "vitest";
import { classifyResponse, parsePartialWrite, retryDelay } from "./client.ts";

const headers = (h: Record<string, string> = {}) => new Headers(h);

describe("classifyResponse", () => {
  it("never retries 400/422 whole, and reads partial writes", () => {
    const conflict = classifyResponse(
      400,
      '{"error":"partial write: field type conflict: input field \\"value\\" on measurement \\"m\\" is type float, already exists as type string dropped=3"}',
      headers(),
      "write",
    );
    expect(conflict).toMatchObject({ code: "influx_partial_write", retryable: false, status: 400 });
    expect(conflict.partial).toEqual({ dropped: 3, kind: "field_type_conflict" });
    const old = classifyResponse(
      400,
      '{"error":"partial write: points beyond retention policy dropped=1"}',
      headers(),
      "write",
    );
    expect(old.partial).toEqual({ dropped: 1, kind: "beyond_retention" });
    expect(classifyResponse(422, "unprocessable", headers(), "write")).toMatchObject({
      code: "influx_bad_request",
      retryable: false,
    });
  });

  it("splits on 413, waits on 429/503 honouring Retry-After, retries other 5xx", () => {
    expect(classifyResponse(413, "", headers(), "write")).toMatchObject({
      code: "influx_too_large",
      retryable: true,
    });
    expect(classifyResponse(429, "", headers({ "Retry-After": "30" }), "write")).toMatchObject({
      code: "influx_throttled",
      retryable: true,
      retryAfterMs: 30_000,
    });
    expect(classifyResponse(503, "", headers(), "write").retryAfterMs).toBeGreaterThan(0);
    expect(classifyResponse(500, '{"error":"timeout"}', headers(), "write")).toMatchObject({
      code: "influx_server_error",
      retryable: true,
    });
  });

  it("names authentication and missing databases", () => {
    expect(classifyResponse(401, '{"error":"authorization failed"}', headers(), "query")).toMatchObject({
      code: "influx_unauthorized",
      retryable: false,
    });
    expect(
      classifyResponse(404, '{"error":"database not found: \\"x\\""}', headers(), "write"),
    ).toMatchObject({
      code: "influx_database_not_found",
    });
  });
});

describe("retryDelay", () => {
  it("takes the larger of Retry-After and back-off, capped at ten minutes", () => {
    expect(retryDelay("2")).toBe(2000);
    expect(retryDelay("100000")).toBe(600_000);
    expect(retryDelay(null, 40)).toBe(40_000);
    expect(retryDelay("garbage")).toBe(10_000);
  });
});

describe("parsePartialWrite", () => {
  it("ignores messages that are not partial writes", () => {
    expect(parsePartialWrite("database not found")).toBeUndefined();
    expect(parsePartialWrite("partial write: max-values-per-tag limit exceeded dropped=2")).toEqual({
      dropped: 2,
      kind: "other",
    });
  });
});
