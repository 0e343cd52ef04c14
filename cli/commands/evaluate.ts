// `evaluate <proposal.yaml>`: the charge guard on a proposal file, from the configured store.
// Prints the verdict in plain words (or JSON) and exits 0 approve, 3 reject, 4 insufficient
// evidence, 2 when the proposal, the window or the site is wrong.
import { GuardServiceError } from "../../guard/errors.ts";
import { formatVerdict } from "../../guard/format.ts";
import { loadProposalFile } from "../../guard/proposal-file.ts";
import type { Decision } from "../../model/verdict.ts";
import { GuardError } from "../../rules/errors.ts";
import { DecisionStoreError } from "../../storage/decision-store.ts";
import type { Config } from "../config.ts";
import { closeStores, createGuard, loadRegistry, openStores, type Stores, stderrLogger } from "../wiring.ts";

export const EXIT_CODES: Record<Decision, number> & { invalidInput: number } = {
  approve: 0,
  reject: 3,
  insufficient_evidence: 4,
  invalidInput: 2,
};

export interface EvaluateOptions {
  /** The proposal file (commander's required argument). */
  file?: string;
  json?: boolean;
  from?: string;
  to?: string;
  /** Evaluate without saving the proposal or its verdict. */
  dryRun?: boolean;
}

/** Errors a user fixes in their input: a message and exit code 2, no stack. */
export function isInputError(error: unknown): error is Error {
  return (
    error instanceof GuardServiceError || error instanceof DecisionStoreError || error instanceof GuardError
  );
}

export async function evaluate(config: Config, options: EvaluateOptions): Promise<void> {
  // Logs go to stderr so that stdout holds only the report (or the JSON).
  const logger = stderrLogger(config, "guard");
  let stores: Stores | undefined;
  try {
    if (!options.file)
      throw new GuardServiceError("invalid_proposal_file", "give the proposal file to evaluate");
    const proposal = loadProposalFile(options.file);
    const registry = loadRegistry(config);
    stores = await openStores(config, registry.site.timezone);
    const guard = createGuard(registry, stores, logger);
    const window = { from: options.from, to: options.to };
    const result = options.dryRun
      ? { ...(await guard.assess(proposal, { window })), record: undefined, created: false }
      : await guard.submit(proposal, { window });
    if (options.json) {
      const out = {
        verdictId: result.record?.id ?? null,
        created: result.created,
        window: result.window,
        verdict: result.verdict,
        evidence: result.evidence,
      };
      process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
    } else {
      process.stdout.write(formatVerdict(result.verdict, result.evidence));
      process.stdout.write(
        result.record
          ? `  recorded as verdict ${result.record.id}${result.created ? "" : " (same inputs as before: the recorded verdict)"}\n`
          : "  not recorded (--dry-run)\n",
      );
    }
    process.exitCode = EXIT_CODES[result.verdict.decision];
  } catch (error) {
    if (!isInputError(error)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exitCode = EXIT_CODES.invalidInput;
  } finally {
    if (stores) await closeStores(stores);
  }
}
