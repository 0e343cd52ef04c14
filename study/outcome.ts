// One study case's decision beside its truth, whatever the design.
import type { Decision } from "../model/verdict.ts";
import type { StudyQuantity } from "./pricing.ts";

export interface CaseResult {
  design: "controlled" | "before_after";
  quantity: StudyQuantity;
  /** What the use follows: the weather's cold, its heat, or neither. */
  load: "heating" | "cooling" | "flat";
  gadget: boolean;
  /** Before/after: the lag-1 autocorrelation of the simulated daily noise. */
  rho: number | null;
  decision: Decision;
  trueNetCents: number;
  tenantCostCents: number;
  /** True saving per dwelling per year, in the quantity's unit. */
  trueSaving: number;
  estimatedSaving: number | null;
  lower: number | null;
  upper: number | null;
  /** Controlled: what the pilot's own treated dwellings save (a sample quantity, for contrast). */
  sampleSaving: number | null;
}
