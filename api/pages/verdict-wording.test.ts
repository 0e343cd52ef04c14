// One verdict, every output that tells it: the board's page, the tenant's devices page, cli
// evaluate's report and the explanation. Where they used to word it differently, each now says
// the catalogue's words (domain/wording/), and these tests compare them for equality.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ruleSentence } from "../../domain/wording/decision-rules.ts";
import { DECISION, TENANT_STANDING } from "../../domain/wording/decisions.ts";
import { explain, vendorClaimSentence } from "../../domain/wording/explanation.ts";
import type { Wording } from "../../domain/wording/lang.ts";
import { TEMPERATURE_FEATURE } from "../../domain/wording/methods.ts";
import { euros } from "../../domain/wording/numbers.ts";
import { PAYER } from "../../domain/wording/payers.ts";
import { settleItems } from "../../domain/wording/to-settle.ts";
import { formatVerdict } from "../../guard/format.ts";
import { loadProposalFile } from "../../guard/proposal-file.ts";
import { DEFAULT_POLICY, policySchema } from "../../model/policy.ts";
import { type Payer, type Proposal, payerSchema } from "../../model/proposal.ts";
import { SiteRegistry } from "../../model/registry.ts";
import { loadSiteFile } from "../../model/site-file.ts";
import { ruleSchema, type Verdict } from "../../model/verdict.ts";
import { evaluateProposal } from "../../rules/evaluate.ts";
import { DEFAULT_TARIFFS } from "../../simulators/site-generator.ts";
import { syntheticEvidence } from "../../test/support/synthetic-evidence.ts";
import type { TenantDevice } from "../views/tenant-devices.ts";
import { boardProposalPage } from "./board-pages.ts";
import type { Lang } from "./i18n.ts";
import { SELF_LINKS, tenantDevicesPage } from "./tenant-pages.ts";

const examples = join(import.meta.dirname, "..", "..", "examples");
const registry = new SiteRegistry(loadSiteFile(join(examples, "site-pilot.yaml")));
const tariffs = DEFAULT_TARIFFS!.map((t) => ({ ...t }));
const NOW = new Date("2026-03-01T00:00:00Z");
const NO_EVIDENCE = { days: [], outdoor: [], series: [] };

function example(name: string): Proposal {
  return loadProposalFile(join(examples, "proposals", `${name}.yaml`));
}

function verdictOf(proposal: Proposal, policy = DEFAULT_POLICY): Verdict {
  return evaluateProposal(proposal, NO_EVIDENCE, policy, tariffs, NOW);
}

/** A verdict as another decision would have left it: what the outputs word does not depend on the rest. */
function as(v: Verdict, change: Partial<Verdict>): Verdict {
  return { ...structuredClone(v), ...change };
}

/** A text matched as it is inside a regular expression. */
const literal = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/** The text a reader sees on a page: no tags, entities decoded, blanks collapsed. */
function text(page: string): string {
  return page
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}

function boardText(v: Verdict, lang: Lang): string {
  const record = {
    id: 1,
    proposalId: v.proposalId,
    source: "evaluation" as const,
    window: { from: "2024-10-01", to: "2026-03-01" },
    recordedAt: v.decidedAt,
    verdict: v,
  };
  const stored = {
    proposal: v.inputs.proposal,
    buildings: v.inputs.proposal.buildings,
    savedAt: v.decidedAt,
  };
  const ctx = { lang, url: "/board", cookieSession: false };
  return text(boardProposalPage(ctx, registry, { stored, record, verdicts: [record], chart: null }));
}

