// The verdict in plain French and English for a tenants' association: short sentences, euros
// per household per year, no statistics words, and what would settle an undecided case.
import { type Cents, formatEuros } from "../model/money.ts";
import { QUANTITIES } from "../model/quantities.ts";
import type { Decision, DecisionRule } from "../model/verdict.ts";

export interface ExplainInput {
  deviceName: { fr: string; en: string };
  decision: Decision;
  rule: DecisionRule;
  confidence: number;
  method: "difference_in_differences" | "caltrack_daily" | "none";
  quantities: string[];
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
  toSettle: {
    moreDwellingsPerArm: number | null;
    moreMonths: number | null;
    moreMeters: number | null;
    controlGroup: boolean;
  } | null;
}

type Lang = "fr" | "en";

const eur = (c: Cents, l: Lang) => formatEuros(roundToEuro(c), l);
const roundToEuro = (c: Cents) => Math.round(c / 100) * 100;
const pct = (x: number) => Math.round(x * 100);

const PROBLEMS: Record<string, { fr: string; en: string }> = {
  heating_season_not_covered: {
    fr: "Les relevés ne couvrent pas encore assez de jours de chauffage.",
    en: "The readings do not yet cover enough heating days.",
  },
  too_few_dwellings: {
    fr: "Trop peu de logements ont des relevés complets.",
    en: "Too few homes have complete readings.",
  },
  pilot_too_small: {
    fr: "L'essai compte trop peu de logements, avec ou sans l'appareil, pour mesurer une économie.",
    en: "The trial has too few homes, with or without the device, to measure a saving.",
  },
  reporting_year_incomplete: {
    fr: "Il faut une année entière de relevés après la pose.",
    en: "A full year of readings after installation is needed.",
  },
  baseline_too_short: {
    fr: "Il faut une année entière de relevés avant la pose.",
    en: "A full year of readings before installation is needed.",
  },
  baseline_too_many_missing_days: {
    fr: "Trop de jours manquent dans les relevés d'avant la pose.",
    en: "Too many days are missing in the readings before installation.",
  },
  reporting_too_many_missing_days: {
    fr: "Trop de jours manquent dans les relevés d'après la pose.",
    en: "Too many days are missing in the readings after installation.",
  },
  baseline_model_too_noisy: {
    fr: "La consommation d'avant la pose varie trop pour servir de référence.",
    en: "Use before installation varies too much to serve as a reference.",
  },
  outdoor_temperature_missing: {
    fr: "Il manque trop de jours de température extérieure pour tenir compte de la météo.",
    en: "Too many days lack an outdoor temperature to take the weather into account.",
  },
  baseline_no_use: {
    fr: "Le compteur n'a rien compté avant la pose : il n'y a pas de référence.",
    en: "The meter counted nothing before installation: there is no reference.",
  },
  baseline_model_failed: {
    fr: "La consommation d'avant la pose ne permet pas de calculer une référence.",
    en: "Use before installation does not allow a reference to be computed.",
  },
  meter_series_missing: {
    fr: "Des compteurs n'ont envoyé aucun relevé.",
    en: "Some meters sent no readings.",
  },
  no_meter_for_claim: {
    fr: "Aucun compteur ne mesure ce que l'appareil promet d'économiser.",
    en: "No meter measures what the device promises to save.",
  },
  common_meter_needs_before_after: {
    fr: "Une économie sur le compteur des parties communes se mesure avant et après la pose.",
    en: "A saving on the common-area meter is measured before and after installation.",
  },
};

