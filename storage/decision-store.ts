// The DecisionStore port: proposals put to housing boards, the guard's verdicts on them and
// the flags its watch raises. Verdicts and flags are records: written once, never changed.
// storage/contract/decision-store.contract.ts is its executable definition.
import { z } from "zod";
import { type CodeOf, errorFamily } from "../model/errors.ts";
import { type Proposal, proposalSchema } from "../model/proposal.ts";
import { type Verdict, verdictSchema } from "../model/verdict.ts";

/** Why a verdict was written: a board asked for it, or the watch re-ran an approved proposal. */
export const verdictSourceSchema = z.enum(["evaluation", "watch"]);

/** The local days [from, to) the evidence covered (`to` is the day after the last one). */
export const evidenceWindowSchema = z.object({ from: z.iso.date(), to: z.iso.date() }).strict();

/** A flag of the watch, as rules/watch.ts raises it. */
export const watchFlagSchema = z
  .object({
    code: z.enum(["benefit_below_cost", "evidence_lost"]),
    severity: z.enum(["confirmed", "suspected"]),
    proposalId: z.string(),
    benefitCentsPerYear: z.number(),
    tenantCentsPerYear: z.number(),
    message: z.object({ fr: z.string(), en: z.string() }).strict(),
  })
  .strict();

export type VerdictSource = z.infer<typeof verdictSourceSchema>;
export type EvidenceWindow = z.infer<typeof evidenceWindowSchema>;
export type StoredWatchFlag = z.infer<typeof watchFlagSchema>;

export interface StoredProposal {
  proposal: Proposal;
  /** The buildings it concerns (a scope check reads them). */
  buildings: string[];
  /** ISO instant of the first save. */
  savedAt: string;
}

export interface VerdictRecord {
  /** Increasing: a later record has a larger id. */
  id: number;
  proposalId: string;
  source: VerdictSource;
  window: EvidenceWindow;
  /** ISO instant the store wrote it. */
  recordedAt: string;
  verdict: Verdict;
}

export interface NewVerdict {
  verdict: Verdict;
  source: VerdictSource;
  window: EvidenceWindow;
}

export interface FlagRecord {
  id: number;
  proposalId: string;
  /** The approval being watched, and the re-evaluation that raised the flag. */
  approvedVerdictId: number;
  verdictId: number;
  raisedAt: string;
  flag: StoredWatchFlag;
}

export interface NewFlag {
  approvedVerdictId: number;
  verdictId: number;
  flag: StoredWatchFlag;
}

export type DecisionStoreErrorCode = CodeOf<"DecisionStoreError">;

export class DecisionStoreError extends errorFamily("DecisionStoreError") {}

/** What every adapter checks at its edge before it stores anything: the records as the model
 * defines them (`invalid_record` otherwise). */
export const checkRecord = {
  proposal: (proposal: Proposal): Proposal => parsed("proposal", proposalSchema.safeParse(proposal)),
  verdict: (entry: NewVerdict): NewVerdict => ({
    verdict: parsed("verdict", verdictSchema.safeParse(entry.verdict)),
    source: parsed("verdict source", verdictSourceSchema.safeParse(entry.source)),
    window: parsed("evidence window", evidenceWindowSchema.safeParse(entry.window)),
  }),
  flag: (entry: NewFlag): NewFlag => ({
    ...entry,
    flag: parsed("watch flag", watchFlagSchema.safeParse(entry.flag)),
  }),
};

function parsed<T>(what: string, result: z.ZodSafeParseResult<T>): T {
  if (result.success) return result.data;
  const detail = result.error.issues.map((i) => `${i.path.map(String).join(".") || "(root)"}: ${i.message}`);
  throw new DecisionStoreError("invalid_record", `not a valid ${what}: ${detail.join("; ")}`);
}

export interface DecisionStore {
  /** Opens the database and creates the tables when missing. Safe to call once. */
  connect(): Promise<void>;
  /** Releases everything. Safe twice and without connect. */
  close(): Promise<void>;

  /** Validates and saves a proposal; returns its id. Saving the same content again is a no-op;
   * another content under an existing id is refused (`proposal_conflict`): proposals are
   * immutable because verdicts refer to them. */
  saveProposal(proposal: Proposal): Promise<string>;
  getProposal(id: string): Promise<StoredProposal | undefined>;
  /** Oldest first; with `building`, only proposals concerning it. */
  listProposals(filter?: { building?: string }): Promise<StoredProposal[]>;

  /** Appends a verdict on a saved proposal (`proposal_not_found` otherwise). Append-only: the
   * verdict's input hash is unique; a verdict with inputs already decided is not written again
   * and the existing record comes back with `created: false`. Durable when it resolves. */
  appendVerdict(entry: NewVerdict): Promise<{ record: VerdictRecord; created: boolean }>;
  getVerdict(id: number): Promise<VerdictRecord | undefined>;
  /** Oldest first. */
  listVerdicts(proposalId: string): Promise<VerdictRecord[]>;
  /** The newest verdict of a proposal, of one source when given. */
  latestVerdict(proposalId: string, source?: VerdictSource): Promise<VerdictRecord | undefined>;

  /** Records a watch flag (`verdict_not_found` when either verdict is unknown). One flag per
   * (approval, re-evaluation): recording it twice returns the first. */
  recordFlag(entry: NewFlag): Promise<FlagRecord>;
  /** Newest first; by proposal or by building. */
  listFlags(filter?: { proposalId?: string; building?: string }): Promise<FlagRecord[]>;
}