function tenantText(v: Verdict, lang: Lang): string {
  const device: TenantDevice = {
    proposalId: v.proposalId,
    name: v.inputs.proposal.device.name,
    category: v.inputs.proposal.device.category,
    installDate: "2025-10-01",
    status: v.decision,
    decidedAt: v.decidedAt,
    costToYouCentsPerYear: v.costs.tenantCentsPerYear,
    costLines: v.costs.lines
      .filter((l) => l.payer !== "landlord" && l.centsPerDwellingPerYear > 0)
      .map((l) => ({ label: l.label, payer: l.payer, centsPerYear: l.centsPerDwellingPerYear })),
    savingCentsPerYear: null,
    confidence: v.confidence,
    explanation: v.explanation,
  };
  const ctx = { lang, url: "/tenant/devices", cookieSession: false };
  return text(
    tenantDevicesPage(
      ctx,
      SELF_LINKS,
      { building: "tilleuls-a", dwelling: "a-001", devices: [device] },
      "2026-02",
    ),
  );
}

const gadget = verdictOf(example("voice-assistant"));

/** The valves example measured on 20 homes against 20 (15% less heating): approved. */
function measuredValves(): Verdict {
  const base = example("thermostatic-valves");
  const treated = Array.from({ length: 20 }, (_, i) => ({ dwelling: `t${i}`, installDate: "2025-10-01" }));
  const control = Array.from({ length: 20 }, (_, i) => `c${i}`);
  const proposal: Proposal = { ...base, pilot: { design: "controlled", treated, control } };
  const evidence = syntheticEvidence({
    seed: 1,
    from: "2024-10-01",
    days: 608,
    quantity: "heating_energy",
    effect: 0.15,
    dailyNoise: 0.08,
    habitShift: 0.04,
    controlSplit: "2025-10-01",
    spaces: [
      ...treated.map((t, i) => ({ space: t.dwelling, scale: 120 + 7 * i, installDate: t.installDate })),
      ...control.map((c, i) => ({ space: c, scale: 120 + 7 * i, installDate: null })),
    ],
  });
  return evaluateProposal(proposal, evidence, DEFAULT_POLICY, tariffs, new Date("2026-06-01T12:00:00Z"));
}
const valves = measuredValves();
const DECISIONS = ["approve", "reject", "insufficient_evidence"] as const;

describe("the decision", () => {
  it.each(DECISIONS)("%s has one name on the board and in cli evaluate, in both languages", (decision) => {
    const v = as(gadget, { decision });
    const { fr, en } = DECISION[decision];
    expect(formatVerdict(v)).toContain(`Verdict: ${en.toUpperCase()} / ${fr.toUpperCase()}`);
    expect(boardText(v, "fr")).toContain(fr);
    expect(boardText(v, "en")).toContain(en);
  });

  it("is the device's: rejected (never 'refused' in English), accepted in the masculine, insufficient evidence", () => {
    // The board used to say "Refused", "Not enough evidence", "Acceptée"; cli evaluate said
    // REJECTED, INSUFFICIENT EVIDENCE, ACCEPTÉ, and the explanation "the guard rejects it".
    expect(boardText(as(gadget, { decision: "reject" }), "en")).not.toMatch(/Refused/);
    expect(boardText(as(gadget, { decision: "insufficient_evidence" }), "en")).not.toMatch(/Not enough/);
    expect(boardText(as(gadget, { decision: "approve" }), "fr")).not.toMatch(/Acceptée/);
    expect(gadget.explanation.en).toContain("The guard rejects it");
  });

  it("tells the tenant the same decision, in the second person", () => {
    for (const decision of ["approve", "reject"] as const) {
      const v = as(gadget, { decision });
      for (const lang of ["fr", "en"] as const) {
        expect(TENANT_STANDING[decision][lang].startsWith(DECISION[decision][lang])).toBe(true);
        expect(tenantText(v, lang)).toContain(TENANT_STANDING[decision][lang]);
      }
    }
  });
});

