// Units as other systems write them, turned into the catalogue's (quantities.ts). Live SenML
// and line protocol stay strict (they name SenML units); imported files and third-party
// payloads write "m³", "°C", "L" or "Wh", and a site file declares which unit a field is in.
import { QUANTITIES, type Quantity } from "./quantities.ts";

/** How a value in a source unit becomes one in the catalogue unit: v × factor + offset. */
export interface UnitConversion {
  /** The catalogue unit the value ends in. */
  readonly unit: string;
  readonly factor: number;
  readonly offset: number;
}

interface KnownUnit {
  /** The catalogue unit it converts to. */
  readonly to: string;
  readonly factor: number;
  readonly offset?: number;
}

/** Spellings are compared lower-cased, without blanks, "³" as "3" and "°" removed. */
const KNOWN_UNITS: Record<string, KnownUnit> = {
  kwh: { to: "kWh", factor: 1 },
  wh: { to: "kWh", factor: 1e-3 },
  mwh: { to: "kWh", factor: 1e3 },
  gj: { to: "kWh", factor: 1e9 / 3.6e6 },
  mj: { to: "kWh", factor: 1e6 / 3.6e6 },
  m3: { to: "m3", factor: 1 },
  l: { to: "m3", factor: 1e-3 },
  litre: { to: "m3", factor: 1e-3 },
  litres: { to: "m3", factor: 1e-3 },
  liter: { to: "m3", factor: 1e-3 },
  dm3: { to: "m3", factor: 1e-3 },
  hl: { to: "m3", factor: 0.1 },
  cel: { to: "Cel", factor: 1 },
  c: { to: "Cel", factor: 1 },
  degc: { to: "Cel", factor: 1 },
  celsius: { to: "Cel", factor: 1 },
  k: { to: "Cel", factor: 1, offset: -273.15 },
  f: { to: "Cel", factor: 5 / 9, offset: (-32 * 5) / 9 },
  degf: { to: "Cel", factor: 5 / 9, offset: (-32 * 5) / 9 },
  w: { to: "W", factor: 1 },
  kw: { to: "W", factor: 1e3 },
  "%rh": { to: "%RH", factor: 1 },
  "%": { to: "%RH", factor: 1 },
  rh: { to: "%RH", factor: 1 },
  ppm: { to: "ppm", factor: 1 },
};

function spelling(unit: string): string {
  return unit.normalize("NFKC").toLowerCase().replaceAll(/\s+/g, "").replaceAll("³", "3").replaceAll("°", "");
}

/** The conversion from `unit` to the catalogue unit of `quantity`, or undefined when `unit` is
 * not one of its units (kWh for water, an unknown spelling). */
export function conversionTo(quantity: Quantity, unit: string): UnitConversion | undefined {
  const target = QUANTITIES[quantity].unit;
  if (unit === target) return { unit: target, factor: 1, offset: 0 };
  const known = KNOWN_UNITS[spelling(unit)];
  if (known === undefined || known.to !== target) return undefined;
  return { unit: target, factor: known.factor, offset: known.offset ?? 0 };
}

export function convert(value: number, conversion: UnitConversion): number {
  const { factor, offset } = conversion;
  if (factor === 1 && offset === 0) return value;
  // 45 678 L is 45.678 m3, not 45 678 × 0.001 = 45.678000000000004: divide by a whole divisor.
  const divisor = 1 / factor;
  return (Number.isInteger(divisor) ? value / divisor : value * factor) + offset;
}

/** The spellings accepted for a quantity's unit, for error messages: "kWh, Wh, MWh, GJ, MJ". */
export function unitsOf(quantity: Quantity): string[] {
  const target = QUANTITIES[quantity].unit;
  const names: Record<string, string> = {
    kwh: "kWh",
    wh: "Wh",
    mwh: "MWh",
    gj: "GJ",
    mj: "MJ",
    m3: "m3",
    l: "L",
    dm3: "dm3",
    hl: "hL",
    cel: "Cel",
    degc: "°C",
    k: "K",
    f: "°F",
    w: "W",
    kw: "kW",
    "%rh": "%RH",
    "%": "%",
    ppm: "ppm",
  };
  return Object.entries(names)
    .filter(([key]) => KNOWN_UNITS[key]?.to === target)
    .map(([, name]) => name);
}
