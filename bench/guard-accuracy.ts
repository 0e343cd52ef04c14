// How often the charge guard decides right, against simulated cases whose truth is known, for
// both designs: controlled pilots (difference in differences on normal-year use, the normal
// year a 30-year normal that is not the simulated years) and before/after on the same meters
// (CalTRACK baseline, ASHRAE 14 interval). Each device is priced from its truth so that true
// net benefits spread across zero. Prints the figures per design against their targets, then
// by quantity, load and noise autocorrelation. Deterministic for a given seed. The cases are
// shared among worker processes (the same results in the same order, whatever their number).
//   npx tsx bench/guard-accuracy.ts [N] [--controlled 400] [--before-after 400] [--seed 1] [--workers 2]
import { fork } from "node:child_process";
import { availableParallelism } from "node:os";
import { fileURLToPath, pathToFileURL } from "node:url";
import { DEFAULT_POLICY } from "../model/policy.ts";
import { beforeAfterCases, runBeforeAfterCase } from "../study/before-after.ts";
import { controlledCases, runControlledCase } from "../study/controlled.ts";
import type { CaseResult } from "../study/outcome.ts";
import { breakdownTable, groupsOf, mainTable } from "../study/report.ts";
import { argNumber } from "./lib/args.ts";

interface StudyPlan {
  controlled: number;
  beforeAfter: number;
  seed: number;
}

interface StudyResults {
  controlled: CaseResult[];
  beforeAfter: CaseResult[];
}

/** The cases of one worker out of `workers`: every workers-th, from its index. */
function runShare(
  plan: StudyPlan,
  worker = 0,
  workers = 1,
): { index: number; design: keyof StudyResults; result: CaseResult }[] {
  const mine = <T>(xs: T[]) =>
    xs.map((c, index) => ({ c, index })).filter((x) => x.index % workers === worker);
  return [
    ...mine(controlledCases(plan.controlled, plan.seed)).map(({ c, index }) => ({
      index,
      design: "controlled" as const,
      result: runControlledCase(c),
    })),
    ...mine(beforeAfterCases(plan.beforeAfter, plan.seed)).map(({ c, index }) => ({
      index,
      design: "beforeAfter" as const,
      result: runBeforeAfterCase(c),
    })),
  ];
}

function collect(plan: StudyPlan, shares: ReturnType<typeof runShare>[]): StudyResults {
  const out: StudyResults = {
    controlled: new Array(plan.controlled),
    beforeAfter: new Array(plan.beforeAfter),
  };
  for (const share of shares) for (const x of share) out[x.design][x.index] = x.result;
  return out;
}

async function runInWorkers(plan: StudyPlan, workers: number): Promise<StudyResults> {
  if (workers <= 1) return collect(plan, [runShare(plan)]);
  const script = fileURLToPath(import.meta.url);
  const shares = await Promise.all(
    Array.from(
      { length: workers },
      (_, w) =>
        new Promise<ReturnType<typeof runShare>>((resolve, reject) => {
          const child = fork(script, ["--worker", JSON.stringify({ plan, worker: w, workers })]);
          child.once("message", (m) => resolve(m as ReturnType<typeof runShare>));
          child.once("exit", (code) =>
            code ? reject(new Error(`worker ${w} exited with ${code}`)) : undefined,
          );
        }),
    ),
  );
  return collect(plan, shares);
}

function report(results: StudyResults, plan: StudyPlan): string {
  const c = DEFAULT_POLICY.confidence;
  return [
    `guard accuracy, seed ${plan.seed}, confidence ${c}: ${plan.controlled} controlled pilots, ${plan.beforeAfter} before/after cases`,
    "",
    mainTable(
      [
        { label: "controlled pilots", results: results.controlled },
        { label: "before/after", results: results.beforeAfter },
      ],
      c,
    ),
    "",
    breakdownTable([
      ...groupsOf("controlled", results.controlled),
      ...groupsOf("before/after", results.beforeAfter),
    ]),
  ].join("\n");
}

async function main(): Promise<void> {
  const worker = process.argv.indexOf("--worker");
  if (worker >= 0) {
    const job = JSON.parse(process.argv[worker + 1]!) as { plan: StudyPlan; worker: number; workers: number };
    process.send!(runShare(job.plan, job.worker, job.workers), () => process.exit(0));
    return;
  }
  // A bare number is the older form: that many cases of each design.
  const bare = Number(process.argv[2]);
  const each = Number.isInteger(bare) && bare > 0 ? bare : 400;
  const plan: StudyPlan = {
    controlled: argNumber("controlled", each),
    beforeAfter: argNumber("before-after", each),
    seed: argNumber("seed", 1),
  };
  const workers = argNumber("workers", Math.min(2, availableParallelism()));
  const t0 = performance.now();
  const results = await runInWorkers(plan, workers);
  console.log(report(results, plan));
  console.log(
    `\n(${((performance.now() - t0) / 1000).toFixed(1)} s, ${workers} worker${workers > 1 ? "s" : ""})`,
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