describe("euros", () => {
  it("the explanation says the cost of the cost table, to the cent, as the board and cli evaluate do", () => {
    // The explanation rounded every amount to the euro: "5 €" beside a table saying 5,30 €.
    const cost = euros(gadget.costs.tenantCentsPerYear);
    expect(cost).toEqual({ fr: "5,30 €", en: "€5.30" });
    expect(gadget.explanation.fr).toContain(`Il coûterait à chaque foyer ${cost.fr} par an.`);
    expect(gadget.explanation.en).toContain(`It would cost each household ${cost.en} a year.`);
    expect(boardText(gadget, "fr")).toContain(`Total payé par chaque locataire ${cost.fr}`);
    expect(formatVerdict(gadget)).toMatch(new RegExp(`total paid by tenants \\(weighed\\) +${cost.en}`));
  });

  it("the explanation's measured saving is the board's, cents and all", () => {
    expect(valves.decision).toBe("approve");
    const b = valves.benefitCentsPerYear;
    expect(b.estimate % 100).not.toBe(0);
    const [estimate, lower, upper] = [euros(b.estimate), euros(b.lower), euros(b.upper)];
    expect(valves.explanation.fr).toContain(
      `environ ${estimate.fr} par foyer et par an : sans doute entre ${lower.fr} et ${upper.fr}`,
    );
    expect(boardText(valves, "fr")).toContain(
      `Environ ${estimate.fr} par logement et par an, entre ${lower.fr} et ${upper.fr}`,
    );
    expect(valves.explanation.en).toContain(
      `about ${estimate.en} per household a year: most likely between ${lower.en} and ${upper.en}`,
    );
    expect(formatVerdict(valves)).toContain(
      `worth to each tenant: ${estimate.en} [${lower.en} to ${upper.en}] a year`,
    );
  });
});

describe("who pays", () => {
  /** The gadget's verdict with one line of each payer. */
  const everyPayer = as(gadget, {
    costs: {
      ...gadget.costs,
      lines: payerSchema.options.map((payer: Payer, i) => ({
        label: `Ligne ${i}`,
        kind: "subscription",
        payer,
        heading: payer === "tenant_charges" ? "IV" : null,
        centsPerDwellingPerYear: 100 * (i + 1),
      })),
    },
  });

  it.each(payerSchema.options)("%s has one name in the board's cost table and in cli evaluate's", (payer) => {
    // cli evaluate said "tenant charges", "tenant's own bill"; the board "Tenants (charges)"…
    const i = payerSchema.options.indexOf(payer);
    const { who } = PAYER[payer];
    const cents = euros(100 * (i + 1));
    expect(formatVerdict(everyPayer)).toMatch(new RegExp(`Ligne ${i} +${literal(who.en)} +`));
    expect(boardText(everyPayer, "fr")).toMatch(
      new RegExp(`Ligne ${i} (charges récupérables, rubrique IV )?${literal(who.fr)} ${literal(cents.fr)}`),
    );
    expect(boardText(everyPayer, "en")).toMatch(
      new RegExp(`Ligne ${i} (recoverable charges, heading IV )?${literal(who.en)} ${literal(cents.en)}`),
    );
  });

  it("tells the tenant that a cost on their own bill is on their own bill, not necessarily electricity", () => {
    // The tenant's page said "sur votre facture d'électricité" of every tenant_bill line.
    for (const lang of ["fr", "en"] as const) {
      const page = tenantText(everyPayer, lang);
      expect(page).toContain(`${euros(200)[lang]} ${PAYER.tenant_bill.yours[lang]}`);
      expect(page).not.toMatch(/électricité|electricity/);
    }
  });
});

