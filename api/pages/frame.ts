// Puts a page body in the shared layout for one audience: its links, the language switch
// pointing at the same page, and the log-out button when the reader came in with a cookie.
import type { Html } from "./html.ts";
import { type Lang, withLang } from "./i18n.ts";
import { layout, type NavLink } from "./layout.ts";
import { STRINGS } from "./strings.ts";

/** The same URL with its lang parameter set to `lang`. */
export function switchLang(url: string, lang: Lang): string {
  const [path = "/", query = ""] = url.split("?");
  const params = new URLSearchParams(query);
  params.set("lang", lang);
  return `${path}?${params.toString()}`;
}

export interface FrameContext {
  lang: Lang;
  /** The request URL, for the language switch. */
  url: string;
  /** The reader came with the session cookie (so a log-out button makes sense). */
  cookieSession: boolean;
}

export function frame(
  ctx: FrameContext,
  audience: "tenant" | "board" | "none",
  nav: NavLink[],
  title: string,
  body: Html,
  refreshTo?: string,
): string {
  const s = STRINGS[ctx.lang];
  const other: Lang = ctx.lang === "fr" ? "en" : "fr";
  return layout({
    lang: ctx.lang,
    title,
    brand: audience === "tenant" ? s.tenant.brand : audience === "board" ? s.board.brand : "Charge guard",
    nav: nav.map((l) => ({ ...l, href: withLang(l.href, ctx.lang) })),
    otherLang: { href: switchLang(ctx.url, other), label: s.otherLang, lang: other },
    logout: ctx.cookieSession ? { label: s.logout } : undefined,
    footer: s.footer,
    body,
    skipLabel: s.skip,
    navLabel: s.nav,
    refreshTo,
  });
}
