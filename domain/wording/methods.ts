// How a verdict measured: the method, and for a before/after the daily outdoor temperature its
// baselines were fitted on (rules/temperature-feature.ts).
import type { ClaimResult, Verdict } from "../../model/verdict.ts";
import type { Wording } from "./lang.ts";

export const METHOD: Record<Verdict["method"], Wording> = {
  difference_in_differences: {
    fr: "Comparaison avec un groupe témoin (différence de différences).",
    en: "Comparison with a control group (difference in differences).",
  },
  caltrack_daily: {
    fr: "Avant et après sur les mêmes compteurs, corrigé de la météo.",
    en: "Before and after on the same meters, corrected for the weather.",
  },
  none: { fr: "Aucune mesure.", en: "No measurement." },
};

export const TEMPERATURE_FEATURE: Record<NonNullable<ClaimResult["temperatureFeature"]>, Wording> = {
  hourly_mean: {
    fr: "Température extérieure de chaque jour : la moyenne de ses relevés heure par heure (méthode CalTRACK).",
    en: "Outdoor temperature of each day: the mean of its hourly readings (CalTRACK method).",
  },
  tmin_tmax_midpoint: {
    fr: "Température extérieure de chaque jour : le milieu entre son minimum et son maximum, faute de relevés heure par heure ; la méthode CalTRACK préfère la moyenne des heures.",
    en: "Outdoor temperature of each day: halfway between its minimum and maximum, for lack of hourly readings; the CalTRACK method prefers the mean of the hours.",
  },
};