function list(items: string[], l: Lang): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} ${l === "fr" ? "et" : "and"} ${items.at(-1)}`;
}

function paragraph(i: ExplainInput, l: Lang): string {
  const fr = l === "fr";
  const name = i.deviceName[l];
  const what = list(
    i.quantities.map((q) => (QUANTITIES[q as keyof typeof QUANTITIES]?.label[l] ?? q).toLowerCase()),
    l,
  );
  const s: string[] = [];
  const costParts: string[] = [];
  if (i.tenantCharges > 0)
    costParts.push(fr ? `${eur(i.tenantCharges, l)} de charges` : `${eur(i.tenantCharges, l)} in charges`);
  if (i.tenantBill > 0)
    costParts.push(
      fr ? `${eur(i.tenantBill, l)} sur sa propre facture` : `${eur(i.tenantBill, l)} on their own bill`,
    );
  const costSentence = fr
    ? `Il coûterait à chaque foyer ${eur(i.tenantCost, l)} par an${costParts.length > 1 ? ` (${list(costParts, l)})` : ""}.`
    : `It would cost each household ${eur(i.tenantCost, l)} a year${costParts.length > 1 ? ` (${list(costParts, l)})` : ""}.`;

  if (i.rule === "no_cost_to_tenants") {
    s.push(
      fr
        ? `Les locataires ne paient rien pour l'appareil « ${name} » : le bailleur paie tout (${eur(i.landlordCost, l)} par logement et par an).`
        : `Tenants pay nothing for the device "${name}": the landlord pays it all (${eur(i.landlordCost, l)} per home a year).`,
    );
    s.push(fr ? "Le garde-fou n'a pas d'objection." : "The guard has no objection.");
    return s.join(" ");
  }
  if (i.rule === "gadget_claims_nothing") {
    s.push(
      fr
        ? `L'appareil « ${name} » ne promet aucune économie que l'on puisse mesurer.`
        : `The device "${name}" promises no saving that can be measured.`,
    );
    s.push(costSentence);
    s.push(
      fr
        ? "Le garde-fou le refuse : les locataires paieraient sans rien gagner de vérifiable."
        : "The guard rejects it: tenants would pay and gain nothing they can check.",
    );
    return s.join(" ");
  }

  s.push(
    fr
      ? `L'appareil « ${name} » promet de réduire : ${what}.`
      : `The device "${name}" promises to reduce: ${what}.`,
  );
  if (i.vendorClaim !== null) {
    s.push(
      fr
        ? `Le vendeur annonce ${pct(i.vendorClaim)} % d'économie ; c'est la mesure qui compte, pas l'annonce.`
        : `The seller claims a ${pct(i.vendorClaim)}% saving; the measurement counts, not the claim.`,
    );
  }
  if (i.benefit) {
    const how =
      i.method === "difference_in_differences"
        ? fr
          ? `Mesure faite sur ${i.treatedHomes} logements équipés et ${i.controlHomes} logements comparables sans l'appareil, avant et après la pose, en tenant compte de la météo.`
          : `Measured on ${i.treatedHomes} homes with the device and ${i.controlHomes} similar homes without it, before and after installation, taking the weather into account.`
        : fr
          ? "Mesure faite sur les mêmes compteurs, l'année avant la pose et la dernière année, en tenant compte de la météo."
          : "Measured on the same meters, the year before installation and the latest year, taking the weather into account.";
    s.push(how);
    s.push(
      fr
        ? `L'économie mesurée vaut environ ${eur(i.benefit.estimate, l)} par foyer et par an : sans doute entre ${eur(i.benefit.lower, l)} et ${eur(i.benefit.upper, l)} (${pct(i.confidence)} chances sur 100).`
        : `The measured saving is worth about ${eur(i.benefit.estimate, l)} per household a year: most likely between ${eur(i.benefit.lower, l)} and ${eur(i.benefit.upper, l)} (${pct(i.confidence)} chances in 100).`,
    );
  } else {
    s.push(
      fr
        ? "Les données ne suffisent pas encore pour mesurer une économie."
        : "There is not yet enough data to measure a saving.",
    );
    for (const p of i.problems) if (PROBLEMS[p]) s.push(PROBLEMS[p][l]);
  }
  s.push(costSentence);
  if (i.rule === "contribution_not_allowed") {
    s.push(
      fr
        ? "Le garde-fou le refuse : une contribution des locataires au partage des économies n'est permise que pour de vrais travaux d'économie d'énergie (au moins deux actions, comme l'isolation ou le changement de chauffage), pas pour un appareil connecté seul."
        : "The guard rejects it: a tenant contribution to shared savings is allowed only for real energy-saving works (at least two actions, such as insulation or a new heating system), not for a connected device alone.",
    );
    return s.join(" ");
  }
  if (i.rule === "contribution_over_cap") {
    s.push(
      fr
        ? `Le garde-fou le refuse : la contribution des locataires ne peut dépasser ${pct(i.contributionCapShare)} % de l'économie estimée, ni durer plus de ${i.contributionMaxYears} ans.`
        : `The guard rejects it: the tenants' contribution may not exceed ${pct(i.contributionCapShare)}% of the estimated saving, nor last more than ${i.contributionMaxYears} years.`,
    );
    return s.join(" ");
  }
  if (i.rule === "benefit_lower_bound_above_cost") {
    s.push(
      fr
        ? "Même dans le cas le moins favorable, l'économie dépasse le coût. Le garde-fou l'accepte. Il sera vérifié à nouveau avec les prochains relevés."
        : "Even in the least favourable case, the saving is larger than the cost. The guard approves it. It will be checked again as new readings arrive.",
    );
  } else if (i.rule === "benefit_upper_bound_below_cost") {
    s.push(
      fr
        ? "Même dans le cas le plus favorable, l'économie reste inférieure au coût. Le garde-fou le refuse : les locataires paieraient plus qu'ils n'économisent."
        : "Even in the most favourable case, the saving is smaller than the cost. The guard rejects it: tenants would pay more than they save.",
    );
  } else {
    if (i.rule === "interval_includes_cost") {
      s.push(
        fr
          ? "Le coût se situe dans cette fourchette : on ne peut pas encore dire si l'appareil rapporte plus qu'il ne coûte."
          : "The cost falls within that range: we cannot yet tell whether the device saves more than it costs.",
      );
    }
    s.push(fr ? "Le garde-fou ne peut pas encore trancher." : "The guard cannot decide yet.");
    const settle: string[] = [];
    if (i.toSettle?.moreDwellingsPerArm)
      settle.push(
        fr
          ? `environ ${i.toSettle.moreDwellingsPerArm} logements de plus dans chaque groupe`
          : `about ${i.toSettle.moreDwellingsPerArm} more homes in each group`,
      );
    if (i.toSettle?.moreMeters)
      settle.push(
        fr
          ? `environ ${i.toSettle.moreMeters} logements équipés de plus, mesurés de la même façon`
          : `about ${i.toSettle.moreMeters} more equipped homes, measured the same way`,
      );
    if (i.toSettle?.controlGroup)
      settle.push(
        fr
          ? "un essai sur les compteurs de logements équipés et de logements semblables sans l'appareil : plus de relevés du compteur commun n'y changeraient rien"
          : "a trial on the meters of homes with the device and of similar homes without it: more readings of the common meter would not change it",
      );
    if (i.toSettle?.moreMonths)
      settle.push(
        fr
          ? `environ ${i.toSettle.moreMonths} mois de relevés de plus`
          : `about ${i.toSettle.moreMonths} more months of readings`,
      );
    if (settle.length)
      s.push(
        fr
          ? `Pour trancher, il faudrait ${list(settle, l)}.`
          : `To decide, it would take ${list(settle, l)}.`,
      );
  }
  return s.join(" ");
}

export function explain(i: ExplainInput): { fr: string; en: string } {
  return { fr: paragraph(i, "fr"), en: paragraph(i, "en") };
}
