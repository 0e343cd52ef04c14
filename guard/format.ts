// A verdict as a board reads it on a terminal or on paper: the decision and the rule that
// decided, the FR/EN explanation, the costs by payer, the measured saving with its interval,
// and what the evidence covered.
import { ruleSentence } from "../domain/wording/decision-rules.ts";
import { DECISION } from "../domain/wording/decisions.ts";
import { listOf } from "../domain/wording/lang.ts";
import { TEMPERATURE_FEATURE } from "../domain/wording/methods.ts";
import { percent } from "../domain/wording/numbers.ts";
import { PAYER } from "../domain/wording/payers.ts";
import { formatAmount, unitLabel } from "../domain/wording/quantities.ts";
import { settleItems } from "../domain/wording/to-settle.ts";
import { formatEuros } from "../model/money.ts";
import type { Verdict } from "../model/verdict.ts";
import type { Evidence } from "../rules/evidence.ts";
import { missingShare } from "./evidence.ts";

const eur = (cents: number) => formatEuros(cents, "en");
const num = (x: number) =>
  Number.isInteger(x) || Math.abs(x) >= 100 ? Math.round(x).toString() : x.toFixed(2);

function table(rows: string[][]): string[] {
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  return rows.map((r) =>
    r
      .map((cell, c) => (c === r.length - 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join("  ")
      .trimEnd(),
  );
}

const celsius = (x: number | null) => (x === null ? "-" : `${x.toFixed(1)} °C`);

/** A before/after claim's baselines: the temperature feature and each meter's model. */
function baselineLines(claim: Verdict["claims"][number]): string[] {
  if (!claim.temperatureFeature) return [];
  const out = [`  ${claim.quantity} baselines. ${TEMPERATURE_FEATURE[claim.temperatureFeature].en}`];
  const rows = [
    [
      "    meter",
      "model",
      "heating bp",
      "cooling bp",
      "adj. R²",
      "CV(RMSE)",
      "ρ",
      `±${unitLabel(claim.unit)}/yr`,
    ],
  ];
  for (const b of claim.baselines ?? []) {
    rows.push([
      `    ${b.space}`,
      b.model,
      celsius(b.hddBalancePointC),
      celsius(b.cddBalancePointC),
      b.adjustedRSquared.toFixed(2),
      `${Math.round(b.cvRmse * 100)}%`,
      b.residualAutocorrelation.toFixed(2),
      num(b.savingsUncertaintyPerYear),
    ]);
  }
  if (rows.length > 1) out.push(...table(rows));
  const s = claim.savingPerDwellingPerYear;
  const shared = claim.fit.sharedAmongHouseholds;
  if (s && shared && claim.baselines?.length) {
    const sum = Math.sqrt(claim.baselines.reduce((a, b) => a + b.savingsUncertaintyPerYear ** 2, 0));
    out.push(
      `    ± per household = √(Σ ±²) / ${shared} households = ${num(sum)} / ${shared} = ${num((s.upper - s.lower) / 2)} ${unitLabel(claim.unit)} a year`,
    );
    out.push(
      "    each ± = t(n − c) · K(m) · RMSE · √(m · (n/n′) · (1 + 2/n′)), n′ = n(1 − ρ)/(1 + ρ), ρ < 0 counted as 0 (rules/README.md)",
    );
  }
  return out;
}

export function formatVerdict(verdict: Verdict, evidence?: Evidence): string {
  const p = verdict.inputs.proposal;
  const out: string[] = [];
  out.push(`${p.title} (${p.id})`);
  out.push(`Device: ${p.device.name.en} / ${p.device.name.fr}; buildings ${p.buildings.join(", ")}`);
  out.push("");
  const decision = DECISION[verdict.decision];
  out.push(`Verdict: ${decision.en.toUpperCase()} / ${decision.fr.toUpperCase()}`);
  out.push(`Deciding rule: ${verdict.rule}. ${ruleSentence(verdict.rule, verdict.inputs.policy).en}`);
  out.push("");
  out.push(`FR  ${verdict.explanation.fr}`);
  out.push("");
  out.push(`EN  ${verdict.explanation.en}`);
  out.push("");

  out.push("Cost per household per year, by payer:");
  const c = verdict.costs;
  const rows = [["  line", "payer", "heading", "€/year"]];
  for (const line of c.lines) {
    rows.push([
      `  ${line.label}`,
      PAYER[line.payer].who.en,
      line.heading ?? "",
      eur(line.centsPerDwellingPerYear),
    ]);
  }
  rows.push(["  total paid by tenants (weighed)", "", "", eur(c.tenantCentsPerYear)]);
  rows.push(["    of which charges", "", "", eur(c.tenantChargesCentsPerYear)]);
  rows.push(["    of which own bill", "", "", eur(c.tenantBillCentsPerYear)]);
  if (c.tenantContributionCentsPerYear > 0) {
    rows.push(["    of which contribution", "", "", eur(c.tenantContributionCentsPerYear)]);
  }
  rows.push(["  paid by the landlord", "", "", eur(c.landlordCentsPerYear)]);
  out.push(...table(rows));
  out.push("");

  const confidence = `${percent(verdict.confidence).en}%`;
  if (verdict.claims.length === 0) {
    out.push("Measured saving: none claimed.");
  } else {
    out.push(`Measured saving per household per year (${confidence} interval):`);
    for (const claim of verdict.claims) {
      const s = claim.savingPerDwellingPerYear;
      const what = `  ${claim.quantity} (${claim.meter} meter, ${claim.method})`;
      const amount = (x: number) => formatAmount(x, claim.unit, "en");
      const unit = unitLabel(claim.unit);
      out.push(
        s
          ? `${what}: ${amount(s.estimate)} ${unit} [${amount(s.lower)} to ${amount(s.upper)}] at ${claim.pricePerUnit ?? "?"} €/${unit}`
          : `${what}: not measurable (${claim.problems.join(", ") || "no data"})`,
      );
    }
    // A verdict without a measurement has no interval to print.
    if (verdict.claims.every((c) => c.savingPerDwellingPerYear !== null)) {
      const b = verdict.benefitCentsPerYear;
      out.push(`  worth to each tenant: ${eur(b.estimate)} [${eur(b.lower)} to ${eur(b.upper)}] a year`);
    } else {
      out.push("  worth to each tenant: not measured");
    }
    for (const claim of verdict.claims) out.push(...baselineLines(claim));
    const fit = verdict.claims[0]?.fit ?? {};
    const figures = Object.entries(fit).map(([k, v]) => `${k} ${num(v)}`);
    if (figures.length) out.push(`  fit: ${figures.join(", ")}`);
  }
  const settle = settleItems(verdict.toSettle);
  if (settle.length) out.push(`To settle it: ${listOf(settle).en}.`);
  out.push("");

  const w = verdict.window;
  const period = (x: { from: string; to: string } | null) => (x ? `${x.from} to ${x.to}` : "none");
  out.push(`Evidence: baseline ${period(w.baseline)}, reporting ${period(w.reporting)}`);
  if (evidence) {
    const first = evidence.days[0];
    const last = evidence.days.at(-1);
    out.push(
      `  ${evidence.days.length} days (${first ?? "-"} to ${last ?? "-"}), ${evidence.series.length} daily series, ${Math.round(missingShare(evidence) * 100)}% of values missing`,
    );
  }
  out.push(`  guard ${verdict.guardVersion}, decided ${verdict.decidedAt}, input hash ${verdict.inputHash}`);
  return `${out.join("\n")}\n`;
}
