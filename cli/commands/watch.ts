// `watch`: one re-evaluation pass over every approved proposal, on the telemetry that arrived
// since; prints the flags. Exit 0 when nothing is flagged, 5 when something is, 1 when a
// proposal could not be re-evaluated. `start` runs the same pass on a schedule (startWatch).
import { watchPass } from "../../guard/watch.ts";
import type { Config } from "../config.ts";
import { closeStores, guardDeps, loadRegistry, openStores, stderrLogger } from "../wiring.ts";

export async function watch(config: Config, options: { json?: boolean }): Promise<void> {
  const logger = stderrLogger(config, "guard-watch");
  const registry = loadRegistry(config);
  const stores = await openStores(config, registry.site.timezone);
  try {
    const outcomes = await watchPass(guardDeps(registry, stores, logger));
    if (options.json) {
      process.stdout.write(`${JSON.stringify({ outcomes }, null, 2)}\n`);
    } else {
      process.stdout.write(`Watched ${outcomes.length} approved proposal(s).\n`);
      for (const o of outcomes) {
        const head = `  ${o.proposalId} (approval ${o.approvedVerdictId})`;
        if (o.error) process.stdout.write(`${head}: could not re-evaluate: ${o.error.message}\n`);
        else if (!o.flag) process.stdout.write(`${head}: ${o.decision}, no flag (verdict ${o.verdictId})\n`);
        else {
          const f = o.flag.flag;
          process.stdout.write(
            `${head}: FLAG ${f.code} (${f.severity}), verdict ${o.verdictId}\n    FR ${f.message.fr}\n    EN ${f.message.en}\n`,
          );
        }
      }
    }
    process.exitCode = outcomes.some((o) => o.error) ? 1 : outcomes.some((o) => o.flag) ? 5 : 0;
  } finally {
    await closeStores(stores);
  }
}
