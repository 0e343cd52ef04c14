// The executable definition of the DeadLetterStore port: every adapter's test file calls
// deadLetterStoreContract() and passes it unchanged.
import type { DeadLetter } from "../../model/dead-letter.ts";
import type { DeadLetterStore } from "../dead-letter-store.ts";
import type { TestKit } from "./test-kit.ts";

export interface OpenedDeadLetterStore {
  store: DeadLetterStore;
  teardown(): Promise<void>;
}

const t0 = Date.parse("2024-05-02T08:00:00Z");

function letter(i: number, over: Partial<DeadLetter> = {}): DeadLetter {
  return {
    receivedAt: t0 + i * 1000,
    topic: `telemetry/b1/d${i}/s1`,
    reason: "malformed_payload",
    detail: `payload ${i} is not JSON`,
    payload: `{"v": ${i}`,
    building: "b1",
    ...over,
  };
}

export function deadLetterStoreContract(
  kit: TestKit,
  adapterName: string,
  open: () => Promise<OpenedDeadLetterStore>,
): void {
  const { describe, it, expect, beforeEach, afterEach } = kit;
  describe(`DeadLetterStore contract: ${adapterName}`, () => {
    let opened: OpenedDeadLetterStore;
    let store: DeadLetterStore;

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });

    afterEach(async () => {
      await opened.teardown();
    });

    it("lists nothing and counts nothing when empty, and accepts an empty record", async () => {
      await store.record([]);
      expect(await store.list({ limit: 10 })).toEqual([]);
      expect(await store.countByReason()).toEqual({});
    });

    it("lists newest first with increasing ids, every field intact", async () => {
      const letters = [letter(1), letter(2, { reason: "unknown_sensor" }), letter(3)];
      await store.record(letters.slice(0, 2));
      await store.record(letters.slice(2));
      const listed = await store.list({ limit: 10 });
      expect(listed.map(({ id: _id, ...rest }) => rest)).toEqual([letters[2], letters[1], letters[0]]);
      const ids = listed.map((l) => l.id);
      expect(ids[0]!).toBeGreaterThan(ids[1]!);
      expect(ids[1]!).toBeGreaterThan(ids[2]!);
    });

    it("orders by arrival in the store, not by receivedAt", async () => {
      await store.record([letter(5), letter(1)]);
      expect((await store.list({ limit: 10 })).map((l) => l.receivedAt)).toEqual([t0 + 1000, t0 + 5000]);
    });

    it("keeps a letter without building, and never returns it for a building filter", async () => {
      const anonymous = letter(1, { topic: "garbage", reason: "malformed_topic" });
      delete anonymous.building;
      await store.record([anonymous, letter(2)]);
      const listed = await store.list({ limit: 10 });
      expect(listed[1]).toEqual({ ...anonymous, id: listed[1]!.id });
      expect(listed[1]!.building).toBeUndefined();
      expect((await store.list({ building: "b1", limit: 10 })).map((l) => l.topic)).toEqual([
        letter(2).topic,
      ]);
    });

    it("pages backwards with `before` and `limit`", async () => {
      await store.record([1, 2, 3, 4, 5].map((i) => letter(i)));
      const first = await store.list({ limit: 2 });
      expect(first.map((l) => l.receivedAt)).toEqual([t0 + 5000, t0 + 4000]);
      const second = await store.list({ limit: 2, before: first[1]!.id });
      expect(second.map((l) => l.receivedAt)).toEqual([t0 + 3000, t0 + 2000]);
      const third = await store.list({ limit: 2, before: second[1]!.id });
      expect(third.map((l) => l.receivedAt)).toEqual([t0 + 1000]);
      expect(await store.list({ limit: 2, before: third[0]!.id })).toEqual([]);
    });

    it("filters by building and by reason, together or apart", async () => {
      await store.record([
        letter(1),
        letter(2, { building: "b2", reason: "out_of_range" }),
        letter(3, { reason: "out_of_range" }),
        letter(4, { building: "b2" }),
        letter(5, { building: "b1 " }),
      ]);
      const at = (ls: { receivedAt: number }[]) => ls.map((l) => (l.receivedAt - t0) / 1000);
      expect(at(await store.list({ building: "b1", limit: 10 }))).toEqual([3, 1]);
      expect(at(await store.list({ reason: "out_of_range", limit: 10 }))).toEqual([3, 2]);
      expect(at(await store.list({ building: "b2", reason: "malformed_payload", limit: 10 }))).toEqual([4]);
      expect(at(await store.list({ building: "b3", limit: 10 }))).toEqual([]);
    });

    it("counts by reason, overall and for one building, leaving out reasons with none", async () => {
      await store.record([
        letter(1),
        letter(2, { building: "b2", reason: "out_of_range" }),
        letter(3, { reason: "out_of_range" }),
        letter(4, { building: "b2" }),
        letter(5, { reason: "rate_limited" }),
        letter(6),
      ]);
      expect(await store.countByReason()).toEqual({ malformed_payload: 3, out_of_range: 2, rate_limited: 1 });
      expect(await store.countByReason({ building: "b2" })).toEqual({
        malformed_payload: 1,
        out_of_range: 1,
      });
      expect(await store.countByReason({ building: "nowhere" })).toEqual({});
    });

    it("round-trips payloads, details and topics with newlines, quotes and non-ASCII exactly", async () => {
      const odd = letter(1, {
        topic: "telemetry/bâtiment 'A'/d\"1/漢",
        detail: "line one\nline two\r\n\ttabbed \"quoted\" 'single' \\ backslash",
        payload: '{"v": "é😀\uFFFD"}\n\n\' OR 1=1 --; DROP TABLE dead_letters;',
        building: "bâtiment 'A', \"nord\"",
      });
      await store.record([odd]);
      const [got] = await store.list({ building: odd.building!, limit: 1 });
      expect(got).toEqual({ ...odd, id: got!.id });
      expect(await store.countByReason({ building: odd.building! })).toEqual({ malformed_payload: 1 });
    });

    it("stores a letter recorded again once (a replay), and keeps letters that differ in any field", async () => {
      const batch = [letter(1), letter(2), letter(2, { detail: "record 2 of 2: out of range" })];
      await store.record(batch);
      await store.record(batch);
      await store.record([letter(2), letter(3)]);
      await store.record([letter(1, { receivedAt: t0 + 1001 }), letter(1, { building: "b2" })]);
      const listed = await store.list({ limit: 20 });
      expect(listed).toHaveLength(6);
      expect(await store.countByReason()).toEqual({ malformed_payload: 6 });
      expect(new Set(listed.map((l) => l.id)).size).toBe(6);
    });

    it("keeps letters alike in every field apart when their keys differ (two identical bad messages)", async () => {
      await store.record([letter(7, { key: "k1" }), letter(7, { key: "k2" })]);
      await store.record([letter(7, { key: "k1" })]);
      const listed = await store.list({ limit: 10 });
      expect(listed).toHaveLength(2);
      expect(listed.map(({ id: _id, ...rest }) => rest)).toEqual([letter(7), letter(7)]);
    });

    it("prunes the letters received before a cutoff, and only those", async () => {
      await store.record([letter(1), letter(2), letter(3)]);
      expect(await store.pruneReceivedBefore(t0 + 2000)).toBe(1);
      expect((await store.list({ limit: 10 })).map((l) => l.receivedAt)).toEqual([t0 + 3000, t0 + 2000]);
    });

    it("closes safely twice", async () => {
      await store.close();
      await expect(store.close()).resolves.toBeUndefined();
    });
  });
}
