// The catalogue of what sensors measure: one row per quantity, with its SenML unit, whether a
// meter reports a cumulative index (consumption is derived) or an instantaneous value, and the
// physically plausible range used to refuse garbage at the edge.
import { z } from "zod";

export type QuantityKind = "counter" | "gauge";

export interface QuantityDescription {
  /** SenML unit name (RFC 8428 / RFC 8798 registry). */
  readonly unit: string;
  readonly kind: QuantityKind;
  /** Inclusive bounds of a plausible value; anything outside is a sensor fault. */
  readonly min: number;
  readonly max: number;
  readonly label: { readonly fr: string; readonly en: string };
}

export const QUANTITIES = {
  heating_energy: {
    unit: "kWh",
    kind: "counter",
    min: 0,
    max: 1e9,
    label: { fr: "Chauffage", en: "Heating" },
  },
  hot_water: { unit: "m3", kind: "counter", min: 0, max: 1e7, label: { fr: "Eau chaude", en: "Hot water" } },
  cold_water: {
    unit: "m3",
    kind: "counter",
    min: 0,
    max: 1e7,
    label: { fr: "Eau froide", en: "Cold water" },
  },
  electricity: {
    unit: "kWh",
    kind: "counter",
    min: 0,
    max: 1e9,
    label: { fr: "Électricité", en: "Electricity" },
  },
  power: { unit: "W", kind: "gauge", min: -1e7, max: 1e7, label: { fr: "Puissance", en: "Power" } },
  temperature: {
    unit: "Cel",
    kind: "gauge",
    min: -50,
    max: 90,
    label: { fr: "Température intérieure", en: "Indoor temperature" },
  },
  outdoor_temperature: {
    unit: "Cel",
    kind: "gauge",
    min: -60,
    max: 60,
    label: { fr: "Température extérieure", en: "Outdoor temperature" },
  },
  humidity: { unit: "%RH", kind: "gauge", min: 0, max: 100, label: { fr: "Humidité", en: "Humidity" } },
  co2: { unit: "ppm", kind: "gauge", min: 0, max: 40_000, label: { fr: "CO2", en: "CO2" } },
} as const satisfies Record<string, QuantityDescription>;

export type Quantity = keyof typeof QUANTITIES;

export const quantitySchema = z.enum(Object.keys(QUANTITIES) as [Quantity, ...Quantity[]]);

export function describeQuantity(quantity: Quantity): QuantityDescription {
  return QUANTITIES[quantity];
}

/** The quantities a meter counts with a cumulative index: what consumption, charges and the
 * guard's claims are made of. */
export type MeteredQuantity = {
  [K in Quantity]: (typeof QUANTITIES)[K]["kind"] extends "counter" ? K : never;
}[Quantity];

export const METERED_QUANTITIES = (Object.keys(QUANTITIES) as Quantity[]).filter(
  (q) => QUANTITIES[q].kind === "counter",
) as [MeteredQuantity, ...MeteredQuantity[]];

export const meteredQuantitySchema = z.enum(METERED_QUANTITIES);

export function isCounter(quantity: Quantity): boolean {
  return QUANTITIES[quantity].kind === "counter";
}
