// Languages of the pages (French by default, English on request) and the formatting of the
// months and dates people read on them; numbers and quantities are the catalogue's
// (domain/wording/).

import type { Lang } from "../../domain/wording/lang.ts";
import type { Cents } from "../../model/money.ts";
import { formatEuros } from "../../model/money.ts";

export type { Lang } from "../../domain/wording/lang.ts";
export { formatNumber } from "../../domain/wording/numbers.ts";
export { formatQuantity, unitLabel } from "../../domain/wording/quantities.ts";

/** ?lang= wins; then the first of fr/en in Accept-Language by quality; French otherwise. */
export function pickLang(query: string | undefined, acceptLanguage: string | undefined): Lang {
  if (query === "fr" || query === "en") return query;
  if (!acceptLanguage) return "fr";
  const ranked = acceptLanguage
    .split(",")
    .map((part, i) => {
      const [tag = "", ...params] = part.trim().toLowerCase().split(";");
      const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
      return { base: tag.split("-")[0], q: q === undefined ? 1 : Number(q), i };
    })
    .filter((l) => (l.base === "fr" || l.base === "en") && l.q > 0)
    .sort((a, b) => b.q - a.q || a.i - b.i);
  return (ranked[0]?.base as Lang | undefined) ?? "fr";
}

export function formatMoney(cents: Cents, lang: Lang): string {
  return formatEuros(cents, lang);
}

const MONTHS: Record<Lang, string[]> = {
  fr: [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
  ],
  en: [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
  ],
};

/** "janvier 2025" / "January 2025" from "2025-01". */
export function formatMonth(month: string, lang: Lang): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return `${MONTHS[lang][m - 1]} ${y}`;
}

/** "janv. 25" style short label for chart axes. */
export function formatShortMonth(month: string, lang: Lang): string {
  const [y, m] = month.split("-").map(Number) as [number, number];
  return `${MONTHS[lang][m - 1]!.slice(0, 3)} ${String(y).slice(2)}`;
}

/** "14 janvier 2025" / "14 January 2025" from an ISO date or instant. */
export function formatDate(iso: string, lang: Lang): string {
  const [y, m, d] = iso.slice(0, 10).split("-").map(Number) as [number, number, number];
  return lang === "fr" ? `${d === 1 ? "1er" : d} ${MONTHS.fr[m - 1]} ${y}` : `${d} ${MONTHS.en[m - 1]} ${y}`;
}

/** Appends ?lang= (or &lang=) to a local link so the language follows the reader. */
export function withLang(path: string, lang: Lang): string {
  return `${path}${path.includes("?") ? "&" : "?"}lang=${lang}`;
}
