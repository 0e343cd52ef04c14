// What a quantity is called and how much of it is written: the catalogue's names
// (model/quantities.ts), units as people write them, and the decimals each unit is worth
// (water to the tenth of a cubic metre, energy to the kWh).
import { QUANTITIES, type Quantity } from "../../model/quantities.ts";
import type { Lang, Wording } from "./lang.ts";
import { formatNumber } from "./numbers.ts";

/** A unit of the catalogue (SenML names). */
export type Unit = (typeof QUANTITIES)[Quantity]["unit"];

const UNIT: Record<Unit, { label: string; decimals: number }> = {
  kWh: { label: "kWh", decimals: 0 },
  m3: { label: "m³", decimals: 1 },
  W: { label: "W", decimals: 0 },
  Cel: { label: "°C", decimals: 1 },
  "%RH": { label: "%RH", decimals: 0 },
  ppm: { label: "ppm", decimals: 0 },
};

function unitOf(unit: string): { label: string; decimals: number } {
  return UNIT[unit as Unit] ?? { label: unit, decimals: 0 };
}

/** "Chauffage" / "Heating". A verdict's claims name their quantity as a string
 * (model/verdict.ts): a code outside the catalogue is shown as it is. */
export function quantityName(quantity: Quantity | string): Wording {
  return Object.hasOwn(QUANTITIES, quantity)
    ? QUANTITIES[quantity as Quantity].label
    : { fr: quantity, en: quantity };
}

/** Units as people write them: "m³". */
export function unitLabel(unit: string): string {
  return unitOf(unit).label;
}

/** A value in a unit, to that unit's decimals, without the unit: "1 234", "3,4". */
export function formatAmount(value: number, unit: string, lang: Lang): string {
  return formatNumber(value, lang, unitOf(unit).decimals);
}

/** "312 kWh", "3,4 m³": water with one decimal, energy whole. */
export function formatQuantity(value: number, unit: string, lang: Lang): string {
  return `${formatAmount(value, unit, lang)}\u00a0${unitLabel(unit)}`;
}