describe("the cost to tenants", () => {
  it("is told in the same parts by the explanation and by cli evaluate, the contribution too", () => {
    const base = example("thermostatic-valves");
    const v = verdictOf({
      ...base,
      costLines: [
        ...base.costLines,
        {
          kind: "savings_contribution",
          label: "3e ligne",
          eurosPerDwellingPerYear: "10",
          years: 10,
          payer: "tenant_contribution",
        },
      ],
    });
    const [total, charges, contribution] = [2200, 1200, 1000].map(euros) as [Wording, Wording, Wording];
    expect(v.costs).toMatchObject({ tenantCentsPerYear: 2200, tenantContributionCentsPerYear: 1000 });
    const report = formatVerdict(v);
    expect(report).toMatch(new RegExp(`of which charges +${literal(charges.en)}\n`));
    expect(report).toMatch(new RegExp(`of which contribution +${literal(contribution.en)}\n`));
    expect(v.explanation.en).toContain(
      `${total.en} a year (${charges.en} in charges and ${contribution.en} as a contribution to savings).`,
    );
    expect(v.explanation.fr).toContain(
      `${total.fr} par an (${charges.fr} de charges et ${contribution.fr} de contribution aux économies).`,
    );
  });
});

describe("the deciding rule", () => {
  it.each(ruleSchema.options)("%s has one sentence on the board and in cli evaluate", (rule) => {
    // cli evaluate had glosses of its own ("even the low end of the measured benefit exceeds…").
    const v = as(gadget, { rule });
    const sentence = ruleSentence(rule, v.inputs.policy);
    expect(formatVerdict(v)).toContain(`Deciding rule: ${rule}. ${sentence.en}\n`);
    expect(boardText(v, "fr")).toContain(sentence.fr);
    expect(boardText(v, "en")).toContain(sentence.en);
  });

  it("gives the contribution cap of the verdict's policy, as the explanation does", () => {
    // The board said "half the saving, 15 years at most" whatever the policy.
    const base = example("thermostatic-valves");
    const policy = policySchema.parse({ contributionCapShare: 0.3, contributionMaxYears: 12 });
    const v = verdictOf(
      {
        ...base,
        qualifyingWorks: true,
        costLines: [
          ...base.costLines,
          {
            kind: "savings_contribution",
            label: "3e ligne",
            eurosPerDwellingPerYear: "10",
            years: 14,
            payer: "tenant_contribution",
          },
        ],
      },
      policy,
    );
    expect(v.rule).toBe("contribution_over_cap");
    expect(boardText(v, "fr")).toContain("(30 % de l'économie estimée, 12 ans au plus)");
    expect(boardText(v, "en")).toContain("(30% of the estimated saving, 12 years at most)");
    expect(formatVerdict(v)).toContain("(30% of the estimated saving, 12 years at most)");
    expect(v.explanation.fr).toContain(
      "ne peut dépasser 30 % de l'économie estimée, ni durer plus de 12 ans",
    );
  });
});

describe("the vendor's claim", () => {
  it("is one sentence, in the explanation and on the board beside the measured saving", () => {
    // The board said "Le fabricant annonce 15 % d'économie ; seule la mesure compte." beside an
    // explanation saying "Le vendeur annonce 15 % d'économie ; c'est la mesure qui compte…".
    const v = verdictOf(example("thermostatic-valves"));
    const claim = vendorClaimSentence(0.15);
    expect(claim.fr).toBe("Le vendeur annonce 15 % d'économie ; c'est la mesure qui compte, pas l'annonce.");
    for (const lang of ["fr", "en"] as const) {
      expect(v.explanation[lang]).toContain(claim[lang]);
      const page = boardText(v, lang);
      expect(page.split(claim[lang]).length - 1).toBe(2);
    }
    expect(boardText(v, "fr")).not.toContain("fabricant");
  });
});

