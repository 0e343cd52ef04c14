// The ConsentStore in memory: every decision in the order recorded; the one recorded last per
// purpose is in force.
import type { ConsentRecord, ConsentStore } from "../consent-store.ts";
import { lifecycle } from "./lifecycle.ts";

export function createMemoryConsentStore(): ConsentStore {
  const { connect, close, check } = lifecycle("consent store");
  const history: ConsentRecord[] = [];

  return {
    connect,
    close,

    async record(consent) {
      check();
      const record: ConsentRecord = {
        id: history.length + 1,
        building: consent.building,
        dwelling: consent.dwelling,
        purpose: consent.purpose,
        granted: consent.granted,
        recordedAt: consent.recordedAt ?? Date.now(),
        recordedBy: consent.recordedBy,
      };
      history.push(record);
      return { ...record };
    },

    async current(building, dwelling) {
      check();
      const inForce = new Map<string, ConsentRecord>();
      for (const r of history)
        if (r.building === building && r.dwelling === dwelling) inForce.set(r.purpose, r);
      return [...inForce.values()]
        .sort((a, b) => (a.purpose < b.purpose ? -1 : a.purpose > b.purpose ? 1 : 0))
        .map((r) => ({ ...r }));
    },
  };
}
