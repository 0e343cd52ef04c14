import { describe, expect, it } from "vitest";
import { costCents, formatEuros, MoneyError, parseCents, parseMicros } from "../model/money.ts";
import { DEFAULT_POLICY } from "../model/policy.ts";
import { type ProposalInput, proposalSchema } from "../model/proposal.ts";
import type { Tariff } from "../model/site.ts";
import { annuityFactor, yearlyCosts } from "./cost-model.ts";
import { GuardError } from "./errors.ts";
import { tariffAt } from "./tariffs.ts";

const TARIFFS: Tariff[] = [
  { quantity: "electricity", from: "2024-02-01", pricePerUnit: "0.2516" },
  { quantity: "electricity", from: "2025-02-01", pricePerUnit: "0.2016" },
  { quantity: "heating_energy", from: "2025-12-01", pricePerUnit: "0.1028" },
];

describe("money", () => {
  it("parses decimal euros exactly", () => {
    expect(parseMicros("0.1028")).toBe(102_800);
    expect(parseMicros("4.34")).toBe(4_340_000);
    expect(parseCents("80")).toBe(8000);
    expect(parseCents("0.125")).toBe(13);
    expect(() => parseMicros("1,5")).toThrow(MoneyError);
  });

  it("rounds quantity × price to the cent once", () => {
    expect(costCents(1000, "0.1028")).toBe(10_280);
    // 3 W all year: 26.28 kWh × 0.2016 = 5.298 € → 530 cents
    expect(costCents(26.28, "0.2016")).toBe(530);
  });

  it("formats for people", () => {
    expect(formatEuros(1234, "fr")).toBe("12,34 €");
    expect(formatEuros(120_000, "fr")).toBe("1 200 €");
    expect(formatEuros(1234, "en")).toBe("€12.34");
  });
});

describe("tariffs by date", () => {
  it("takes the latest tariff in force", () => {
    expect(tariffAt(TARIFFS, "electricity", "2025-01-31").pricePerUnit).toBe("0.2516");
    expect(tariffAt(TARIFFS, "electricity", "2025-02-01").pricePerUnit).toBe("0.2016");
  });
  it("says which tariff is missing", () => {
    expect(() => tariffAt(TARIFFS, "heating_energy", "2025-06-01")).toThrow(GuardError);
  });
});

describe("cost model", () => {
  it("spreads one-off costs as an annuity", () => {
    expect(annuityFactor(0, 10)).toBe(0.1);
    expect(annuityFactor(0.04, 10)).toBeCloseTo(0.123291, 6);
  });

  it("sums yearly cost per dwelling by payer", () => {
    const input: ProposalInput = {
      id: "p",
      title: "t",
      device: {
        id: "d",
        name: { fr: "d", en: "d" },
        category: "other",
        claims: [{ quantity: "heating_energy" }],
        lifetimeYears: 10,
      },
      buildings: ["b"],
      households: 10,
      pilot: { design: "before_after", meters: [{ space: "x", installDate: "2025-01-01" }] },
      costLines: [
        { kind: "capex", label: "achat", eurosPerDwelling: "320", payer: "landlord" },
        {
          kind: "maintenance",
          label: "entretien",
          eurosPerDwellingPerYear: "12",
          payer: "tenant_charges",
          heading: "II",
        },
        { kind: "subscription", label: "abonnement", eurosPerDwellingPerYear: "2.50", payer: "tenant_bill" },
        { kind: "own_energy", label: "veille", wattsPerDwelling: 3, meter: "dwelling", payer: "tenant_bill" },
        {
          kind: "own_energy",
          label: "passerelle",
          wattsPerDwelling: 1,
          meter: "common",
          payer: "tenant_charges",
          heading: "IV",
        },
      ],
    };
    const c = yearlyCosts(proposalSchema.parse(input), DEFAULT_POLICY, TARIFFS, "2026-01-15");
    // 320 € × 0.123291 = 39.45 €
    expect(c.landlordCentsPerYear).toBe(3945);
    // 12 € + 8.76 kWh × 0.2016 = 1.77 €
    expect(c.tenantChargesCentsPerYear).toBe(1200 + 177);
    // 2.50 € + 26.28 kWh × 0.2016 = 5.30 €
    expect(c.tenantBillCentsPerYear).toBe(250 + 530);
    expect(c.tenantCentsPerYear).toBe(1377 + 780);
    expect(c.lines.at(-1)?.heading).toBe("IV");
  });
});
