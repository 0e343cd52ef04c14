// The verdict in plain French and English for a tenants' association: short sentences, euros
// per household per year, no statistics words, and what would settle an undecided case.
// Every sentence is worded below in both languages; the paragraph only chooses which to say.
import type { Cents } from "../../model/money.ts";
import type { Quantity } from "../../model/quantities.ts";
import type { Decision, DecisionRule, Verdict } from "../../model/verdict.ts";
import { listOf, lowerCase, paragraphOf, type Wording } from "./lang.ts";
import { euros, percent } from "./numbers.ts";
import { TENANT_SHARE, type TenantPayer } from "./payers.ts";
import { problemSentence } from "./problems.ts";
import { quantityName } from "./quantities.ts";
import { settleItems } from "./to-settle.ts";

export interface ExplainInput {
  deviceName: Wording;
  decision: Decision;
  rule: DecisionRule;
  confidence: number;
  method: Verdict["method"];
  quantities: Quantity[];
  vendorClaim: number | null;
  benefit: { estimate: Cents; lower: Cents; upper: Cents } | null;
  tenantCost: Cents;
  tenantCharges: Cents;
  tenantBill: Cents;
  tenantContribution: Cents;
  contributionCapShare: number;
  contributionMaxYears: number;
  landlordCost: Cents;
  treatedHomes: number | null;
  controlHomes: number | null;
  problems: string[];
  toSettle: Verdict["toSettle"];
}

/** "Le vendeur annonce 15 % d'économie ; …": what the vendor claims, beside the measurement. */
export function vendorClaimSentence(fraction: number): Wording {
  const p = percent(fraction);
  return {
    fr: `Le vendeur annonce ${p.fr} % d'économie ; c'est la mesure qui compte, pas l'annonce.`,
    en: `The seller claims a ${p.en}% saving; the measurement counts, not the claim.`,
  };
}

const SAY = {
  free: (name: Wording, landlord: Wording): Wording => ({
    fr: `Les locataires ne paient rien pour l'appareil « ${name.fr} » : le bailleur paie tout (${landlord.fr} par logement et par an).`,
    en: `Tenants pay nothing for the device "${name.en}": the landlord pays it all (${landlord.en} per home a year).`,
  }),
  noObjection: { fr: "Le garde-fou n'a pas d'objection.", en: "The guard has no objection." },
  claimsNothing: (name: Wording): Wording => ({
    fr: `L'appareil « ${name.fr} » ne promet aucune économie que l'on puisse mesurer.`,
    en: `The device "${name.en}" promises no saving that can be measured.`,
  }),
  gadgetRejected: {
    fr: "Le garde-fou le refuse : les locataires paieraient sans rien gagner de vérifiable.",
    en: "The guard rejects it: tenants would pay and gain nothing they can check.",
  },
  promises: (name: Wording, what: Wording): Wording => ({
    fr: `L'appareil « ${name.fr} » promet de réduire : ${what.fr}.`,
    en: `The device "${name.en}" promises to reduce: ${what.en}.`,
  }),
  controlled: (treated: number | null, control: number | null): Wording => ({
    fr: `Mesure faite sur ${treated} logements équipés et ${control} logements comparables sans l'appareil, avant et après la pose, en tenant compte de la météo.`,
    en: `Measured on ${treated} homes with the device and ${control} similar homes without it, before and after installation, taking the weather into account.`,
  }),
  sameMeters: {
    fr: "Mesure faite sur les mêmes compteurs, l'année avant la pose et la dernière année, en tenant compte de la météo.",
    en: "Measured on the same meters, the year before installation and the latest year, taking the weather into account.",
  },
  worth: (estimate: Wording, lower: Wording, upper: Wording, confidence: Wording): Wording => ({
    fr: `L'économie mesurée vaut environ ${estimate.fr} par foyer et par an : sans doute entre ${lower.fr} et ${upper.fr} (${confidence.fr} chances sur 100).`,
    en: `The measured saving is worth about ${estimate.en} per household a year: most likely between ${lower.en} and ${upper.en} (${confidence.en} chances in 100).`,
  }),
  notYetMeasurable: {
    fr: "Les données ne suffisent pas encore pour mesurer une économie.",
    en: "There is not yet enough data to measure a saving.",
  },
  cost: (total: Wording, parts: Wording | null): Wording => ({
    fr: `Il coûterait à chaque foyer ${total.fr} par an${parts ? ` (${parts.fr})` : ""}.`,
    en: `It would cost each household ${total.en} a year${parts ? ` (${parts.en})` : ""}.`,
  }),
  contributionNotAllowed: {
    fr: "Le garde-fou le refuse : une contribution des locataires au partage des économies n'est permise que pour de vrais travaux d'économie d'énergie (au moins deux actions, comme l'isolation ou le changement de chauffage), pas pour un appareil connecté seul.",
    en: "The guard rejects it: a tenant contribution to shared savings is allowed only for real energy-saving works (at least two actions, such as insulation or a new heating system), not for a connected device alone.",
  },
  contributionOverCap: (cap: Wording, years: number): Wording => ({
    fr: `Le garde-fou le refuse : la contribution des locataires ne peut dépasser ${cap.fr} % de l'économie estimée, ni durer plus de ${years} ans.`,
    en: `The guard rejects it: the tenants' contribution may not exceed ${cap.en}% of the estimated saving, nor last more than ${years} years.`,
  }),
  approved: {
    fr: "Même dans le cas le moins favorable, l'économie dépasse le coût. Le garde-fou l'accepte. Il sera vérifié à nouveau avec les prochains relevés.",
    en: "Even in the least favourable case, the saving is larger than the cost. The guard approves it. It will be checked again as new readings arrive.",
  },
  rejected: {
    fr: "Même dans le cas le plus favorable, l'économie reste inférieure au coût. Le garde-fou le refuse : les locataires paieraient plus qu'ils n'économisent.",
    en: "Even in the most favourable case, the saving is smaller than the cost. The guard rejects it: tenants would pay more than they save.",
  },
  costInRange: {
    fr: "Le coût se situe dans cette fourchette : on ne peut pas encore dire si l'appareil rapporte plus qu'il ne coûte.",
    en: "The cost falls within that range: we cannot yet tell whether the device saves more than it costs.",
  },
  undecided: { fr: "Le garde-fou ne peut pas encore trancher.", en: "The guard cannot decide yet." },
  toSettle: (what: Wording): Wording => ({
    fr: `Pour trancher, il faudrait ${what.fr}.`,
    en: `To decide, it would take ${what.en}.`,
  }),
} as const;

