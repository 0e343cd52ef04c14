// What the guard decided, as every output names it (the board's badge, cli evaluate's verdict
// line), and what it means for the tenant who would pay. The device is what is accepted or
// refused, hence the French masculine.
import type { Decision } from "../../model/verdict.ts";
import type { Wording } from "./lang.ts";

/** A proposal's standing: the decision of its latest verdict, or none yet. */
export type Standing = Decision | "not_evaluated";

export const DECISION: Record<Standing, Wording> = {
  approve: { fr: "Accepté", en: "Approved" },
  reject: { fr: "Refusé", en: "Rejected" },
  insufficient_evidence: { fr: "Preuves insuffisantes", en: "Insufficient evidence" },
  not_evaluated: { fr: "Pas encore évalué", en: "Not evaluated yet" },
};

/** The standing told to the tenant of an equipped home, in the second person. */
export const TENANT_STANDING: Record<Standing, Wording> = {
  approve: {
    fr: "Accepté : l'économie mesurée dépasse ce qu'il vous coûte.",
    en: "Approved: the measured saving is more than it costs you.",
  },
  reject: {
    fr: "Refusé : il vous coûte plus qu'il ne vous fait économiser.",
    en: "Rejected: it costs you more than it saves you.",
  },
  insufficient_evidence: {
    fr: "Pas encore décidé : il faut plus de relevés pour savoir.",
    en: "Not decided yet: more readings are needed to know.",
  },
  not_evaluated: { fr: "Pas encore évalué.", en: "Not evaluated yet." },
};
