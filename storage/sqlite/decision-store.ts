// The embedded DecisionStore: proposals, verdicts and watch flags as JSON documents in a
// SQLite file, with the columns a query filters on beside them. Triggers make verdicts and
// flags append-only and proposals immutable, whoever opens the file.
import type Database from "better-sqlite3";
import { canonicalJson } from "../../domain/canonical.ts";
import type { Proposal } from "../../model/proposal.ts";
import { currentShape, type Verdict } from "../../model/verdict.ts";
import {
  checkRecord,
  type DecisionStore,
  DecisionStoreError,
  type FlagRecord,
  type NewFlag,
  type NewVerdict,
  type StoredProposal,
  type VerdictRecord,
  type VerdictSource,
} from "../decision-store.ts";
import { openDatabase, sqliteOptionsSchema } from "./database.ts";

// Its own tables, created when missing, so the file may be the telemetry file or its own.
const SCHEMA = `
  CREATE TABLE IF NOT EXISTS proposals (
    seq INTEGER PRIMARY KEY AUTOINCREMENT,
    id TEXT NOT NULL UNIQUE,
    body TEXT NOT NULL CHECK (json_valid(body)),
    saved_at INTEGER NOT NULL
  );
  CREATE TABLE IF NOT EXISTS proposal_buildings (
    building TEXT NOT NULL,
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    PRIMARY KEY (building, proposal_id)
  ) WITHOUT ROWID;
  CREATE TABLE IF NOT EXISTS verdicts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    input_hash TEXT NOT NULL UNIQUE,
    source TEXT NOT NULL,
    decision TEXT NOT NULL,
    window_from TEXT NOT NULL,
    window_to TEXT NOT NULL,
    recorded_at INTEGER NOT NULL,
    body TEXT NOT NULL CHECK (json_valid(body))
  );
  CREATE INDEX IF NOT EXISTS verdicts_by_proposal ON verdicts (proposal_id, source, id);
  CREATE TABLE IF NOT EXISTS watch_flags (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    proposal_id TEXT NOT NULL REFERENCES proposals (id),
    approved_verdict_id INTEGER NOT NULL REFERENCES verdicts (id),
    verdict_id INTEGER NOT NULL REFERENCES verdicts (id),
    raised_at INTEGER NOT NULL,
    body TEXT NOT NULL CHECK (json_valid(body)),
    UNIQUE (approved_verdict_id, verdict_id)
  );
  CREATE INDEX IF NOT EXISTS watch_flags_by_proposal ON watch_flags (proposal_id, id);
  CREATE TRIGGER IF NOT EXISTS proposals_immutable BEFORE UPDATE ON proposals
    BEGIN SELECT RAISE(ABORT, 'proposals are immutable'); END;
  CREATE TRIGGER IF NOT EXISTS proposals_kept BEFORE DELETE ON proposals
    BEGIN SELECT RAISE(ABORT, 'proposals are kept'); END;
  CREATE TRIGGER IF NOT EXISTS verdicts_append_only BEFORE UPDATE ON verdicts
    BEGIN SELECT RAISE(ABORT, 'verdicts are append-only'); END;
  CREATE TRIGGER IF NOT EXISTS verdicts_kept BEFORE DELETE ON verdicts
    BEGIN SELECT RAISE(ABORT, 'verdicts are append-only'); END;
  CREATE TRIGGER IF NOT EXISTS watch_flags_append_only BEFORE UPDATE ON watch_flags
    BEGIN SELECT RAISE(ABORT, 'watch flags are append-only'); END;
  CREATE TRIGGER IF NOT EXISTS watch_flags_kept BEFORE DELETE ON watch_flags
    BEGIN SELECT RAISE(ABORT, 'watch flags are append-only'); END;
`;

interface ProposalRow {
  id: string;
  body: string;
  saved_at: number;
  buildings: string;
}

interface VerdictRow {
  id: number;
  proposal_id: string;
  source: VerdictSource;
  window_from: string;
  window_to: string;
  recorded_at: number;
  body: string;
}

interface FlagRow {
  id: number;
  proposal_id: string;
  approved_verdict_id: number;
  verdict_id: number;
  raised_at: number;
  body: string;
}

