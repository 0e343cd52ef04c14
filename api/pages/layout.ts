// The frame every page shares: language, title, the inlined stylesheet, a header with the
// audience's links and a language switch, and the strict per-page security headers.
import type { FastifyReply } from "fastify";
import { type Html, html, raw } from "./html.ts";
import type { Lang } from "./i18n.ts";
import { CSS, CSS_HASH } from "./styles.ts";

/** Nothing but this page's own stylesheet: no script, no frame, no external resource. */
export const PAGE_CSP = [
  "default-src 'none'",
  `style-src ${CSS_HASH}`,
  "img-src 'self' data:",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join("; ");

/** A house, in the page itself: browsers ask for /favicon.ico when a page names no icon. */
const FAVICON = `data:image/svg+xml,${encodeURIComponent(
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 16 16"><path d="M8 1 1 7h2v8h4v-5h2v5h4V7h2z" fill="#1d4f91"/></svg>',
)}`;

export interface NavLink {
  href: string;
  label: string;
  current?: boolean;
}

export interface PageOptions {
  lang: Lang;
  title: string;
  /** The header's name of the space: "Mon logement", "Commission". */
  brand: string;
  nav: NavLink[];
  /** The same page in the other language. */
  otherLang: { href: string; label: string; lang: Lang };
  /** Show the log-out button (the reader is signed in with a cookie). */
  logout?: { label: string };
  footer: string;
  body: Html;
  skipLabel: string;
  navLabel: string;
  /** Go on to this local URL at once (after signing in), without script. */
  refreshTo?: string;
}

export function layout(o: PageOptions): string {
  const page = html`<!doctype html>
<html lang="${o.lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<meta name="robots" content="noindex">
<link rel="icon" href="${FAVICON}">
${o.refreshTo ? html`<meta http-equiv="refresh" content="0; url=${o.refreshTo}">` : ""}
<title>${o.title}</title>
<style>${raw(CSS)}</style>
</head>
<body>
<a class="skip" href="#main">${o.skipLabel}</a>
<header class="top">
<div class="top-inner">
<span class="brand">${o.brand}</span>
<nav aria-label="${o.navLabel}"><ul>
${o.nav.map((l) => html`<li><a href="${l.href}"${l.current ? raw(' aria-current="page"') : ""}>${l.label}</a></li>`)}
<li><a href="${o.otherLang.href}" lang="${o.otherLang.lang}" hreflang="${o.otherLang.lang}">${o.otherLang.label}</a></li>
${o.logout ? html`<li><form class="inline" method="post" action="/logout"><button type="submit">${o.logout.label}</button></form></li>` : ""}
</ul></nav>
</div>
</header>
<main id="main">
${o.body}
</main>
<footer>${o.footer}</footer>
</body>
</html>
`;
  return page.text;
}

/** Sends a page with its headers: strict CSP, never cached (it holds personal data). */
export function sendPage(reply: FastifyReply, page: string, status = 200): FastifyReply {
  return reply
    .code(status)
    .header("content-security-policy", PAGE_CSP)
    .header("cache-control", "no-store")
    .header("content-language", /<html lang="(\w+)"/.exec(page)?.[1] ?? "fr")
    .type("text/html; charset=utf-8")
    .send(page);
}
