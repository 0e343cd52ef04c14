import { describe, expect, it } from "vitest";
import { ApiError, PROBLEMS } from "./problem.ts";

describe("the problem catalogue", () => {
  it("answers each code with the status and title it always had (an interface)", () => {
    expect(PROBLEMS).toEqual({
      BAD_REQUEST: { status: 400, title: "The request is not valid" },
      UNAUTHENTICATED: { status: 401, title: "Authentication required" },
      FORBIDDEN: { status: 403, title: "Not allowed" },
      NOT_FOUND: { status: 404, title: "Not found" },
      PAYLOAD_TOO_LARGE: { status: 413, title: "The request body is too large" },
      RATE_LIMITED: { status: 429, title: "Too many requests" },
      NOT_READY: { status: 503, title: "A dependency is not available" },
      INTERNAL: { status: 500, title: "Internal error" },
    });
  });

  it("keeps an ApiError's code, detail and extra members", () => {
    const error = new ApiError("NOT_READY", "retry later", { importId: 7 });
    expect(error).toMatchObject({ name: "ApiError", code: "NOT_READY", message: "retry later" });
    expect(error.extra).toEqual({ importId: 7 });
  });
});
