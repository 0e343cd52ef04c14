// The rule that decided a verdict (model/verdict.ts's rules), in one plain sentence, as the
// board's page and cli evaluate give it. The contribution cap's figures are the policy's.
import type { Policy } from "../../model/policy.ts";
import type { DecisionRule } from "../../model/verdict.ts";
import type { Wording } from "./lang.ts";
import { percent } from "./numbers.ts";

type Cap = Pick<Policy, "contributionCapShare" | "contributionMaxYears">;

const RULE: Record<DecisionRule, (cap: Cap) => Wording> = {
  benefit_lower_bound_above_cost: () => ({
    fr: "Même au plus bas, l'économie mesurée dépasse ce que paient les locataires.",
    en: "Even at its lowest, the measured saving is more than tenants pay.",
  }),
  benefit_upper_bound_below_cost: () => ({
    fr: "Même au plus haut, l'économie mesurée reste inférieure à ce que paient les locataires.",
    en: "Even at its highest, the measured saving is less than tenants pay.",
  }),
  gadget_claims_nothing: () => ({
    fr: "L'appareil ne promet aucune économie mesurable, et les locataires paieraient.",
    en: "The device promises no measurable saving, and tenants would pay.",
  }),
  no_cost_to_tenants: () => ({
    fr: "Les locataires ne paient rien : rien à protéger.",
    en: "Tenants pay nothing: nothing to guard.",
  }),
  interval_includes_cost: () => ({
    fr: "L'économie mesurée peut être au-dessus ou au-dessous du coût : on ne peut pas encore trancher.",
    en: "The measured saving may be above or below the cost: it cannot be settled yet.",
  }),
  contribution_not_allowed: () => ({
    fr: "Une contribution des locataires n'est permise que pour des travaux d'économie d'énergie ; un appareil seul n'en fait pas partie.",
    en: "A tenant contribution is allowed only for energy-saving works; a device alone is not such works.",
  }),
  contribution_over_cap: (cap) => {
    const share = percent(cap.contributionCapShare);
    const years = cap.contributionMaxYears;
    return {
      fr: `La contribution demandée dépasse la limite (${share.fr} % de l'économie estimée, ${years} ans au plus).`,
      en: `The contribution asked is over the limit (${share.en}% of the estimated saving, ${years} years at most).`,
    };
  },
  data_insufficient: () => ({
    fr: "Les relevés ne suffisent pas encore pour mesurer.",
    en: "The readings are not yet enough to measure.",
  }),
};

/** The sentence of `rule`, with the cap of the policy the verdict was decided under. */
export function ruleSentence(rule: DecisionRule, policy: Cap): Wording {
  return RULE[rule](policy);
}
