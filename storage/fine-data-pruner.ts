// The FineDataPruner port: the deletions of the personal-data retention job (api/retention.ts).
// A dwelling's finer-than-daily data is kept only for a while unless its occupant consented
// to longer; past the cutoff, its raw points go and its daily figures stay. The adapter is the
// telemetry store's (SQLite: the consent store beside the points; InfluxDB: a pruner reading
// the ConsentStore). storage/contract/fine-data-pruner.contract.ts is its executable definition.
import type { ConsentPurpose } from "./consent-store.ts";

export interface FineDataPruner {
  /**
   * Deletes the raw points before `before` of every dwelling series (not the common areas)
   * whose dwelling has no consent in force for `purpose`. Each series keeps its last point
   * before the cutoff, so the first kept point still has the predecessor its consumption
   * needs; daily and monthly figures read afterwards are what they were. `series`: how many
   * series were candidates; `deleted`: how many points went.
   *
   * Not defined yet: a point written later into a pruned day. The memory reference keeps the
   * day's figures as they were; SQLite folds a point after the day's last one into them but
   * rebuilds the day from the points left for an earlier one, which loses what was pruned.
   */
  pruneFine(before: number, purpose: ConsentPurpose): Promise<{ series: number; deleted: number }>;
}
