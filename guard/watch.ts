// Keeping watch: every approved proposal is re-evaluated on the data that arrived since, with
// the proposal and policy of its approval (rules/watch.ts); the re-evaluation is appended as a
// "watch" verdict and a flag is recorded when the benefit fell below the cost or can no longer
// be measured. startWatch runs a pass on a schedule.
import type { Logger } from "pino";
import { localIsoDate } from "../model/time-zone.ts";
import { reevaluate } from "../rules/watch.ts";
import type { DecisionStore, FlagRecord } from "../storage/decision-store.ts";
import { gatherEvidence } from "./evidence.ts";
import type { GuardDeps } from "./service.ts";

export interface WatchOutcome {
  proposalId: string;
  /** The approval watched. */
  approvedVerdictId: number;
  /** The re-evaluation (an existing record when nothing changed since). */
  verdictId: number | null;
  decision: string | null;
  flag: FlagRecord | null;
  /** Why this proposal could not be re-evaluated this time; the pass goes on with the others. */
  error: { code: string; message: string } | null;
}

/** The proposals a pass watches: those whose latest board evaluation approved them. */
async function approvals(decisions: DecisionStore) {
  const out = [];
  for (const { proposal } of await decisions.listProposals()) {
    const latest = await decisions.latestVerdict(proposal.id, "evaluation");
    if (latest?.verdict.decision === "approve") out.push(latest);
  }
  return out;
}

/** One re-evaluation of every approved proposal. */
export async function watchPass(
  deps: GuardDeps,
  now: Date = (deps.clock ?? (() => new Date()))(),
): Promise<WatchOutcome[]> {
  const outcomes: WatchOutcome[] = [];
  for (const approved of await approvals(deps.decisions)) {
    const base = { proposalId: approved.proposalId, approvedVerdictId: approved.id };
    try {
      const window = {
        from: approved.window.from,
        to: localIsoDate(now.getTime(), deps.registry.site.timezone),
      };
      const proposal = approved.verdict.inputs.proposal;
      const evidence = await gatherEvidence(deps.telemetry, deps.registry, proposal, window);
      const { verdict, flag } = reevaluate(
        approved.verdict,
        evidence,
        deps.registry.site.tariffs,
        now,
        undefined,
        deps.registry.site.timezone,
      );
      const { record } = await deps.decisions.appendVerdict({ verdict, source: "watch", window });
      const flagRecord =
        flag && record.id !== approved.id
          ? await deps.decisions.recordFlag({ approvedVerdictId: approved.id, verdictId: record.id, flag })
          : null;
      if (flagRecord) {
        deps.logger.warn(
          { proposal: approved.proposalId, flag: flagRecord.flag.code, severity: flagRecord.flag.severity },
          "approved device flagged",
        );
      }
      outcomes.push({
        ...base,
        verdictId: record.id,
        decision: record.verdict.decision,
        flag: flagRecord,
        error: null,
      });
    } catch (error) {
      const e = error as { code?: unknown; message?: unknown };
      const code = typeof e.code === "string" ? e.code : "internal";
      deps.logger.error({ proposal: approved.proposalId, code, err: error }, "watch re-evaluation failed");
      outcomes.push({
        ...base,
        verdictId: null,
        decision: null,
        flag: null,
        error: { code, message: String(e.message ?? error) },
      });
    }
  }
  return outcomes;
}

export interface WatchSchedule {
  /** Between passes; default one day. */
  intervalMs?: number;
  /** Run a first pass at once rather than after one interval (default true). */
  runAtStart?: boolean;
}

export const DEFAULT_WATCH_INTERVAL_MS = 24 * 3_600_000;

/**
 * Runs watchPass every interval; a pass still running when the next is due is not doubled.
 * Returns stop(): no pass starts after it, and it resolves once the running pass is done.
 */
export function startWatch(deps: GuardDeps, schedule: WatchSchedule = {}): () => Promise<void> {
  const intervalMs = schedule.intervalMs ?? DEFAULT_WATCH_INTERVAL_MS;
  const logger: Logger = deps.logger;
  let running: Promise<void> | undefined;
  let stopped = false;
  const tick = () => {
    if (stopped || running) return;
    running = watchPass(deps)
      .then((outcomes) => {
        logger.info(
          {
            watched: outcomes.length,
            flagged: outcomes.filter((o) => o.flag).length,
            failed: outcomes.filter((o) => o.error).length,
          },
          "watch pass done",
        );
      })
      .catch((error: unknown) => logger.error({ err: error }, "watch pass failed"))
      .finally(() => {
        running = undefined;
      });
  };
  const timer = setInterval(tick, intervalMs);
  timer.unref();
  if (schedule.runAtStart ?? true) tick();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await running;
  };
}