const PROPOSAL_COLUMNS = `p.id, p.body, p.saved_at,
  (SELECT json_group_array(building) FROM proposal_buildings b WHERE b.proposal_id = p.id) AS buildings`;
const VERDICT_COLUMNS = "id, proposal_id, source, window_from, window_to, recorded_at, body";
const FLAG_COLUMNS = "f.id, f.proposal_id, f.approved_verdict_id, f.verdict_id, f.raised_at, f.body";

function toProposal(row: ProposalRow): StoredProposal {
  return {
    proposal: JSON.parse(row.body) as Proposal,
    buildings: (JSON.parse(row.buildings) as string[]).sort(),
    savedAt: new Date(row.saved_at).toISOString(),
  };
}

function toVerdict(row: VerdictRow): VerdictRecord {
  return {
    id: row.id,
    proposalId: row.proposal_id,
    source: row.source,
    window: { from: row.window_from, to: row.window_to },
    recordedAt: new Date(row.recorded_at).toISOString(),
    verdict: currentShape(JSON.parse(row.body) as Verdict),
  };
}

function toFlag(row: FlagRow): FlagRecord {
  return {
    id: row.id,
    proposalId: row.proposal_id,
    approvedVerdictId: row.approved_verdict_id,
    verdictId: row.verdict_id,
    raisedAt: new Date(row.raised_at).toISOString(),
    flag: JSON.parse(row.body) as FlagRecord["flag"],
  };
}

