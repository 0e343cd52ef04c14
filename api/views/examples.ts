// Examples of the tenant JSON twins for the OpenAPI docs; typed against the schemas, so they
// cannot drift from what the routes answer.
import type { TenantDevices } from "./tenant-devices.ts";
import type { TenantUsage } from "./tenant-usage.ts";

export const TENANT_USAGE_EXAMPLE: TenantUsage = {
  building: { id: "b01", name: "Résidence Les Tilleuls", address: "12 rue des Lilas, Villeurbanne" },
  dwelling: { id: "203", label: "T3, 2e étage, porte 3", areaM2: 64 },
  month: "2025-01",
  partial: false,
  periods: {
    current: { from: "2025-01-01", to: "2025-02-01", days: 31 },
    previousMonth: { from: "2024-12-01", to: "2025-01-01", days: 31 },
    lastYear: { from: "2024-01-01", to: "2024-02-01", days: 31 },
  },
  quantities: [
    {
      quantity: "heating_energy",
      unit: "kWh",
      current: { value: 812.4, cents: 8351, pricePerUnit: "0.1028" },
      previousMonth: { value: 701.9, cents: 7216, pricePerUnit: "0.1028" },
      lastYear: { value: 884, cents: 9088, pricePerUnit: "0.1028" },
      comparison: { status: "compared", peers: 23, typicalForYourArea: 870.2, differencePct: -6.6 },
    },
    {
      quantity: "cold_water",
      unit: "m3",
      current: { value: 5.3, cents: 2300, pricePerUnit: "4.34" },
      previousMonth: { value: 5.1, cents: 2213, pricePerUnit: "4.34" },
      lastYear: null,
      comparison: { status: "too_few", peers: 6, needed: 10 },
    },
  ],
  total: { currentCents: 10651, complete: true },
};

export const TENANT_DEVICES_EXAMPLE: TenantDevices = {
  building: "b01",
  dwelling: "203",
  devices: [
    {
      proposalId: "trv-residence-les-tilleuls",
      name: { fr: "Robinets thermostatiques", en: "Thermostatic radiator valves" },
      category: "heating_regulation",
      installDate: "2025-10-01",
      status: "approve",
      decidedAt: "2026-01-05T09:00:00.000Z",
      costToYouCentsPerYear: 1200,
      costLines: [
        { label: "Vérification annuelle des robinets", payer: "tenant_charges", centsPerYear: 1200 },
      ],
      savingCentsPerYear: { estimate: 9480, lower: 7120, upper: 11840 },
      confidence: 0.9,
      explanation: {
        fr: "Les robinets thermostatiques ont été mesurés…",
        en: "The thermostatic radiator valves were measured…",
      },
    },
  ],
};
