// Why the data do not yet allow a measurement, one sentence per problem a claim can report
// (the codes of rules/estimators/, kept as strings in model/verdict.ts).
import type { Wording } from "./lang.ts";

export const PROBLEM = {
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
} satisfies Record<string, Wording>;

export type ProblemCode = keyof typeof PROBLEM;

/** The problem's sentence; none for a code without one. */
export function problemSentence(code: string): Wording | undefined {
  return Object.hasOwn(PROBLEM, code) ? PROBLEM[code as ProblemCode] : undefined;
}