export function createSqliteDecisionStore(options: { path: string }): DecisionStore {
  const parsed = sqliteOptionsSchema.safeParse(options);
  if (!parsed.success) {
    throw new DecisionStoreError(
      "decision_store_bad_config",
      'invalid SQLite decision store options; expected { path: "<file>" or ":memory:" }',
    );
  }
  const config = parsed.data;
  let db: Database.Database | undefined;

  const connected = (): Database.Database => {
    if (db === undefined) {
      throw new DecisionStoreError(
        "decision_store_not_connected",
        "the SQLite decision store is not connected; call connect() first",
      );
    }
    return db;
  };

  const verdictById = (d: Database.Database, id: number): VerdictRecord | undefined => {
    const row = d.prepare(`SELECT ${VERDICT_COLUMNS} FROM verdicts WHERE id = ?`).get(id) as
      | VerdictRow
      | undefined;
    return row && toVerdict(row);
  };

  return {
    async connect() {
      if (db !== undefined) return;
      const opened = openDatabase(config);
      try {
        opened.pragma("foreign_keys = ON");
        opened.exec(SCHEMA);
      } catch (error) {
        opened.close();
        throw error;
      }
      db = opened;
    },

    async close() {
      const d = db;
      db = undefined;
      d?.close();
    },

    async saveProposal(proposal) {
      const d = connected();
      const checked = checkRecord.proposal(proposal);
      const body = canonicalJson(checked);
      return d.transaction(() => {
        const existing = d.prepare("SELECT body FROM proposals WHERE id = ?").get(checked.id) as
          | { body: string }
          | undefined;
        if (existing) {
          if (existing.body !== body) {
            throw new DecisionStoreError(
              "proposal_conflict",
              `a different proposal with id ${checked.id} is already saved; proposals never change once saved (verdicts refer to them): give the new version another id`,
            );
          }
          return checked.id;
        }
        d.prepare("INSERT INTO proposals (id, body, saved_at) VALUES (?, ?, ?)").run(
          checked.id,
          body,
          Date.now(),
        );
        const link = d.prepare(
          "INSERT OR IGNORE INTO proposal_buildings (building, proposal_id) VALUES (?, ?)",
        );
        for (const b of checked.buildings) link.run(b, checked.id);
        return checked.id;
      })();
    },

    async getProposal(id) {
      const row = connected().prepare(`SELECT ${PROPOSAL_COLUMNS} FROM proposals p WHERE p.id = ?`).get(id) as
        | ProposalRow
        | undefined;
      return row && toProposal(row);
    },

    async listProposals(filter = {}) {
      const d = connected();
      const rows =
        filter.building === undefined
          ? d.prepare(`SELECT ${PROPOSAL_COLUMNS} FROM proposals p ORDER BY p.seq`).all()
          : d
              .prepare(
                `SELECT ${PROPOSAL_COLUMNS} FROM proposals p
                 WHERE p.id IN (SELECT proposal_id FROM proposal_buildings WHERE building = ?) ORDER BY p.seq`,
              )
              .all(filter.building);
      return (rows as ProposalRow[]).map(toProposal);
    },

    async appendVerdict(entry: NewVerdict) {
      const d = connected();
      const { verdict: v, source, window } = checkRecord.verdict(entry);
      return d.transaction(() => {
        if (!d.prepare("SELECT 1 FROM proposals WHERE id = ?").get(v.proposalId)) {
          throw new DecisionStoreError(
            "proposal_not_found",
            `no proposal ${v.proposalId} is saved; save the proposal before its verdicts`,
          );
        }
        const existing = d
          .prepare(`SELECT ${VERDICT_COLUMNS} FROM verdicts WHERE input_hash = ?`)
          .get(v.inputHash) as VerdictRow | undefined;
        if (existing) return { record: toVerdict(existing), created: false };
        const info = d
          .prepare(
            `INSERT INTO verdicts (proposal_id, input_hash, source, decision, window_from, window_to, recorded_at, body)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            v.proposalId,
            v.inputHash,
            source,
            v.decision,
            window.from,
            window.to,
            Date.now(),
            JSON.stringify(v),
          );
        return { record: verdictById(d, Number(info.lastInsertRowid))!, created: true };
      })();
    },

    async getVerdict(id) {
      return verdictById(connected(), id);
    },

    async listVerdicts(proposalId) {
      const rows = connected()
        .prepare(`SELECT ${VERDICT_COLUMNS} FROM verdicts WHERE proposal_id = ? ORDER BY id`)
        .all(proposalId) as VerdictRow[];
      return rows.map(toVerdict);
    },

    async latestVerdict(proposalId, source) {
      const d = connected();
      const row = (
        source === undefined
          ? d
              .prepare(
                `SELECT ${VERDICT_COLUMNS} FROM verdicts WHERE proposal_id = ? ORDER BY id DESC LIMIT 1`,
              )
              .get(proposalId)
          : d
              .prepare(
                `SELECT ${VERDICT_COLUMNS} FROM verdicts WHERE proposal_id = ? AND source = ? ORDER BY id DESC LIMIT 1`,
              )
              .get(proposalId, source)
      ) as VerdictRow | undefined;
      return row && toVerdict(row);
    },

    async recordFlag(entry: NewFlag) {
      const d = connected();
      const { flag } = checkRecord.flag(entry);
      return d.transaction(() => {
        const approved = verdictById(d, entry.approvedVerdictId);
        const current = verdictById(d, entry.verdictId);
        if (!approved || !current || approved.proposalId !== current.proposalId) {
          throw new DecisionStoreError(
            "verdict_not_found",
            `a flag needs two verdicts of one proposal; got verdicts ${entry.approvedVerdictId} and ${entry.verdictId}`,
          );
        }
        d.prepare(
          `INSERT OR IGNORE INTO watch_flags (proposal_id, approved_verdict_id, verdict_id, raised_at, body)
           VALUES (?, ?, ?, ?, ?)`,
        ).run(
          approved.proposalId,
          entry.approvedVerdictId,
          entry.verdictId,
          Date.now(),
          JSON.stringify(flag),
        );
        const row = d
          .prepare(
            `SELECT ${FLAG_COLUMNS} FROM watch_flags f WHERE approved_verdict_id = ? AND verdict_id = ?`,
          )
          .get(entry.approvedVerdictId, entry.verdictId) as FlagRow;
        return toFlag(row);
      })();
    },

    async listFlags(filter = {}) {
      const where: string[] = [];
      const params: Record<string, string> = {};
      if (filter.proposalId !== undefined) {
        where.push("f.proposal_id = @proposalId");
        params.proposalId = filter.proposalId;
      }
      if (filter.building !== undefined) {
        where.push(
          "f.proposal_id IN (SELECT proposal_id FROM proposal_buildings WHERE building = @building)",
        );
        params.building = filter.building;
      }
      const sql = `SELECT ${FLAG_COLUMNS} FROM watch_flags f ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY f.id DESC`;
      return (connected().prepare(sql).all(params) as FlagRow[]).map(toFlag);
    },
  };
}
