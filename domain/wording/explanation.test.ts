// The paragraph must read for a tenants' association: euros per household per year, short
// sentences, none of the statistics words.
import { describe, expect, it } from "vitest";
import { type ExplainInput, explain } from "./explanation.ts";

const base: ExplainInput = {
  deviceName: { fr: "Robinets thermostatiques", en: "Thermostatic valves" },
  decision: "insufficient_evidence",
  rule: "interval_includes_cost",
  confidence: 0.9,
  method: "difference_in_differences",
  quantities: ["heating_energy"],
  vendorClaim: 0.15,
  benefit: { estimate: 2500, lower: 800, upper: 4200 },
  tenantCost: 2000,
  tenantCharges: 1500,
  tenantBill: 500,
  tenantContribution: 0,
  contributionCapShare: 0.5,
  contributionMaxYears: 15,
  landlordCost: 4000,
  treatedHomes: 12,
  controlHomes: 12,
  problems: [],
  toSettle: { moreDwellingsPerArm: 30, moreMonths: null, moreMeters: null, controlGroup: false },
};

const JARGON =
  /intervalle|confiance|régression|regression|statisti|écart-type|standard error|DiD|CalTRACK|ASHRAE|p-value/i;

describe("plain-language explanation", () => {
  it("says what is undecided, in euros per household per year, and what would settle it", () => {
    const e = explain(base);
    expect(e.fr).toContain("environ 25 € par foyer et par an");
    expect(e.fr).toContain("entre 8 € et 42 €");
    expect(e.fr).toContain("20 € par an (15 € de charges et 5 € sur sa propre facture)");
    expect(e.fr).toContain("environ 30 logements de plus dans chaque groupe");
    expect(e.en).toContain("about €25 per household a year");
    expect(e.en).toContain("The seller claims a 15% saving");
    expect(e.en).toContain("about 30 more homes in each group");
    for (const text of [e.fr, e.en]) {
      expect(text).not.toMatch(JARGON);
      const sentences = text.split(/(?<=[.!?])\s+/);
      for (const s of sentences) expect(s.split(/\s+/).length).toBeLessThanOrEqual(40);
    }
  });

  it("explains a missing year of data", () => {
    const e = explain({
      ...base,
      rule: "data_insufficient",
      method: "caltrack_daily",
      benefit: null,
      problems: ["reporting_year_incomplete"],
      toSettle: { moreDwellingsPerArm: null, moreMonths: 5, moreMeters: null, controlGroup: false },
    });
    expect(e.fr).toContain("Il faut une année entière de relevés après la pose.");
    expect(e.en).toContain("about 5 more months of readings");
  });

  it("settles a before/after with more equipped homes, or for a common meter a trial on dwelling meters", () => {
    const homes = explain({
      ...base,
      method: "caltrack_daily",
      toSettle: { moreDwellingsPerArm: null, moreMonths: null, moreMeters: 9, controlGroup: false },
    });
    expect(homes.fr).toContain("environ 9 logements équipés de plus, mesurés de la même façon");
    expect(homes.en).toContain("about 9 more equipped homes");
    expect(homes.fr).not.toContain("mois");
    const common = explain({
      ...base,
      method: "caltrack_daily",
      toSettle: { moreDwellingsPerArm: null, moreMonths: null, moreMeters: null, controlGroup: true },
    });
    expect(common.fr).toContain("un essai sur les compteurs de logements équipés et de logements semblables");
    expect(common.en).toContain("more readings of the common meter would not change it");
    for (const text of [homes.fr, homes.en, common.fr, common.en]) expect(text).not.toMatch(JARGON);
  });

  it("lists every part tenants pay, the contribution too, and the parts add up to the cost", () => {
    // The contribution counted in the cost but was missing from its parts: "35 € par an (15 €
    // de charges et 5 € sur sa propre facture)".
    const e = explain({ ...base, tenantCost: 3500, tenantContribution: 1500 });
    expect(e.fr).toContain(
      "35 € par an (15 € de charges, 5 € sur sa propre facture et 15 € de contribution aux économies).",
    );
    expect(e.en).toContain(
      "€35 a year (€15 in charges, €5 on their own bill and €15 as a contribution to savings).",
    );
  });
});
