// What would settle an undecided verdict, one phrase per field of the verdict's toSettle, in
// the order a reader weighs them. A verdict short of data can need several (more months for
// one claim, more homes for another): they are all needed, hence "et" / "and".
import type { Verdict } from "../../model/verdict.ts";
import type { Wording } from "./lang.ts";

type ToSettle = NonNullable<Verdict["toSettle"]>;

const TO_SETTLE: { [K in keyof ToSettle]: (value: NonNullable<ToSettle[K]>) => Wording | null } = {
  moreDwellingsPerArm: (n) =>
    n > 0
      ? { fr: `environ ${n} logements de plus dans chaque groupe`, en: `about ${n} more homes in each group` }
      : null,
  moreMeters: (n) =>
    n > 0
      ? {
          fr: `environ ${n} logements équipés de plus, mesurés de la même façon`,
          en: `about ${n} more equipped homes, measured the same way`,
        }
      : null,
  controlGroup: (asked) =>
    asked
      ? {
          fr: "un essai sur les compteurs de logements équipés et de logements semblables sans l'appareil : plus de relevés du compteur commun n'y changeraient rien",
          en: "a trial on the meters of homes with the device and of similar homes without it: more readings of the common meter would not change it",
        }
      : null,
  moreMonths: (n) =>
    n > 0 ? { fr: `environ ${n} mois de relevés de plus`, en: `about ${n} more months of readings` } : null,
};

/** The phrases of what would settle it ("environ 30 logements de plus dans chaque groupe"); none
 * when the verdict is decided or nothing more would settle it. */
export function settleItems(toSettle: Verdict["toSettle"]): Wording[] {
  if (!toSettle) return [];
  const say = <K extends keyof ToSettle>(key: K): Wording | null => {
    const value = toSettle[key];
    return value === null || value === undefined ? null : TO_SETTLE[key](value);
  };
  return (Object.keys(TO_SETTLE) as (keyof ToSettle)[]).map(say).filter((w): w is Wording => w !== null);
}
