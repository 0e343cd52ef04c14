// The executable definition of the SignInCodeStore port: every adapter's test file calls
// signInCodeStoreContract() and passes it unchanged. The store sees only ids and sealed bytes
// (api/auth/sign-in-code.ts makes them), so the suite uses made-up ones.
import type { SignInCodeEntry, SignInCodeStore } from "../sign-in-code-store.ts";
import type { TestKit } from "./test-kit.ts";

export interface OpenedSignInCodeStore {
  store: SignInCodeStore;
  teardown(): Promise<void>;
}

const T = Date.parse("2026-12-07T09:00:00Z");
const HOUR = 3_600_000;

const entry = (id: string, over: Partial<SignInCodeEntry> = {}): SignInCodeEntry => ({
  id,
  sealed: Buffer.from(`sealed token of ${id}`),
  role: "tenant",
  subject: `subject of ${id}`,
  issuedAt: T,
  expiresAt: T + HOUR,
  ...over,
});

export function signInCodeStoreContract(
  kit: TestKit,
  adapterName: string,
  open: () => Promise<OpenedSignInCodeStore>,
): void {
  const { describe, it, expect, beforeEach, afterEach } = kit;
  describe(`SignInCodeStore contract: ${adapterName}`, () => {
    let opened: OpenedSignInCodeStore;
    let store: SignInCodeStore;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });

    afterEach(async () => {
      await opened.teardown();
    });

    it("hands a code's sealed token over once, then says when it was used and for whom", async () => {
      await store.put(entry("a"));
      expect(await store.take("a", T + 1000)).toEqual({ state: "taken", sealed: entry("a").sealed });
      expect(await store.take("a", T + 2000)).toEqual({
        state: "used",
        usedAt: T + 1000,
        subject: "subject of a",
      });
      expect(await store.take("a", T + 3000)).toEqual({
        state: "used",
        usedAt: T + 1000,
        subject: "subject of a",
      });
    });

    it("knows no id that was never put", async () => {
      expect(await store.take("never", T)).toEqual({ state: "unknown" });
      await store.put(entry("a"));
      expect(await store.take("A", T)).toEqual({ state: "unknown" });
    });

    it("keeps codes apart: taking one leaves the others as they were", async () => {
      await store.put(entry("a"));
      await store.put(entry("b", { subject: "someone else" }));
      await store.take("a", T + 1);
      expect(await store.take("b", T + 2)).toEqual({ state: "taken", sealed: entry("b").sealed });
      expect(await store.take("b", T + 3)).toMatchObject({ state: "used", subject: "someone else" });
      expect(await store.take("a", T + 4)).toMatchObject({ state: "used", usedAt: T + 1 });
    });

    it("opens nothing from the instant a code expires, used or not", async () => {
      await store.put(entry("unused", { expiresAt: T + 60_000 }));
      await store.put(entry("used", { expiresAt: T + 60_000 }));
      await store.take("used", T + 1);
      expect(await store.take("used", T + 59_999)).toMatchObject({ state: "used" });
      expect(await store.take("unused", T + 60_000)).toEqual({ state: "unknown" });
      expect(await store.take("used", T + 60_000)).toEqual({ state: "unknown" });
    });

    it("gives the sealed bytes back exactly, zeros and all", async () => {
      const sealed = Buffer.from(Array.from({ length: 256 }, (_, i) => (i * 37) % 256));
      await store.put(entry("bytes", { sealed }));
      const taken = await store.take("bytes", T + 1);
      expect(taken).toEqual({ state: "taken", sealed });
      expect(taken.state === "taken" && Buffer.isBuffer(taken.sealed)).toBe(true);
    });

    it("is not changed by what the caller does with the bytes afterwards", async () => {
      const sealed = Buffer.from("original bytes");
      await store.put(entry("a", { sealed }));
      sealed.fill(0);
      expect(await store.take("a", T + 1)).toEqual({ state: "taken", sealed: Buffer.from("original bytes") });
    });

    it("hands a code over to only one of two takes at once", async () => {
      for (let i = 0; i < 10; i++) {
        await store.put(entry(`c${i}`));
        const results = await Promise.all([store.take(`c${i}`, T + 1), store.take(`c${i}`, T + 1)]);
        expect(results.filter((r) => r.state === "taken")).toHaveLength(1);
        expect(results.filter((r) => r.state === "used")).toHaveLength(1);
      }
    });

    it("closes safely twice", async () => {
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
