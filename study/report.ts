// The study's tables, in Markdown: the figures per design against their targets, then the
// same figures by quantity and load, and for before/after by the noise's autocorrelation.
import type { CaseResult } from "./outcome.ts";
import { RHO_BANDS, type Summary, summarise } from "./summary.ts";

export const TARGETS = {
  harmfulApproved: 0.05,
  clearlyBeneficialApproved: 0.8,
  coverage: [0.87, 0.93],
} as const;

const pct = (a: number, b: number) => (b === 0 ? "n/a" : `${((100 * a) / b).toFixed(1)} % (${a}/${b})`);
const share = (x: number) => `${(100 * x).toFixed(1)} %`;
const mark = (ok: boolean) => (ok ? "met" : "missed");

/** Whether each target holds for a summary (null: no case to judge by). */
export function targetsMet(s: Summary): {
  harmful: boolean | null;
  beneficial: boolean | null;
  coverage: boolean | null;
} {
  const coverage = s.measured ? s.covered / s.measured : null;
  return {
    harmful: s.harmful ? s.harmfulApproved / s.harmful <= TARGETS.harmfulApproved : null,
    beneficial: s.clearlyBeneficial
      ? s.clearlyBeneficialApproved / s.clearlyBeneficial >= TARGETS.clearlyBeneficialApproved
      : null,
    coverage: coverage === null ? null : coverage >= TARGETS.coverage[0] && coverage <= TARGETS.coverage[1],
  };
}

export function mainTable(
  designs: { label: string; results: readonly CaseResult[] }[],
  confidence: number,
): string {
  const ss = designs.map((d) => summarise(d.results));
  const met = ss.map(targetsMet);
  const row = (figure: string, target: string, cell: (s: Summary, i: number) => string) =>
    `| ${figure} | ${target} | ${ss.map(cell).join(" | ")} |`;
  const withMark = (text: string, ok: boolean | null) => (ok === null ? text : `${text}, ${mark(ok)}`);
  return [
    `| figure | target | ${designs.map((d, i) => `${d.label} (${ss[i]!.cases})`).join(" | ")} |`,
    `| --- | --- | ${designs.map(() => "---").join(" | ")} |`,
    row("harmful devices (true net < 0) approved", "≤ 5 %", (s, i) =>
      withMark(pct(s.harmfulApproved, s.harmful), met[i]!.harmful),
    ),
    row("clearly beneficial (true net ≥ 20 % of cost) approved", "≥ 80 %", (s, i) =>
      withMark(pct(s.clearlyBeneficialApproved, s.clearlyBeneficial), met[i]!.beneficial),
    ),
    row("zero-effect gadgets with a standby draw approved", "0", (s) => pct(s.gadgetsApproved, s.gadgets)),
    row("undecided (insufficient evidence)", "", (s) => pct(s.undecided, s.cases)),
    row("no estimate (data short of the minimum)", "", (s) => pct(s.cases - s.measured, s.cases)),
    row("bias of the saving, Σ(est − true) / Σ\\|true\\|", "≈ 0", (s) => share(s.relativeBias)),
    row("absolute error of the saving, Σ\\|est − true\\| / Σ\\|true\\|", "", (s) =>
      share(s.relativeAbsError),
    ),
    row("mean absolute error, € per household per year", "", (s) => s.meanAbsErrorEuros.toFixed(2)),
    row(`true saving inside the ${confidence * 100} % interval`, "87–93 %", (s, i) =>
      withMark(pct(s.covered, s.measured), met[i]!.coverage),
    ),
    row("… truth below the interval / above it", "≈ equal", (s) => `${s.truthBelow} / ${s.truthAbove}`),
    row("the treated dwellings' own saving inside the interval", "(not the target)", (s) =>
      s.sampleMeasured ? pct(s.sampleCovered, s.sampleMeasured) : "n/a",
    ),
  ].join("\n");
}

export function breakdownTable(
  groups: { design: string; group: string; results: readonly CaseResult[] }[],
): string {
  const lines = [
    "| design | cases | harmful approved | clearly beneficial approved | undecided | bias | abs. error | coverage | below / above |",
    "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
  ];
  for (const g of groups) {
    if (g.results.length === 0) continue;
    const s = summarise(g.results);
    lines.push(
      `| ${g.design}: ${g.group} | ${s.cases} | ${pct(s.harmfulApproved, s.harmful)} | ${pct(s.clearlyBeneficialApproved, s.clearlyBeneficial)} | ${pct(s.undecided, s.cases)} | ${s.measured ? share(s.relativeBias) : "n/a"} | ${s.measured ? share(s.relativeAbsError) : "n/a"} | ${pct(s.covered, s.measured)} | ${s.truthBelow} / ${s.truthAbove} |`,
    );
  }
  return lines.join("\n");
}

/** Groups of a design's cases: by quantity and load, and for before/after by ρ band. */
export function groupsOf(design: string, results: readonly CaseResult[]) {
  const keys = [...new Set(results.map((r) => `${r.quantity}, ${r.load}`))].sort();
  const groups = keys.map((k) => ({
    design,
    group: k,
    results: results.filter((r) => `${r.quantity}, ${r.load}` === k),
  }));
  if (results.some((r) => r.rho !== null)) {
    for (const b of RHO_BANDS) {
      groups.push({
        design,
        group: b.label,
        results: results.filter((r) => r.rho! >= b.from && r.rho! < b.to),
      });
    }
  }
  return groups;
}
