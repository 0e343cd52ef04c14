// One catalogue of the API's errors (code, status, title), answered as application/problem+json
// (RFC 9457). Messages say what to do; nothing internal (stack, SQL, InfluxQL) ever leaks.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { type CodeOf, ERRORS, errorFamily } from "../model/errors.ts";

export type ProblemCode = CodeOf<"ApiError">;

/** Status and title of each problem, as ApiError's kinds in model/errors.ts give them. */
export const PROBLEMS = Object.fromEntries(
  Object.entries(ERRORS.ApiError.kinds).map(([code, kind]) => [
    code,
    { status: kind.httpStatus, title: kind.title },
  ]),
) as { readonly [C in ProblemCode]: { readonly status: number; readonly title: string } };

export class ApiError extends errorFamily("ApiError") {
  readonly extra: Record<string, unknown>;
  constructor(code: ProblemCode, detail: string, extra: Record<string, unknown> = {}) {
    super(code, detail);
    this.extra = extra;
  }
}

export function sendProblem(
  reply: FastifyReply,
  request: FastifyRequest,
  code: ProblemCode,
  detail: string,
  extra: Record<string, unknown> = {},
): FastifyReply {
  const { status, title } = PROBLEMS[code];
  return reply
    .code(status)
    .type("application/problem+json")
    .send({
      type: `urn:charge-guard:problem:${code.toLowerCase()}`,
      title,
      status,
      detail,
      instance: request.url,
      code,
      ...extra,
    });
}

/** Installs the error and not-found handlers that turn every failure into a problem. */
export function installProblemHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) return sendProblem(reply, request, error.code, error.message, error.extra);
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.map((v) => ({
        where: `${error.validationContext ?? ""}${v.instancePath}`,
        message: v.message,
      }));
      return sendProblem(
        reply,
        request,
        "BAD_REQUEST",
        errors.map((e) => `${e.where}: ${e.message}`).join("; "),
        { errors },
      );
    }
    const status = (error as FastifyError).statusCode ?? 500;
    if (status === 413) return sendProblem(reply, request, "PAYLOAD_TOO_LARGE", "Send a smaller body.");
    if (status === 429) return sendProblem(reply, request, "RATE_LIMITED", "Slow down and retry later.");
    if (status >= 400 && status < 500) return sendProblem(reply, request, "BAD_REQUEST", error.message);
    request.log.error({ err: error }, "request failed");
    return sendProblem(reply, request, "INTERNAL", "Something went wrong on our side; it has been logged.");
  });
  app.setNotFoundHandler((request, reply) =>
    sendProblem(reply, request, "NOT_FOUND", `No route ${request.method} ${request.url.split("?")[0]}.`),
  );
}
