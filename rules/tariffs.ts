// Which price applies on a day: the tariff of the quantity with the latest `from` on or before it.
import type { Tariff } from "../model/site.ts";
import { GuardError } from "./errors.ts";

export function tariffAt(tariffs: readonly Tariff[], quantity: string, date: string): Tariff {
  let best: Tariff | undefined;
  for (const t of tariffs) {
    if (t.quantity === quantity && t.from <= date && (!best || t.from > best.from)) best = t;
  }
  if (!best) {
    throw new GuardError(
      "missing_tariff",
      `no ${quantity} tariff applies on ${date}: add one to the site's tariffs (from a date on or before it)`,
    );
  }
  return best;
}
