// What every estimator hands back to the guard for one claim.
import type { ClaimResult } from "../../model/verdict.ts";

export interface Window {
  from: string;
  to: string;
}

export interface ClaimEstimate {
  result: Omit<ClaimResult, "pricePerUnit">;
  window: { baseline: Window | null; reporting: Window | null };
  /** How the uncertainty would shrink with more data, for the "what would settle it" line. */
  settle:
    | { kind: "dwellings"; sigmaPerYear: number; dwellingsPerArm: number }
    /** Before/after: the per-dwelling half-width falls as 1/√meters (a portfolio, ASHRAE 14). */
    | { kind: "meters"; meters: number }
    /** Before/after on a common meter: no more meters to add. */
    | { kind: "control_group" }
    | null;
  /** Set when the data fall short for lack of time: months until they would not. */
  moreMonths: number | null;
  /** Set when the data fall short for lack of dwellings: how many more per arm. */
  moreDwellingsPerArm: number | null;
}
