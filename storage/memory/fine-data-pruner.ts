// The FineDataPruner over the memory TelemetryStore: the raw points of dwellings without a
// consent in force (read from any ConsentStore) go before the cutoff, each series keeping its
// last point before it; the store keeps the figures of the days they leave.
import { COMMON_SPACE } from "../../model/ids.ts";
import type { ConsentStore } from "../consent-store.ts";
import type { FineDataPruner } from "../fine-data-pruner.ts";
import type { MemoryTelemetryStore } from "./telemetry-store.ts";

export function createMemoryFineDataPruner(
  store: MemoryTelemetryStore,
  consents: Pick<ConsentStore, "current">,
): FineDataPruner {
  return {
    async pruneFine(before, purpose) {
      let series = 0;
      let deleted = 0;
      for (const s of store.seriesList()) {
        if (s.space === COMMON_SPACE) continue;
        const inForce = await consents.current(s.building, s.space);
        if (inForce.some((c) => c.purpose === purpose && c.granted)) continue;
        series++;
        deleted += store.pruneFineBefore(s, before);
      }
      return { series, deleted };
    },
  };
}
