// Signing in from a browser. Browsers navigating pages send no Authorization header, so a
// page accepts the same bearer token from an HttpOnly, SameSite=Strict cookie: GET
// /login?token=… (a link a landlord sends or prints as a QR code) or the form at /login
// verifies the token, sets the cookie and moves on with a same-site meta refresh (a redirect
// chain begun on another site would not carry a Strict cookie). Page plugins install
// `cookieBridge`, which hands the cookie to the normal bearer check; api/auth is unchanged.
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import type { Principal } from "../auth/principal.ts";
import type { TokenVerifier } from "../auth/tokens.ts";
import { type FrameContext, frame } from "./frame.ts";
import { html } from "./html.ts";
import { type Lang, pickLang } from "./i18n.ts";
import { sendPage } from "./layout.ts";
import { STRINGS } from "./strings.ts";

export const SESSION_COOKIE = "cg_session";
/** A cookie never outlives this, whatever the token's own expiry. */
const MAX_COOKIE_S = 30 * 86_400;

const cookieSessions = new WeakSet<FastifyRequest>();

/** The value of one cookie in a Cookie header. */
export function readCookie(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** For page routes: without an Authorization header, the session cookie's token is used. */
export const cookieBridge: onRequestHookHandler = async (request) => {
  if (request.headers.authorization !== undefined) return;
  const token = readCookie(request.headers.cookie, SESSION_COOKIE);
  if (token && /^[A-Za-z0-9._~+/-]+=*$/.test(token)) {
    request.headers.authorization = `Bearer ${token}`;
    cookieSessions.add(request);
  }
};

/** The frame context of a page request: its language and whether it came with the cookie. */
export function pageContext(request: FastifyRequest): FrameContext {
  const query = request.query as { lang?: string } | undefined;
  return {
    lang: pickLang(query?.lang, request.headers["accept-language"]),
    url: request.url,
    cookieSession: cookieSessions.has(request),
  };
}

function cookieHeader(request: FastifyRequest, value: string, maxAgeS: number): string {
  const secure = request.protocol === "https" ? "; Secure" : "";
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${secure}`;
}

/** Seconds until the token expires (its exp claim, already verified), capped. */
function secondsLeft(token: string, now: number): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
      exp?: unknown;
    };
    if (typeof payload.exp === "number")
      return Math.max(0, Math.min(MAX_COOKIE_S, Math.floor(payload.exp - now / 1000)));
  } catch {
    // verified tokens always parse; fall through to the cap
  }
  return MAX_COOKIE_S;
}

/** A local path to go on to; anything else (another site, //host) falls back to the role's home. */
export function safeNext(next: string | undefined, principal: Principal): string {
  if (next && /^\/(?![/\\])[^\s\\]*$/.test(next) && !next.startsWith("/login")) return next;
  return principal.role === "tenant" ? "/tenant" : "/board";
}

function loginForm(lang: Lang, next: string | undefined, message?: string) {
  const l = STRINGS[lang].login;
  return html`<h1>${l.title}</h1>
${message ? html`<p role="alert"><strong>${message}</strong></p>` : ""}
<form method="post" action="/login">
<p>${l.intro}</p>
<label for="token">${l.code}</label>
<input type="password" id="token" name="token" autocomplete="off" required>
${next ? html`<input type="hidden" name="next" value="${next}">` : ""}
<input type="hidden" name="lang" value="${lang}">
<p><button type="submit">${l.submit}</button></p>
</form>`;
}

/** The sign-in page, alone or with a message (an error page for a 401 uses it too). */
export function sendLoginPage(
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  next: string | undefined,
  message?: string,
): FastifyReply {
  const ctx = { ...pageContext(request), cookieSession: false };
  const body = loginForm(ctx.lang, next, message);
  return sendPage(reply, frame(ctx, "none", [], STRINGS[ctx.lang].login.title, body), status);
}

const loginFields = z.object({
  token: z.string().max(8_192).optional(),
  next: z.string().max(2_000).optional(),
  lang: z.enum(["fr", "en"]).optional(),
});

/** Registers /login and /logout. Without a verifier no token can be accepted (401). */
export const sessionRoutes: FastifyPluginAsyncZod<{ verifyToken?: TokenVerifier }> = async (app, options) => {
  addFormParser(app);
  const access = { scope: "public", roles: [] } as const;

  const signIn = async (
    request: FastifyRequest,
    reply: FastifyReply,
    fields: z.infer<typeof loginFields>,
  ) => {
    const token = fields.token?.trim();
    const lang = pickLang(fields.lang, request.headers["accept-language"]);
    if (!token) return sendLoginPage(request, reply, 200, fields.next);
    let principal: Principal;
    try {
      if (!options.verifyToken) throw new Error("no verifier");
      principal = await options.verifyToken(token);
    } catch {
      return sendLoginPage(request, reply, 401, fields.next, STRINGS[lang].login.invalid);
    }
    const next = safeNext(fields.next, principal);
    const target = /[?&]lang=/.test(next) ? next : `${next}${next.includes("?") ? "&" : "?"}lang=${lang}`;
    const l = STRINGS[lang].login;
    const ctx = { lang, url: request.url.split("?")[0] ?? "/login", cookieSession: false };
    const body = html`<h1>${l.done}</h1><p><a href="${target}">${l.continue}</a></p>`;
    reply.header("set-cookie", cookieHeader(request, token, secondsLeft(token, Date.now())));
    reply.header("referrer-policy", "no-referrer");
    return sendPage(reply, frame(ctx, "none", [], l.done, body, target));
  };

  app.get(
    "/login",
    {
      schema: {
        tags: ["pages"],
        summary: "Sign in from a browser: a link carrying a token sets the session cookie",
        description:
          "With ?token=<bearer token>, the token is verified and kept in an HttpOnly, SameSite=Strict cookie; the page then moves on to `next` (a local path) or the role's home. Without a token, a form.",
        querystring: loginFields,
      },
      config: { access },
    },
    async (request, reply) => signIn(request, reply, request.query),
  );

  app.post(
    "/login",
    {
      schema: {
        tags: ["pages"],
        summary: "Sign in from the form (application/x-www-form-urlencoded)",
        body: loginFields,
      },
      config: { access },
    },
    async (request, reply) => signIn(request, reply, request.body),
  );

  app.post(
    "/logout",
    {
      schema: { tags: ["pages"], summary: "Sign out: forgets the session cookie" },
      config: { access },
    },
    async (request, reply) => {
      reply.header("set-cookie", cookieHeader(request, "", 0));
      const ctx = { ...pageContext(request), cookieSession: false };
      const l = STRINGS[ctx.lang].login;
      return sendPage(
        reply,
        frame(
          ctx,
          "none",
          [],
          l.loggedOut,
          html`<h1>${l.loggedOut}</h1><p><a href="/login?lang=${ctx.lang}">${l.title}</a></p>`,
        ),
      );
    },
  );
};

/** Forms post application/x-www-form-urlencoded; parsed in this plugin only. */
function addFormParser(app: FastifyInstance): void {
  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: 16 * 1024 },
    (_request, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(body as string)));
    },
  );
}
