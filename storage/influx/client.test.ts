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

describe("blame", () => {
  const blame = (status: number, body: string) => classifyResponse(status, body, headers(), "write").blame;

  it("takes only refusals of the points themselves out on the data", () => {
    expect(
      blame(400, '{"error":"partial write: field type conflict: input field \\"value\\" dropped=1"}'),
    ).toBe("data");
    expect(blame(400, '{"error":"partial write: points beyond retention policy dropped=2"}')).toBe("data");
    expect(blame(400, '{"error":"unable to parse \'temperature value=\': missing field value"}')).toBe(
      "data",
    );
    expect(blame(422, "unprocessable entity: failure writing points")).toBe("data");
  });

  it("blames the operator for credentials, missing databases and policies, and server limits", () => {
    expect(blame(401, '{"error":"authorization failed"}')).toBe("operator");
    expect(blame(403, '{"error":"\\"app\\" user is not authorized to write to database \\"t\\""}')).toBe(
      "operator",
    );
    expect(blame(404, '{"error":"database not found: \\"telemetry\\""}')).toBe("operator");
    expect(
      classifyResponse(400, '{"error":"retention policy not found: raw"}', headers(), "write"),
    ).toMatchObject({
      code: "influx_policy_not_found",
      blame: "operator",
    });
    expect(
      classifyResponse(
        400,
        '{"error":"partial write: max-values-per-tag limit exceeded (100000/100000): measurement=\\"t\\" dropped=3"}',
        headers(),
        "write",
      ),
    ).toMatchObject({ code: "influx_limit_exceeded", blame: "operator" });
    // A 400 that names no point (a proxy's, say) is retried rather than dead-lettered.
    expect(blame(400, "<html>400 Bad Request: request header or cookie too large</html>")).toBe("operator");
  });

  it("blames the server for outages, throttling and 5xx", () => {
    expect(blame(500, '{"error":"engine: cache maximum memory size exceeded"}')).toBe("server");
    expect(blame(503, "")).toBe("server");
    expect(blame(429, "")).toBe("server");
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
