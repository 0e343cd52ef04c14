// The two languages people read the guard in, French first, and how worded pieces are put
// together: a text in both languages, lists ("a, b et c"), and a phrase made a sentence.
export type Lang = "fr" | "en";

/** One text in both languages. */
export type Wording = Readonly<Record<Lang, string>>;

const AND: Record<Lang, string> = { fr: "et", en: "and" };

/** "a, b et c" / "a, b and c". */
export function list(items: readonly string[], lang: Lang): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${AND[lang]} ${items.at(-1)}`;
}

/** A list of worded items, listed in each language. */
export function listOf(items: readonly Wording[]): Wording {
  return {
    fr: list(
      items.map((i) => i.fr),
      "fr",
    ),
    en: list(
      items.map((i) => i.en),
      "en",
    ),
  };
}

/** Sentences one after another, in each language. */
export function paragraphOf(sentences: readonly Wording[]): Wording {
  return { fr: sentences.map((s) => s.fr).join(" "), en: sentences.map((s) => s.en).join(" ") };
}

export function lowerCase(w: Wording): Wording {
  return { fr: w.fr.toLowerCase(), en: w.en.toLowerCase() };
}

/** A phrase as a sentence of its own: "environ 5 mois de plus" → "Environ 5 mois de plus.". */
export function sentence(phrase: string): string {
  return `${phrase.charAt(0).toUpperCase()}${phrase.slice(1)}.`;
}