/** What every measured paragraph says before its verdict: the claim, the vendor's figure, the
 * measurement (or why there is none yet) and the cost. */
function claimAndCost(i: ExplainInput, cost: Wording): Wording[] {
  const s = [SAY.promises(i.deviceName, listOf(i.quantities.map((q) => lowerCase(quantityName(q)))))];
  if (i.vendorClaim !== null) s.push(vendorClaimSentence(i.vendorClaim));
  if (i.benefit) {
    const b = i.benefit;
    s.push(
      i.method === "difference_in_differences"
        ? SAY.controlled(i.treatedHomes, i.controlHomes)
        : SAY.sameMeters,
      SAY.worth(euros(b.estimate), euros(b.lower), euros(b.upper), percent(i.confidence)),
    );
  } else {
    s.push(SAY.notYetMeasurable);
    for (const p of i.problems) {
      const sentence = problemSentence(p);
      if (sentence) s.push(sentence);
    }
  }
  return [...s, cost];
}

function toSettle(i: ExplainInput): Wording[] {
  const settle = settleItems(i.toSettle);
  return settle.length ? [SAY.undecided, SAY.toSettle(listOf(settle))] : [SAY.undecided];
}

/** The paragraph of each deciding rule: a new rule has none until it is worded here. */
const PARAGRAPH: Record<DecisionRule, (i: ExplainInput, cost: Wording) => Wording[]> = {
  no_cost_to_tenants: (i) => [SAY.free(i.deviceName, euros(i.landlordCost)), SAY.noObjection],
  gadget_claims_nothing: (i, cost) => [SAY.claimsNothing(i.deviceName), cost, SAY.gadgetRejected],
  contribution_not_allowed: (i, cost) => [...claimAndCost(i, cost), SAY.contributionNotAllowed],
  contribution_over_cap: (i, cost) => [
    ...claimAndCost(i, cost),
    SAY.contributionOverCap(percent(i.contributionCapShare), i.contributionMaxYears),
  ],
  benefit_lower_bound_above_cost: (i, cost) => [...claimAndCost(i, cost), SAY.approved],
  benefit_upper_bound_below_cost: (i, cost) => [...claimAndCost(i, cost), SAY.rejected],
  interval_includes_cost: (i, cost) => [...claimAndCost(i, cost), SAY.costInRange, ...toSettle(i)],
  data_insufficient: (i, cost) => [...claimAndCost(i, cost), ...toSettle(i)],
};

/** "Il coûterait à chaque foyer 20 € par an (15 € de charges et 5 € sur sa propre facture)." */
function costSentence(i: ExplainInput): Wording {
  const shares: Record<TenantPayer, Cents> = {
    tenant_charges: i.tenantCharges,
    tenant_bill: i.tenantBill,
    tenant_contribution: i.tenantContribution,
  };
  const parts = (Object.keys(TENANT_SHARE) as TenantPayer[])
    .filter((payer) => shares[payer] > 0)
    .map((payer) => TENANT_SHARE[payer](euros(shares[payer])));
  return SAY.cost(euros(i.tenantCost), parts.length > 1 ? listOf(parts) : null);
}

export function explain(i: ExplainInput): Wording {
  return paragraphOf(PARAGRAPH[i.rule](i, costSentence(i)));
}
