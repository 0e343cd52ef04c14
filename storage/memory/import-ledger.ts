// The ImportLedger in memory: imports by increasing id, and each import's refused rows under
// their line and column, so a row read again by a resumed import is recorded once.
import type { ImportLedger, ImportRecord, RefusedRow } from "../import-ledger.ts";
import { lifecycle } from "./lifecycle.ts";

/** Orders refused rows by line, then column. */
function compareRows(a: Pick<RefusedRow, "line" | "column">, b: Pick<RefusedRow, "line" | "column">): number {
  if (a.line !== b.line) return a.line - b.line;
  return a.column < b.column ? -1 : a.column > b.column ? 1 : 0;
}

export function createMemoryImportLedger(): ImportLedger {
  const { connect, close, check } = lifecycle("import ledger");
  /** Id → record, in increasing id (a Map keeps insertion order). */
  const imports = new Map<number, ImportRecord>();
  /** Id → "line column" → row. */
  const refusals = new Map<number, Map<string, RefusedRow>>();
  let lastId = 0;

  /** The stored record, which callers never hold: they get copies. */
  const stored = (id: number): ImportRecord | undefined => imports.get(id);
  const copy = (r: ImportRecord | undefined) => (r === undefined ? undefined : structuredClone(r));
  const oldestFirst = () => [...imports.values()];

  return {
    connect,
    close,

    async unfinished(identity) {
      check();
      return copy(oldestFirst().findLast((r) => r.identity === identity && r.state !== "done"));
    },

    async doneWithContent(sha256) {
      check();
      return copy(oldestFirst().find((r) => r.sha256 === sha256 && r.state === "done"));
    },

    async begin(record) {
      check();
      const id = ++lastId;
      imports.set(id, { ...structuredClone(record), id });
      refusals.set(id, new Map());
      return copy(imports.get(id))!;
    },

    async resume(id) {
      check();
      const r = stored(id);
      if (r === undefined) return;
      r.state = "running";
      delete r.error;
    },

    async checkpoint(id, line, counts, refused) {
      check();
      const r = stored(id);
      if (r === undefined) return;
      const rows = refusals.get(id)!;
      for (const row of refused) {
        const key = `${row.line} ${row.column}`;
        if (!rows.has(key)) rows.set(key, { ...row });
      }
      r.line = line;
      r.counts = structuredClone(counts);
    },

    async finish(id, outcome) {
      check();
      const r = stored(id);
      if (r === undefined) return;
      r.state = outcome.state;
      r.finishedAt = outcome.at;
      if (outcome.sha256 === undefined) delete r.sha256;
      else r.sha256 = outcome.sha256;
      if (outcome.error === undefined) delete r.error;
      else r.error = outcome.error;
    },

    async get(id) {
      check();
      return copy(stored(id));
    },

    async list(limit, by) {
      check();
      return oldestFirst()
        .reverse()
        .filter((r) => by === undefined || r.by === by)
        .slice(0, limit)
        .map((r) => structuredClone(r));
    },

    async refused(id, after, limit) {
      check();
      return [...(refusals.get(id)?.values() ?? [])]
        .filter((row) => after === undefined || compareRows(row, after) > 0)
        .sort(compareRows)
        .slice(0, limit)
        .map((row) => ({ ...row }));
    },
  };
}
