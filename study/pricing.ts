// Tariffs of the accuracy study and the device's cost to tenants, chosen from the truth so that
// true net benefits spread from clearly negative to clearly positive: a study of devices that
// are all far from break-even would say nothing about the decisions that matter.
import { parseMicros } from "../model/money.ts";
import type { ProposalInput } from "../model/proposal.ts";
import type { Tariff } from "../model/site.ts";

export type StudyQuantity = "heating_energy" | "electricity" | "cold_water";

export const TARIFFS: Tariff[] = [
  { quantity: "heating_energy", from: "2020-01-01", pricePerUnit: "0.1028" },
  { quantity: "electricity", from: "2020-01-01", pricePerUnit: "0.2016" },
  { quantity: "cold_water", from: "2020-01-01", pricePerUnit: "4.34" },
];

/** Price of one unit of a quantity, in cents. */
export function priceCents(q: StudyQuantity): number {
  return parseMicros(TARIFFS.find((t) => t.quantity === q)!.pricePerUnit) / 10_000;
}

export interface DevicePrice {
  /** Tenant cost as a multiple of the true yearly benefit (gadgets: euros above the standby). */
  costFactor: number;
  gadget: boolean;
  standbyW: number;
}

/** Draws a price: a real device costs 0.3 to 1.8 times its true benefit; a zero-effect gadget
 * costs its standby plus up to 30 euros a year. */
export function drawPrice(rand: () => number, gadget: boolean): DevicePrice {
  return {
    gadget,
    costFactor: gadget ? 30 * rand() : 0.3 + 1.5 * rand(),
    standbyW: gadget ? 2 + 8 * rand() : 3 * rand(),
  };
}

/** The yearly maintenance (cents) that brings the tenant cost to its target. */
export function maintenanceCents(price: DevicePrice, trueBenefitCents: number): number {
  const standbyCents = ((price.standbyW * 24 * 365) / 1000) * priceCents("electricity");
  const target = price.gadget
    ? standbyCents + price.costFactor * 100
    : Math.max(0, trueBenefitCents) * price.costFactor;
  return Math.max(0, Math.round(target - standbyCents));
}

/** The device and cost lines of a study proposal: purchase by the landlord, maintenance on
 * the charges, the standby on the tenant's own meter. */
export function studyProposal(
  id: string,
  q: StudyQuantity,
  price: DevicePrice,
  maintenance: number,
  households: number,
  pilot: ProposalInput["pilot"],
): ProposalInput {
  return {
    id,
    title: "simulated pilot",
    device: {
      id: "device",
      name: { fr: "Appareil", en: "Device" },
      category: "other",
      claims: [{ quantity: q, meter: "dwelling" }],
      lifetimeYears: 10,
    },
    buildings: ["pilot"],
    households,
    pilot,
    costLines: [
      { kind: "capex", label: "achat", eurosPerDwelling: "150", payer: "landlord" },
      {
        kind: "maintenance",
        label: "service",
        eurosPerDwellingPerYear: (maintenance / 100).toFixed(2),
        payer: "tenant_charges",
        heading: q === "electricity" ? "VII" : "II",
      },
      {
        kind: "own_energy",
        label: "veille",
        wattsPerDwelling: price.standbyW,
        meter: "dwelling",
        payer: "tenant_bill",
      },
    ],
  };
}
