// Numbers, shares and euros as people read them: the language's separators, whole percents,
// money to the cent (model/money.ts).
import { type Cents, formatEuros } from "../../model/money.ts";
import type { Lang, Wording } from "./lang.ts";

const LOCALE: Record<Lang, string> = { fr: "fr-FR", en: "en-GB" };

/** A number with the language's separators; French thin spaces become plain ones (readable, printable). */
export function formatNumber(value: number, lang: Lang, decimals = 0): string {
  return value
    .toLocaleString(LOCALE[lang], { minimumFractionDigits: decimals, maximumFractionDigits: decimals })
    .replace(/\u202f|\u00a0/g, " ");
}

/** A fraction as whole percents, without the sign: 0.15 → "15". */
export function percent(fraction: number): Wording {
  return { fr: formatNumber(fraction * 100, "fr"), en: formatNumber(fraction * 100, "en") };
}

/** "12,34 €" / "€12.34". */
export function euros(cents: Cents): Wording {
  return { fr: formatEuros(cents, "fr"), en: formatEuros(cents, "en") };
}
