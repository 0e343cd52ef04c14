// Runs the DecisionStore contract against the SQLite adapter on temporary files, plus what only
// this adapter promises: records survive reopening, the file refuses updates whoever asks,
// and it can share a file with the telemetry store.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { DEFAULT_POLICY } from "../../model/policy.ts";
import { proposalSchema } from "../../model/proposal.ts";
import { evaluateProposal } from "../../rules/evaluate.ts";
import { vitestKit } from "../../test/support/contract-kit.ts";
import { decisionStoreContract } from "../contract/decision-store.contract.ts";
import { createSqliteDecisionStore } from "./decision-store.ts";
import { createSqliteTelemetryStore } from "./telemetry-store.ts";

const folder = mkdtempSync(join(tmpdir(), "sqlite-decisions-"));
let files = 0;
const freshPath = () => join(folder, `decisions-${files++}.db`);
afterAll(() => rmSync(folder, { recursive: true, force: true }));

decisionStoreContract(vitestKit, "sqlite (file)", async () => {
  const store = createSqliteDecisionStore({ path: freshPath() });
  await store.connect();
  return { store, teardown: () => store.close() };
});

const proposal = proposalSchema.parse(
  parse(
    readFileSync(
      join(import.meta.dirname, "..", "..", "examples", "proposals", "voice-assistant.yaml"),
      "utf8",
    ),
  ),
);
const verdict = evaluateProposal(
  proposal,
  { days: [], outdoor: [], series: [] },
  DEFAULT_POLICY,
  [{ quantity: "electricity", from: "2025-02-01", pricePerUnit: "0.2016" }],
  new Date("2026-03-01T00:00:00Z"),
);
const window = { from: "2025-01-01", to: "2026-03-01" };

describe("SQLite decision store", () => {
  it("keeps proposals and verdicts across reopen, in a file shared with the telemetry store", async () => {
    const path = freshPath();
    const telemetry = createSqliteTelemetryStore({ path });
    await telemetry.connect();
    const first = createSqliteDecisionStore({ path });
    await first.connect();
    await first.saveProposal(proposal);
    const { record } = await first.appendVerdict({ verdict, source: "evaluation", window });
    await first.close();
    const second = createSqliteDecisionStore({ path });
    await second.connect();
    expect(await second.getVerdict(record.id)).toEqual(record);
    expect((await second.listProposals()).map((p) => p.proposal.id)).toEqual([proposal.id]);
    await second.close();
    await telemetry.ping();
    await telemetry.close();
  });

  it("refuses an UPDATE or DELETE of a verdict even in raw SQL", async () => {
    const path = freshPath();
    const store = createSqliteDecisionStore({ path });
    await store.connect();
    await store.saveProposal(proposal);
    const { record } = await store.appendVerdict({ verdict, source: "evaluation", window });
    await store.close();
    const db = new Database(path);
    expect(() => db.prepare("UPDATE verdicts SET decision = 'approve' WHERE id = ?").run(record.id)).toThrow(
      /append-only/,
    );
    expect(() => db.prepare("DELETE FROM verdicts").run()).toThrow(/append-only/);
    expect(() => db.prepare("UPDATE proposals SET body = '{}'").run()).toThrow(/immutable/);
    db.close();
  });

  it("reads a verdict written by guard 1.0.0 in today's shape", async () => {
    const path = freshPath();
    const store = createSqliteDecisionStore({ path });
    await store.connect();
    await store.saveProposal(proposal);
    await store.appendVerdict({ verdict, source: "evaluation", window });
    await store.close();
    // 1.0.0's toSettle had two fields only.
    const db = new Database(path);
    db.prepare(
      `INSERT INTO verdicts (proposal_id, input_hash, source, decision, window_from, window_to, recorded_at, body)
       SELECT proposal_id, 'old-hash', source, decision, window_from, window_to, recorded_at,
              json_set(body, '$.toSettle', json('{"moreDwellingsPerArm":3,"moreMonths":null}'), '$.guardVersion', '1.0.0')
       FROM verdicts`,
    ).run();
    db.close();
    const reopened = createSqliteDecisionStore({ path });
    await reopened.connect();
    const records = await reopened.listVerdicts(proposal.id);
    const old = records.find((r) => r.verdict.guardVersion === "1.0.0")!;
    expect(old.verdict.toSettle).toEqual({
      moreDwellingsPerArm: 3,
      moreMonths: null,
      moreMeters: null,
      controlGroup: false,
    });
    await reopened.close();
  });

  it("validates its options at creation, closes safely without connect and refuses use before it", async () => {
    expect(() => createSqliteDecisionStore({ path: "" })).toThrow(/expected \{ path/);
    const store = createSqliteDecisionStore({ path: freshPath() });
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.listProposals()).rejects.toMatchObject({ code: "decision_store_not_connected" });
    await store.connect();
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
  });
});
