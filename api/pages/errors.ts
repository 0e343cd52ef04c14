// Failures on page routes answered as pages a person can act on (sign in, go back), with the
// same status codes the API uses; JSON routes keep application/problem+json.
import type { FastifyError, FastifyInstance } from "fastify";
import { hasZodFastifySchemaValidationErrors } from "fastify-type-provider-zod";
import { ApiError, PROBLEMS } from "../problem.ts";
import { frame } from "./frame.ts";
import { html } from "./html.ts";
import { sendPage } from "./layout.ts";
import { pageContext, sendLoginPage } from "./session.ts";
import { STRINGS } from "./strings.ts";

function statusOf(error: FastifyError | ApiError): number {
  if (error instanceof ApiError) return PROBLEMS[error.code].status;
  if (hasZodFastifySchemaValidationErrors(error)) return 400;
  const status = (error as FastifyError).statusCode ?? 500;
  return status >= 400 && status < 600 ? status : 500;
}

/** Installs the HTML error handler on a page plugin's scope. */
export function installPageErrors(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    const status = statusOf(error);
    if (status === 401)
      return sendLoginPage(request, reply, 401, request.url, STRINGS[pageContext(request).lang].error[401]);
    if (status >= 500) request.log.error({ err: error }, "page failed");
    const ctx = pageContext(request);
    const e = STRINGS[ctx.lang].error;
    const known = status === 403 || status === 404 || status === 400 ? status : status >= 500 ? 500 : 400;
    // A 400's own message says what to fix (a month in the future); others stay generic.
    const detail = known === 400 && error instanceof ApiError ? error.message : null;
    const body = html`<h1>${e.title}</h1><p>${e[known]}</p>${detail ? html`<p lang="en">${detail}</p>` : ""}<p><a href="/login?lang=${ctx.lang}">${e.home}</a></p>`;
    if (status === 429) reply.header("retry-after", "60");
    return sendPage(reply, frame(ctx, "none", [], e.title, body), status);
  });
}
