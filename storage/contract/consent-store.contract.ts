// The executable definition of the ConsentStore port: every adapter's test file calls
// consentStoreContract() and passes it unchanged.
import type { ConsentStore, NewConsent } from "../consent-store.ts";
import type { TestKit } from "./test-kit.ts";

export interface OpenedConsentStore {
  store: ConsentStore;
  teardown(): Promise<void>;
}

const T = Date.parse("2025-03-01T09:00:00Z");

const decision = (over: Partial<NewConsent> = {}): NewConsent => ({
  building: "b1",
  dwelling: "d1",
  purpose: "fine_history",
  granted: true,
  recordedBy: "manager-1",
  recordedAt: T,
  ...over,
});

export function consentStoreContract(
  kit: TestKit,
  adapterName: string,
  open: () => Promise<OpenedConsentStore>,
): void {
  const { describe, it, expect, beforeEach, afterEach } = kit;
  describe(`ConsentStore contract: ${adapterName}`, () => {
    let opened: OpenedConsentStore;
    let store: ConsentStore;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });

    afterEach(async () => {
      await opened.teardown();
    });

    it("knows no decision of a dwelling nobody recorded one for", async () => {
      expect(await store.current("b1", "d1")).toEqual([]);
    });

    it("records a decision and gives it back whole, with an id and the time given", async () => {
      const recorded = await store.record(decision());
      const { recordedAt: _at, ...fields } = decision();
      expect(recorded).toEqual({ ...fields, id: recorded.id, recordedAt: T });
      expect(typeof recorded.id).toBe("number");
      expect(await store.current("b1", "d1")).toEqual([recorded]);
    });

    it("stamps a decision given no time with the store's clock", async () => {
      const { recordedAt: _at, ...undated } = decision();
      const before = Date.now();
      const recorded = await store.record(undated);
      const after = Date.now();
      expect(recorded.recordedAt >= before && recorded.recordedAt <= after).toBe(true);
      expect(await store.current("b1", "d1")).toEqual([recorded]);
    });

    it("keeps the latest decision in force: a withdrawal after a grant, a grant again after it", async () => {
      const granted = await store.record(decision());
      const withdrawn = await store.record(decision({ granted: false, recordedAt: T + 1000 }));
      expect(withdrawn.id).toBeGreaterThan(granted.id);
      expect(await store.current("b1", "d1")).toEqual([withdrawn]);
      const again = await store.record(decision({ recordedAt: T + 2000, recordedBy: "tenant-d1" }));
      expect(again.id).toBeGreaterThan(withdrawn.id);
      expect(await store.current("b1", "d1")).toEqual([again]);
    });

    it("puts in force the decision recorded last, whatever time it states", async () => {
      await store.record(decision({ granted: true, recordedAt: T + 60_000 }));
      const later = await store.record(decision({ granted: false, recordedAt: T }));
      expect(await store.current("b1", "d1")).toEqual([later]);
    });

    it("keeps dwellings and buildings apart, a dwelling of the same id elsewhere included", async () => {
      const here = await store.record(decision());
      const elsewhere = await store.record(decision({ building: "b2", granted: false }));
      const neighbour = await store.record(decision({ dwelling: "d2", granted: false }));
      expect(await store.current("b1", "d1")).toEqual([here]);
      expect(await store.current("b2", "d1")).toEqual([elsewhere]);
      expect(await store.current("b1", "d2")).toEqual([neighbour]);
      expect(await store.current("b2", "d2")).toEqual([]);
    });

    it("round-trips identifiers with spaces, quotes and non-ASCII exactly", async () => {
      const odd = decision({
        building: "bâtiment 'A', \"nord\"",
        dwelling: "apt 1'; DROP TABLE consents; --",
        recordedBy: "Zoé 漢字 🔥",
      });
      const recorded = await store.record(odd);
      expect(await store.current(odd.building, odd.dwelling)).toEqual([recorded]);
      expect(recorded.recordedBy).toBe("Zoé 漢字 🔥");
      expect(await store.current("bâtiment 'A', \"nord\"", "apt 1")).toEqual([]);
    });

    it("closes safely twice", async () => {
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
