// The guard service: joins stored telemetry, the site and the decision store to the pure rules.
// It evaluates a proposal on the evidence of a window of local days (in the site's time zone)
// and appends the verdict.
import type { Logger } from "pino";
import { DEFAULT_POLICY, type Policy } from "../model/policy.ts";
import type { Proposal } from "../model/proposal.ts";
import type { SiteRegistry } from "../model/registry.ts";
import { DEFAULT_TIME_ZONE, localIsoDate } from "../model/time-zone.ts";
import type { Verdict } from "../model/verdict.ts";
import { evaluateProposal } from "../rules/evaluate.ts";
import type { Evidence } from "../rules/evidence.ts";
import { checkRecord, type DecisionStore, type VerdictRecord } from "../storage/decision-store.ts";
import type { TelemetryStore } from "../storage/telemetry-store.ts";
import { GuardServiceError } from "./errors.ts";
import { type EvidenceWindow, gatherEvidence } from "./evidence.ts";

export interface GuardDeps {
  telemetry: TelemetryStore;
  registry: SiteRegistry;
  decisions: DecisionStore;
  logger: Logger;
  /** The site's policy; DEFAULT_POLICY when omitted. */
  policy?: Policy;
  /** Tests fix the time; defaults to the system clock. */
  clock?: () => Date;
}

export interface AssessOptions {
  /** Local days [from, to); defaults to defaultWindow(). */
  window?: Partial<EvidenceWindow>;
  now?: Date;
}

export interface Assessment {
  window: EvidenceWindow;
  evidence: Evidence;
  verdict: Verdict;
}

export interface Evaluation extends Assessment {
  record: VerdictRecord;
  /** false when a verdict on the very same inputs was already recorded (and is returned). */
  created: boolean;
}

function addDays(iso: string, days: number): string {
  const t = Date.parse(`${iso}T00:00:00Z`) + days * 86_400_000;
  return new Date(t).toISOString().slice(0, 10);
}

function installDates(proposal: Proposal): string[] {
  const pilot = proposal.pilot;
  return pilot.design === "controlled"
    ? pilot.treated.map((t) => t.installDate)
    : pilot.meters.map((m) => m.installDate);
}

/**
 * The window read by default: from a baseline's length (policy.minimum.baselineDays) before
 * the first installation to today in the site's `zone`, today excluded (it is not over).
 */
export function defaultWindow(
  proposal: Proposal,
  now: Date,
  policy: Policy = DEFAULT_POLICY,
  zone: string = DEFAULT_TIME_ZONE,
): EvidenceWindow {
  const first = installDates(proposal).sort()[0]!;
  return { from: addDays(first, -policy.minimum.baselineDays), to: localIsoDate(now.getTime(), zone) };
}

export interface GuardService {
  readonly policy: Policy;
  /** Evidence and verdict for a proposal, nothing written. */
  assess(proposal: Proposal, options?: AssessOptions): Promise<Assessment>;
  /** Evaluates a saved proposal from stored telemetry and appends the verdict. */
  evaluate(proposalId: string, options?: AssessOptions): Promise<Evaluation>;
  /** Evaluates the proposal, then saves it (see DecisionStore.saveProposal) with its verdict;
   * nothing is saved when the evaluation fails. */
  submit(proposal: Proposal, options?: AssessOptions): Promise<Evaluation>;
}

export function createGuardService(deps: GuardDeps): GuardService {
  const policy = deps.policy ?? DEFAULT_POLICY;
  const clock = deps.clock ?? (() => new Date());

  async function assess(proposal: Proposal, options: AssessOptions = {}): Promise<Assessment> {
    const now = options.now ?? clock();
    const fallback = defaultWindow(proposal, now, policy, deps.registry.site.timezone);
    const window = { from: options.window?.from ?? fallback.from, to: options.window?.to ?? fallback.to };
    const evidence = await gatherEvidence(deps.telemetry, deps.registry, proposal, window);
    const site = deps.registry.site;
    const verdict = evaluateProposal(proposal, evidence, policy, site.tariffs, now, site.timezone);
    return { window, evidence, verdict };
  }

  async function evaluate(proposalId: string, options: AssessOptions = {}): Promise<Evaluation> {
    const stored = await deps.decisions.getProposal(proposalId);
    if (!stored) {
      throw new GuardServiceError(
        "proposal_not_found",
        `no proposal ${proposalId} is saved; submit it first`,
      );
    }
    const started = performance.now();
    return record(proposalId, await assess(stored.proposal, options), started);
  }

  async function record(proposalId: string, assessment: Assessment, started: number): Promise<Evaluation> {
    const { record, created } = await deps.decisions.appendVerdict({
      verdict: assessment.verdict,
      source: "evaluation",
      window: assessment.window,
    });
    deps.logger.info(
      {
        proposal: proposalId,
        verdict: record.id,
        decision: record.verdict.decision,
        rule: record.verdict.rule,
        created,
        ms: Math.round(performance.now() - started),
      },
      "proposal evaluated",
    );
    return { ...assessment, verdict: record.verdict, record, created };
  }

  return {
    policy,
    assess,
    evaluate,
    async submit(proposal, options) {
      // Assessed first: a proposal whose evaluation fails (a window, a building the site does
      // not have) is not saved.
      const started = performance.now();
      const checked = checkRecord.proposal(proposal);
      const assessment = await assess(checked, options);
      await deps.decisions.saveProposal(checked);
      return record(checked.id, assessment, started);
    },
  };
}
