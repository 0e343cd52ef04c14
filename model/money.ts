// Money kept exact: amounts are integer cents, prices are decimal strings parsed to integer
// micro-euros (the site file allows six decimals), and a quantity × price is rounded to cents
// once, at the end, so no float drift accumulates across cost lines.

import { oneKindError } from "./errors.ts";

/** Whole euro cents. Always an integer. */
export type Cents = number;

const DECIMAL = /^(\d{1,9})(?:\.(\d{1,6}))?$/;

export class MoneyError extends oneKindError("MoneyError") {
  constructor(value: string) {
    super(`"${value}" is not a decimal amount of euros such as 0.1028 (up to 9 digits, 6 decimals)`);
  }
}

/** Exact integer micro-euros (1e-6 €) of a decimal string: "0.1028" → 102 800. */
export function parseMicros(euros: string): number {
  const m = DECIMAL.exec(euros);
  if (!m) throw new MoneyError(euros);
  const whole = Number(m[1]);
  const frac = Number((m[2] ?? "").padEnd(6, "0"));
  return whole * 1_000_000 + frac;
}

/** Cents of a decimal string, rounded half away from zero when it has more than two decimals. */
export function parseCents(euros: string): Cents {
  return roundDiv(parseMicros(euros), 10_000);
}

/** Cost of a quantity at a price per unit, rounded to the cent once: 1234.5 kWh × "0.1028". */
export function costCents(quantity: number, pricePerUnit: string): Cents {
  return Math.round((quantity * parseMicros(pricePerUnit)) / 10_000);
}

/** A float amount of euros (a statistical estimate, not a bill) to the nearest cent. */
export function eurosToCents(euros: number): Cents {
  return Math.round(euros * 100);
}

export function sumCents(amounts: readonly Cents[]): Cents {
  return amounts.reduce((a, b) => a + b, 0);
}

/** "12,34 €" or "€12.34": whole euros when the amount is round, for plain-language texts. */
export function formatEuros(cents: Cents, lang: "fr" | "en"): string {
  const sign = cents < 0 ? "-" : "";
  const abs = Math.abs(cents);
  const euros = Math.floor(abs / 100);
  const rest = abs % 100;
  const whole =
    lang === "fr"
      ? euros.toLocaleString("fr-FR").replace(/\u202f|\u00a0/g, " ")
      : euros.toLocaleString("en-GB");
  const dec = rest === 0 ? "" : `${lang === "fr" ? "," : "."}${String(rest).padStart(2, "0")}`;
  return lang === "fr" ? `${sign}${whole}${dec} €` : `${sign}€${whole}${dec}`;
}

function roundDiv(n: number, d: number): number {
  const q = Math.floor(n / d);
  return n - q * d >= d / 2 ? q + 1 : q;
}