describe("what would settle it", () => {
  const undecided = verdictOf(example("thermostatic-valves"));
  const toSettle = { moreDwellingsPerArm: 4, moreMonths: 3, moreMeters: null, controlGroup: false };
  const v = as(undecided, { toSettle });

  it("says the same phrases in the explanation, on the board and in cli evaluate, all of them needed", () => {
    // The board said "4 logements de plus dans chaque groupe." without "environ", cli evaluate
    // "4 more dwellings per group or 3 more months of readings": estimates both, and both needed.
    const e = explain({
      deviceName: v.inputs.proposal.device.name,
      decision: v.decision,
      rule: v.rule,
      confidence: v.confidence,
      method: v.method,
      quantities: ["heating_energy"],
      vendorClaim: null,
      benefit: null,
      tenantCost: 1200,
      tenantCharges: 1200,
      tenantBill: 0,
      tenantContribution: 0,
      contributionCapShare: 0.5,
      contributionMaxYears: 15,
      landlordCost: 0,
      treatedHomes: null,
      controlHomes: null,
      problems: [],
      toSettle,
    });
    expect(e.fr).toContain(
      "Pour trancher, il faudrait environ 4 logements de plus dans chaque groupe et environ 3 mois de relevés de plus.",
    );
    expect(formatVerdict(v)).toContain(
      "To settle it: about 4 more homes in each group and about 3 more months of readings.\n",
    );
    expect(boardText(v, "fr")).toContain(
      "Environ 4 logements de plus dans chaque groupe. Environ 3 mois de relevés de plus.",
    );
    expect(boardText(v, "en")).toContain(
      "About 4 more homes in each group. About 3 more months of readings.",
    );
    expect(e.en).toContain(
      settleItems(toSettle)
        .map((w) => w.en)
        .join(" and "),
    );
  });

  it("asks for no zero anywhere", () => {
    const none = as(undecided, {
      toSettle: { moreDwellingsPerArm: 0, moreMonths: 0, moreMeters: 0, controlGroup: false },
    });
    expect(settleItems(none.toSettle)).toEqual([]);
    expect(formatVerdict(none)).not.toContain("To settle it");
    expect(boardText(none, "fr")).not.toContain("Ce qui permettrait de trancher");
  });
});

describe("the baselines' outdoor temperature", () => {
  it.each(["hourly_mean", "tmin_tmax_midpoint"] as const)(
    "%s is one sentence, on the board and in cli evaluate",
    (feature) => {
      // cli evaluate had its own glosses: "mean of the day's hourly temperatures (CalTRACK 2.0)".
      const lighting = verdictOf(example("presence-lighting"));
      const v = as(lighting, { claims: lighting.claims.map((c) => ({ ...c, temperatureFeature: feature })) });
      const words = TEMPERATURE_FEATURE[feature];
      expect(formatVerdict(v)).toContain(`  electricity baselines. ${words.en}\n`);
      expect(boardText(v, "fr")).toContain(words.fr);
      expect(boardText(v, "en")).toContain(words.en);
    },
  );
});

describe("the measured saving in units", () => {
  it("is rounded to its unit's decimals, with the unit as people write it, on the board and in cli evaluate", () => {
    // cli evaluate printed two decimals under 100 ("18.82 m3 [16.03 to 21.61]", "39.54 kWh")
    // where the board says 18,8 m³ and 40 kWh.
    const water = verdictOf(example("water-meters"));
    const claim = water.claims[0]!;
    const v = as(water, {
      claims: [
        { ...claim, unit: "m3", savingPerDwellingPerYear: { estimate: 18.82, lower: 16.03, upper: 21.61 } },
      ],
    });
    expect(formatVerdict(v)).toContain(": 18.8 m³ [16.0 to 21.6] at 4.34 €/m³");
    expect(boardText(v, "fr")).toContain(
      "Eau froide : environ 18,8 m³ de moins par logement et par an (entre 16,0 m³ et 21,6 m³).",
    );
    const heat = as(v, {
      claims: [
        {
          ...claim,
          quantity: "heating_energy",
          unit: "kWh",
          savingPerDwellingPerYear: { estimate: 240.4, lower: 39.54, upper: 441.3 },
        },
      ],
    });
    expect(formatVerdict(heat)).toContain(": 240 kWh [40 to 441] at");
    expect(boardText(heat, "en")).toContain(
      "about 240 kWh less per home per year (between 40 kWh and 441 kWh)",
    );
  });
});
