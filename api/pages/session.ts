// Signing in from a browser. Browsers navigating pages send no Authorization header, so a
// page accepts the same bearer token from an HttpOnly, SameSite=Strict cookie, set by POST
// /login from a one-time code (api/auth/sign-in-code.ts) or a pasted token. A sign-in link or
// letter carries only the code: GET /login?code=… shows the form filled in and uses nothing,
// because link previewers and mail scanners fetch links too; the button posts it, and the code
// is spent. A token is never taken from a URL, where history and logs would keep it. Signed
// in, the page moves on with a same-site meta refresh (a redirect chain begun on another site
// would not carry a Strict cookie). Page plugins install `cookieBridge`, which hands the cookie
// to the normal bearer check; api/auth is unchanged. POST /login and /logout answer only
// requests from this site's own pages (Sec-Fetch-Site, else Origin): another site can neither
// sign a tenant into someone else's account nor sign them out of theirs.
import type { FastifyInstance, FastifyReply, FastifyRequest, onRequestHookHandler } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { localIsoDate } from "../../model/time-zone.ts";
import type { SignInCodeStore } from "../../storage/sign-in-code-store.ts";
import type { Principal } from "../auth/principal.ts";
import { normaliseSignInCode, redeemSignInCode } from "../auth/sign-in-code.ts";
import { MAX_TOKEN_LIFETIME_S, type TokenVerifier } from "../auth/tokens.ts";
import { type FrameContext, frame } from "./frame.ts";
import { html } from "./html.ts";
import { formatDate, type Lang, pickLang } from "./i18n.ts";
import { sendPage } from "./layout.ts";
import { STRINGS } from "./strings.ts";

export const SESSION_COOKIE = "cg_session";

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

/** Secure when the request came over https or the pages are published on https (PUBLIC_URL),
 * as behind a TLS reverse proxy. */
function cookieHeader(request: FastifyRequest, value: string, maxAgeS: number, publicUrl?: string): string {
  const https = request.protocol === "https" || publicUrl?.startsWith("https:") === true;
  return `${SESSION_COOKIE}=${value}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${maxAgeS}${https ? "; Secure" : ""}`;
}

/**
 * Whether a form post comes from this site's own pages: Sec-Fetch-Site says so in browsers that
 * send it; otherwise an Origin header, when there is one, must be this host (or PUBLIC_URL's).
 * Clients without either (curl, scripts) are not browsers another site could drive.
 */
export function sameSitePost(request: FastifyRequest, publicUrl?: string): boolean {
  const site = request.headers["sec-fetch-site"];
  if (typeof site === "string") return site === "same-origin";
  const origin = request.headers.origin;
  if (origin === undefined) return true;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false; // "null" and anything unparsable
  }
  const allowed = [request.headers.host, publicUrl ? new URL(publicUrl).host : undefined];
  return allowed.includes(host);
}

/** Seconds until the token expires (its exp claim, already verified), at most a token's longest life. */
function secondsLeft(token: string, now: number): number {
  try {
    const payload = JSON.parse(Buffer.from(token.split(".")[1] ?? "", "base64url").toString("utf8")) as {
      exp?: unknown;
    };
    if (typeof payload.exp === "number")
      return Math.max(0, Math.min(MAX_TOKEN_LIFETIME_S, Math.floor(payload.exp - now / 1000)));
  } catch {
    // verified tokens always parse; fall through to the cap
  }
  return MAX_TOKEN_LIFETIME_S;
}

/** A local path to go on to; anything else (another site, //host) falls back to the role's home. */
export function safeNext(next: string | undefined, principal: Principal): string {
  if (next && /^\/(?![/\\])[^\s\\]*$/.test(next) && !next.startsWith("/login")) return next;
  return principal.role === "tenant" ? "/tenant" : "/board";
}

