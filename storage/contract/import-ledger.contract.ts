// The executable definition of the ImportLedger port: every adapter's test file calls
// importLedgerContract() and passes it unchanged.
import type { ImportCounts, ImportLedger, ImportRecord, RefusedRow } from "../import-ledger.ts";
import type { TestKit } from "./test-kit.ts";

export interface OpenedImportLedger {
  store: ImportLedger;
  teardown(): Promise<void>;
}

const T = Date.parse("2026-01-12T08:00:00Z");

const counts = (over: Partial<ImportCounts> = {}): ImportCounts => ({
  rows: 0,
  stored: 0,
  refused: 0,
  duplicates: 0,
  skipped: {},
  ...over,
});

const started = (over: Partial<Omit<ImportRecord, "id">> = {}): Omit<ImportRecord, "id"> => ({
  identity: "identity-1",
  name: "releves-2025.csv",
  format: "wide",
  by: "manager-1",
  startedAt: T,
  state: "running",
  line: 0,
  counts: counts(),
  ...over,
});

const row = (line: number, column = "", over: Partial<RefusedRow> = {}): RefusedRow => ({
  line,
  column,
  reason: "bad_number",
  detail: `line ${line}: "douze" is not a number`,
  row: `M-${line};douze`,
  ...over,
});

export function importLedgerContract(
  kit: TestKit,
  adapterName: string,
  open: () => Promise<OpenedImportLedger>,
): void {
  const { describe, it, expect, beforeEach, afterEach } = kit;
  describe(`ImportLedger contract: ${adapterName}`, () => {
    let opened: OpenedImportLedger;
    let ledger: ImportLedger;

    beforeEach(async () => {
      opened = await open();
      ledger = opened.store;
    });

    afterEach(async () => {
      await opened.teardown();
    });

    it("knows nothing when empty", async () => {
      expect(await ledger.get(1)).toBeUndefined();
      expect(await ledger.list(10)).toEqual([]);
      expect(await ledger.unfinished("identity-1")).toBeUndefined();
      expect(await ledger.doneWithContent("0".repeat(64))).toBeUndefined();
      expect(await ledger.refused(1, undefined, 10)).toEqual([]);
    });

    it("begins an import and gives it back whole, with or without a scope", async () => {
      const scoped = started({
        scope: ["tilleuls-a", "tilleuls-b"],
        counts: counts({ rows: 3, skipped: { "empty cells": 2 }, firstT: T - 1000, lastT: T }),
      });
      const a = await ledger.begin(scoped);
      expect(a).toEqual({ ...scoped, id: a.id });
      expect(await ledger.get(a.id)).toEqual(a);
      const b = await ledger.begin(started({ identity: "identity-2", format: "meteo-france-daily" }));
      expect(b.id).toBeGreaterThan(a.id);
      const got = await ledger.get(b.id);
      expect(got).toEqual(b);
      expect(got!.scope).toBeUndefined();
      expect(got!.finishedAt).toBeUndefined();
      expect(got!.sha256).toBeUndefined();
      expect(got!.error).toBeUndefined();
    });

    it("is not changed by what the caller does with a record afterwards", async () => {
      const given = started({ scope: ["b1"], counts: counts({ skipped: { "other stations": 1 } }) });
      const record = await ledger.begin(given);
      given.scope!.push("b2");
      given.counts.skipped.x = 9;
      record.counts.rows = 99;
      expect(await ledger.get(record.id)).toEqual({
        ...started({ scope: ["b1"], counts: counts({ skipped: { "other stations": 1 } }) }),
        id: record.id,
      });
    });

    it("moves the checkpoint and the counts, and keeps the refused rows in line and column order", async () => {
      const { id } = await ledger.begin(started());
      const first = [row(7, "02/01/2025"), row(3), row(7, "01/01/2025")];
      await ledger.checkpoint(id, 10, counts({ rows: 9, stored: 6, refused: 3 }), first);
      expect(await ledger.get(id)).toMatchObject({
        line: 10,
        counts: counts({ rows: 9, stored: 6, refused: 3 }),
      });
      const later = counts({ rows: 20, stored: 15, refused: 4, duplicates: 1, firstT: T, lastT: T + 1 });
      await ledger.checkpoint(id, 21, later, [row(12, "", { reason: "store_rejected", detail: "x" })]);
      await ledger.checkpoint(id, 22, later, []);
      expect(await ledger.get(id)).toMatchObject({ line: 22, counts: later });
      expect(await ledger.refused(id, undefined, 10)).toEqual([
        row(3),
        row(7, "01/01/2025"),
        row(7, "02/01/2025"),
        row(12, "", { reason: "store_rejected", detail: "x" }),
      ]);
    });

    it("pages refused rows after a given row, at most `limit` at a time", async () => {
      const { id } = await ledger.begin(started());
      const rows = [row(2), row(5, "a"), row(5, "b"), row(5, "c"), row(9)];
      await ledger.checkpoint(id, 10, counts({ refused: 5 }), rows);
      const page1 = await ledger.refused(id, undefined, 2);
      expect(page1).toEqual([row(2), row(5, "a")]);
      const page2 = await ledger.refused(id, page1[1]!, 2);
      expect(page2).toEqual([row(5, "b"), row(5, "c")]);
      expect(await ledger.refused(id, page2[1]!, 2)).toEqual([row(9)]);
      expect(await ledger.refused(id, row(9), 2)).toEqual([]);
      expect(await ledger.refused(id, { line: 5, column: "" }, 10)).toEqual([
        row(5, "a"),
        row(5, "b"),
        row(5, "c"),
        row(9),
      ]);
    });

    it("records a refused row once per line and column: a resumed import reading it again adds nothing", async () => {
      const { id } = await ledger.begin(started());
      await ledger.checkpoint(id, 5, counts({ refused: 2 }), [row(4), row(4, "c1")]);
      await ledger.checkpoint(id, 5, counts({ refused: 2 }), [
        row(4, "", { detail: "read again" }),
        row(4, "c1"),
      ]);
      expect(await ledger.refused(id, undefined, 10)).toEqual([row(4), row(4, "c1")]);
    });

    it("keeps the refused rows of two imports apart", async () => {
      const a = await ledger.begin(started());
      const b = await ledger.begin(started({ identity: "identity-2" }));
      await ledger.checkpoint(a.id, 5, counts({ refused: 1 }), [row(4)]);
      await ledger.checkpoint(b.id, 5, counts({ refused: 1 }), [row(4, "", { detail: "b's" })]);
      expect(await ledger.refused(a.id, undefined, 10)).toEqual([row(4)]);
      expect(await ledger.refused(b.id, undefined, 10)).toEqual([row(4, "", { detail: "b's" })]);
    });

    it("finishes an import, and finds the first one done with a content", async () => {
      const sha256 = "ab".repeat(32);
      const a = await ledger.begin(started());
      await ledger.finish(a.id, { state: "done", sha256, at: T + 5000 });
      expect(await ledger.get(a.id)).toEqual({ ...a, state: "done", sha256, finishedAt: T + 5000 });
      const b = await ledger.begin(started({ identity: "identity-2", startedAt: T + 6000 }));
      await ledger.finish(b.id, { state: "done", sha256, at: T + 7000 });
      expect((await ledger.doneWithContent(sha256))?.id).toBe(a.id);
      expect(await ledger.doneWithContent("cd".repeat(32))).toBeUndefined();
      expect(await ledger.unfinished("identity-1")).toBeUndefined();
    });

    it("finds the unfinished import of an identity, interrupted or running, and resumes it", async () => {
      const sha256 = "ef".repeat(32);
      const done = await ledger.begin(started());
      await ledger.finish(done.id, { state: "done", sha256, at: T + 1 });
      const broken = await ledger.begin(started({ startedAt: T + 2 }));
      await ledger.finish(broken.id, { state: "interrupted", error: "the store went away", at: T + 3 });
      await ledger.begin(started({ identity: "identity-2" }));
      const interrupted = await ledger.unfinished("identity-1");
      expect(interrupted).toMatchObject({
        id: broken.id,
        state: "interrupted",
        error: "the store went away",
      });
      // An interrupted import is not one done with its content.
      expect((await ledger.doneWithContent(sha256))?.id).toBe(done.id);
      await ledger.resume(broken.id);
      const resumed = await ledger.get(broken.id);
      expect(resumed).toMatchObject({ id: broken.id, state: "running" });
      expect(resumed!.error).toBeUndefined();
      expect((await ledger.unfinished("identity-1"))?.id).toBe(broken.id);
    });

    it("gives the newest unfinished import of an identity", async () => {
      await ledger.begin(started());
      const newer = await ledger.begin(started({ startedAt: T + 1 }));
      expect((await ledger.unfinished("identity-1"))?.id).toBe(newer.id);
    });

    it("lists the latest imports first, at most `limit`, of one importer when asked", async () => {
      const ids: number[] = [];
      for (const by of ["manager-1", "manager-2", "manager-1", "admin", "manager-1"])
        ids.push((await ledger.begin(started({ by, identity: `${by}-${ids.length}` }))).id);
      expect((await ledger.list(10)).map((r) => r.id)).toEqual([...ids].reverse());
      expect((await ledger.list(2)).map((r) => r.id)).toEqual([ids[4], ids[3]]);
      expect((await ledger.list(10, "manager-1")).map((r) => r.id)).toEqual([ids[4], ids[2], ids[0]]);
      expect((await ledger.list(1, "manager-1")).map((r) => r.id)).toEqual([ids[4]]);
      expect(await ledger.list(10, "nobody")).toEqual([]);
      expect((await ledger.list(10))[0]).toEqual(await ledger.get(ids[4]!));
    });

    it("round-trips names, columns, details and rows with quotes, newlines and non-ASCII exactly", async () => {
      const odd = started({
        name: "relevés \"hiver\" 'A'; DROP TABLE imports; --.csv",
        by: "Zoé 漢字 🔥",
        counts: counts({ skipped: { "cellules vides « é »": 1 } }),
      });
      const { id } = await ledger.begin(odd);
      const refused = row(2, 'colonne ; "é"', { detail: "ligne 1\nligne 2\t\\", row: 'a;"b\nc";é😀' });
      expect(await ledger.get(id)).toMatchObject({ name: odd.name, by: odd.by, counts: odd.counts });
      const later = counts({ refused: 1, skipped: { "lignes « d'autres stations »": 2 } });
      await ledger.checkpoint(id, 3, later, [refused]);
      expect((await ledger.get(id))?.counts).toEqual(later);
      expect(await ledger.refused(id, undefined, 5)).toEqual([refused]);
    });

    it("closes safely twice", async () => {
      await ledger.close();
      await expect(ledger.close()).resolves.toBeUndefined();
    });
  });
}
