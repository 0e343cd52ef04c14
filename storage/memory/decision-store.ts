// The DecisionStore in memory: proposals, verdicts and flags kept as the JSON a real store would
// write, and parsed again on every read, so what a caller does with an object it gave or got
// never changes a record. Verdicts and flags are only ever appended.
import { canonicalJson } from "../../domain/canonical.ts";
import type { Proposal } from "../../model/proposal.ts";
import { currentShape, type Verdict } from "../../model/verdict.ts";
import {
  checkRecord,
  type DecisionStore,
  DecisionStoreError,
  type FlagRecord,
  type StoredProposal,
  type VerdictRecord,
} from "../decision-store.ts";
import { lifecycle } from "./lifecycle.ts";

interface SavedProposal {
  id: string;
  /** Canonical JSON: the same content always has the same text. */
  body: string;
  buildings: string[];
  savedAt: number;
}

interface AppendedVerdict extends Omit<VerdictRecord, "verdict" | "recordedAt"> {
  body: string;
  inputHash: string;
  recordedAt: number;
}

interface RaisedFlag extends Omit<FlagRecord, "flag" | "raisedAt"> {
  body: string;
  raisedAt: number;
}

const proposalOf = (p: SavedProposal): StoredProposal => ({
  proposal: JSON.parse(p.body) as Proposal,
  buildings: [...p.buildings],
  savedAt: new Date(p.savedAt).toISOString(),
});

const verdictOf = (v: AppendedVerdict): VerdictRecord => ({
  id: v.id,
  proposalId: v.proposalId,
  source: v.source,
  window: { ...v.window },
  recordedAt: new Date(v.recordedAt).toISOString(),
  verdict: currentShape(JSON.parse(v.body) as Verdict),
});

const flagOf = (f: RaisedFlag): FlagRecord => ({
  id: f.id,
  proposalId: f.proposalId,
  approvedVerdictId: f.approvedVerdictId,
  verdictId: f.verdictId,
  raisedAt: new Date(f.raisedAt).toISOString(),
  flag: JSON.parse(f.body) as FlagRecord["flag"],
});

export function createMemoryDecisionStore(): DecisionStore {
  const { connect, close, check } = lifecycle(
    "decision store",
    () =>
      new DecisionStoreError(
        "decision_store_not_connected",
        "the memory decision store is not connected; call connect() first",
      ),
  );
  /** In the order saved, appended and raised (a Map keeps insertion order). */
  const proposals = new Map<string, SavedProposal>();
  const verdicts = new Map<number, AppendedVerdict>();
  const flags = new Map<number, RaisedFlag>();

  const concerns = (proposalId: string, building: string) =>
    proposals.get(proposalId)?.buildings.includes(building) ?? false;

  return {
    connect,
    close,

    async saveProposal(proposal) {
      check();
      const checked = checkRecord.proposal(proposal);
      const { id, buildings } = checked;
      const body = canonicalJson(checked);
      const existing = proposals.get(id);
      if (existing !== undefined) {
        if (existing.body !== body) {
          throw new DecisionStoreError(
            "proposal_conflict",
            `a different proposal with id ${id} is already saved; proposals never change once saved (verdicts refer to them): give the new version another id`,
          );
        }
        return id;
      }
      proposals.set(id, { id, body, buildings: [...new Set(buildings)].sort(), savedAt: Date.now() });
      return id;
    },

    async getProposal(id) {
      check();
      const p = proposals.get(id);
      return p && proposalOf(p);
    },

    async listProposals(filter = {}) {
      check();
      const { building } = filter;
      return [...proposals.values()]
        .filter((p) => building === undefined || p.buildings.includes(building))
        .map(proposalOf);
    },

    async appendVerdict(entry) {
      check();
      const { verdict: v, source, window } = checkRecord.verdict(entry);
      if (!proposals.has(v.proposalId)) {
        throw new DecisionStoreError(
          "proposal_not_found",
          `no proposal ${v.proposalId} is saved; save the proposal before its verdicts`,
        );
      }
      const decided = [...verdicts.values()].find((r) => r.inputHash === v.inputHash);
      if (decided !== undefined) return { record: verdictOf(decided), created: false };
      const appended: AppendedVerdict = {
        id: verdicts.size + 1,
        proposalId: v.proposalId,
        source: source,
        window: window,
        recordedAt: Date.now(),
        inputHash: v.inputHash,
        body: JSON.stringify(v),
      };
      verdicts.set(appended.id, appended);
      return { record: verdictOf(appended), created: true };
    },

    async getVerdict(id) {
      check();
      const v = verdicts.get(id);
      return v && verdictOf(v);
    },

    async listVerdicts(proposalId) {
      check();
      return [...verdicts.values()].filter((v) => v.proposalId === proposalId).map(verdictOf);
    },

    async latestVerdict(proposalId, source) {
      check();
      const latest = [...verdicts.values()].findLast(
        (v) => v.proposalId === proposalId && (source === undefined || v.source === source),
      );
      return latest && verdictOf(latest);
    },

    async recordFlag(entry) {
      check();
      const { flag } = checkRecord.flag(entry);
      const approved = verdicts.get(entry.approvedVerdictId);
      const current = verdicts.get(entry.verdictId);
      if (!approved || !current || approved.proposalId !== current.proposalId) {
        throw new DecisionStoreError(
          "verdict_not_found",
          `a flag needs two verdicts of one proposal; got verdicts ${entry.approvedVerdictId} and ${entry.verdictId}`,
        );
      }
      const raised = [...flags.values()].find(
        (f) => f.approvedVerdictId === entry.approvedVerdictId && f.verdictId === entry.verdictId,
      );
      if (raised !== undefined) return flagOf(raised);
      const added: RaisedFlag = {
        id: flags.size + 1,
        proposalId: approved.proposalId,
        approvedVerdictId: entry.approvedVerdictId,
        verdictId: entry.verdictId,
        raisedAt: Date.now(),
        body: JSON.stringify(flag),
      };
      flags.set(added.id, added);
      return flagOf(added);
    },

    async listFlags(filter = {}) {
      check();
      const { proposalId, building } = filter;
      return [...flags.values()]
        .filter((f) => proposalId === undefined || f.proposalId === proposalId)
        .filter((f) => building === undefined || concerns(f.proposalId, building))
        .reverse()
        .map(flagOf);
    },
  };
}