function loginForm(lang: Lang, next: string | undefined, message?: string, code?: string) {
  const l = STRINGS[lang].login;
  return html`<h1>${l.title}</h1>
${message ? html`<p role="alert"><strong>${message}</strong></p>` : ""}
<form method="post" action="/login">
<p>${code ? l.fromLink : l.intro}</p>
<label for="code">${l.code}</label>
<input type="text" id="code" name="code" autocomplete="one-time-code" autocapitalize="characters" spellcheck="false" required${code ? html` value="${code}"` : ""}>
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
  code?: string,
): FastifyReply {
  // The language switch repeats only what the form keeps: never a token from the URL.
  const kept = new URLSearchParams();
  if (code) kept.set("code", code);
  if (next) kept.set("next", next);
  const url = kept.size ? `/login?${kept}` : "/login";
  const ctx = { ...pageContext(request), url, cookieSession: false };
  const body = loginForm(ctx.lang, next, message, code);
  // The URL may hold a code: no link on the page may pass it on.
  reply.header("referrer-policy", "no-referrer");
  return sendPage(reply, frame(ctx, "none", [], STRINGS[ctx.lang].login.title, body), status);
}

/** A field given twice (a link edited by hand) counts once, its last value. */
const field = (max: number) =>
  z.preprocess((v) => (Array.isArray(v) ? v.at(-1) : v), z.string().max(max).optional());

const loginFields = z.object({
  /** A one-time code, or a bearer token pasted into the same field. */
  code: field(8_192),
  /** The field's former name. */
  token: field(8_192),
  next: field(2_000),
  /** fr or en; anything else falls back to the browser's language. */
  lang: field(16),
});

/** Registers /login and /logout. Without a verifier no token can be accepted (401); without a
 * code store no code can be. */
export const sessionRoutes: FastifyPluginAsyncZod<{
  verifyToken?: TokenVerifier;
  signInCodes?: SignInCodeStore;
  /** PUBLIC_URL: where the pages are published (Secure cookie, accepted Origin). */
  publicUrl?: string;
  /** The site's time zone, for the day a used code was used on. */
  timeZone: string;
}> = async (app, options) => {
  addFormParser(app);
  const access = { scope: "public", roles: [] } as const;

  const verified = async (token: string): Promise<Principal | undefined> => {
    if (!options.verifyToken) return undefined;
    try {
      return await options.verifyToken(token);
    } catch {
      return undefined;
    }
  };

  /** The token a code or a pasted token stands for, or why there is none. */
  const tokenOf = async (
    request: FastifyRequest,
    text: string,
    lang: Lang,
  ): Promise<{ token: string; fresh: boolean; principal?: Principal } | { refused: string }> => {
    const l = STRINGS[lang].login;
    if (!normaliseSignInCode(text)) return { token: text, fresh: true };
    if (!options.signInCodes) return { refused: l.invalid };
    const redeemed = await redeemSignInCode(options.signInCodes, text);
    if (redeemed.state === "token") return { token: redeemed.token, fresh: true };
    if (redeemed.state === "used") {
      // Pressed twice, or the answer lost on the way: this browser already holds the session.
      const held = readCookie(request.headers.cookie, SESSION_COOKIE);
      const holder = held ? await verified(held) : undefined;
      if (held && holder?.subject === redeemed.subject)
        return { token: held, fresh: false, principal: holder };
      return { refused: l.used(formatDate(localIsoDate(redeemed.usedAt, options.timeZone), lang)) };
    }
    return { refused: l.invalid };
  };

  const signIn = async (
    request: FastifyRequest,
    reply: FastifyReply,
    fields: z.infer<typeof loginFields>,
  ) => {
    const text = (fields.code ?? fields.token)?.trim();
    const lang = pickLang(fields.lang, request.headers["accept-language"]);
    if (!text) return sendLoginPage(request, reply, 200, fields.next);
    const found = await tokenOf(request, text, lang);
    if ("refused" in found) return sendLoginPage(request, reply, 401, fields.next, found.refused);
    const token = found.token;
    const principal = found.principal ?? (await verified(token));
    if (!principal) return sendLoginPage(request, reply, 401, fields.next, STRINGS[lang].login.invalid);
    const next = safeNext(fields.next, principal);
    const target = /[?&]lang=/.test(next) ? next : `${next}${next.includes("?") ? "&" : "?"}lang=${lang}`;
    const l = STRINGS[lang].login;
    const ctx = { lang, url: "/login", cookieSession: false };
    const body = html`<h1>${l.done}</h1><p>${l.signedInAs(principal)}</p><p><a href="${target}">${l.continue}</a></p>`;
    if (found.fresh)
      reply.header(
        "set-cookie",
        cookieHeader(request, token, secondsLeft(token, Date.now()), options.publicUrl),
      );
    reply.header("referrer-policy", "no-referrer");
    return sendPage(reply, frame(ctx, "none", [], l.done, body, target));
  };

  /** Refuses a form post another site sent. */
  const fromThisSite = (request: FastifyRequest, reply: FastifyReply): boolean => {
    if (sameSitePost(request, options.publicUrl)) return true;
    sendLoginPage(request, reply, 403, undefined, STRINGS[pageContext(request).lang].login.otherSite);
    return false;
  };

  app.get(
    "/login",
    {
      schema: {
        tags: ["pages"],
        summary: "The sign-in form; from a link with ?code=, filled in with that code",
        description:
          "Uses nothing: a one-time code in the link is shown in the form, and spent only when the form is posted (link previewers and mail scanners fetch links too). A token in the URL (?token=) is refused with 400 and not looked at: URLs stay in browser history and logs.",
        querystring: loginFields,
      },
      config: { access },
    },
    async (request, reply) => {
      const { code, token, next } = request.query;
      const l = STRINGS[pageContext(request).lang].login;
      if (token !== undefined) return sendLoginPage(request, reply, 400, next, l.tokenInLink);
      const shown = code === undefined ? undefined : normaliseSignInCode(code);
      if (code !== undefined && !shown) return sendLoginPage(request, reply, 400, next, l.invalid);
      return sendLoginPage(request, reply, 200, next, undefined, shown);
    },
  );

  app.post(
    "/login",
    {
      schema: {
        tags: ["pages"],
        summary: "Sign in from the form (application/x-www-form-urlencoded): a one-time code or a token",
        description:
          "`code` holds a one-time code (16 characters, dashes and case do not matter) or a bearer token. A code is spent by its first use; used again it answers 401 saying when it was used. Signed in, an HttpOnly, SameSite=Strict cookie keeps the token until it expires.",
        body: loginFields,
      },
      config: { access },
    },
    async (request, reply) => (fromThisSite(request, reply) ? signIn(request, reply, request.body) : reply),
  );

  app.post(
    "/logout",
    {
      schema: { tags: ["pages"], summary: "Sign out: forgets the session cookie" },
      config: { access },
    },
    async (request, reply) => {
      if (!fromThisSite(request, reply)) return reply;
      reply.header("set-cookie", cookieHeader(request, "", 0, options.publicUrl));
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
