// The housing board's pages: the proposals of its buildings, and one proposal's verdict with
// its evidence (chart of the groups, cost table by payer, savings with their interval, the
// deciding rule and the plain-language explanation). Aggregates only.
import { ruleSentence } from "../../domain/wording/decision-rules.ts";
import { DECISION } from "../../domain/wording/decisions.ts";
import { vendorClaimSentence } from "../../domain/wording/explanation.ts";
import { sentence } from "../../domain/wording/lang.ts";
import { METHOD, TEMPERATURE_FEATURE } from "../../domain/wording/methods.ts";
import { percent } from "../../domain/wording/numbers.ts";
import { PAYER } from "../../domain/wording/payers.ts";
import { quantityName } from "../../domain/wording/quantities.ts";
import { settleItems } from "../../domain/wording/to-settle.ts";
import type { SiteRegistry } from "../../model/registry.ts";
import { localIsoDate } from "../../model/time-zone.ts";
import type { Verdict } from "../../model/verdict.ts";
import { median } from "../../rules/stats.ts";
import type { BoardProposalView, EvidenceChart, ProposalListItem } from "../views/board-proposals.ts";
import { identifiesHouseholds, MIN_AGGREGATE, smallestPilotGroup } from "../views/board-proposals.ts";
import { lineChart } from "./chart.ts";
import { type FrameContext, frame } from "./frame.ts";
import { type Html, html } from "./html.ts";
import {
  formatDate,
  formatMoney,
  formatMonth,
  formatNumber,
  formatQuantity,
  formatShortMonth,
  type Lang,
  unitLabel,
  withLang,
} from "./i18n.ts";
import { STRINGS } from "./strings.ts";

const LIST = "/board";
const proposalHref = (id: string) => `/board/proposals/${encodeURIComponent(id)}`;

function nav(ctx: FrameContext, current: boolean) {
  return [{ href: LIST, label: STRINGS[ctx.lang].board.navList, current }];
}

function buildingNames(registry: SiteRegistry, ids: readonly string[]): string {
  return ids.map((id) => registry.building(id)?.name ?? id).join(", ");
}

export function boardListPage(ctx: FrameContext, registry: SiteRegistry, items: ProposalListItem[]): string {
  const { lang } = ctx;
  const b = STRINGS[lang].board;
  const body = html`<h1>${b.titleList}</h1>
<p class="lead">${b.intro}</p>
${
  items.length === 0
    ? html`<p>${b.none}</p>`
    : items.map(({ stored, latest }) => {
        const decision = latest?.verdict.decision ?? "not_evaluated";
        const id = `p-${stored.proposal.id.replace(/[^A-Za-z0-9_-]/g, "_")}`;
        return html`<section class="card ${decision}" aria-labelledby="${id}">
<h2 id="${id}">${stored.proposal.title}</h2>
<p><span class="badge ${decision}">${DECISION[decision][lang]}</span>${latest ? html` <span class="muted">${b.decidedOn(formatDate(latest.verdict.decidedAt, lang))}</span>` : ""}</p>
<p>${b.device} ${stored.proposal.device.name[lang]}. ${b.buildings} ${buildingNames(registry, stored.proposal.buildings)}.</p>
<p><a href="${withLang(proposalHref(stored.proposal.id), lang)}">${b.open(stored.proposal.title)}</a></p>
</section>`;
      })
}`;
  return frame(ctx, "board", nav(ctx, true), `${b.titleList} – ${b.brand}`, body);
}

function costTable(v: Verdict, lang: Lang): Html {
  const b = STRINGS[lang].board;
  const lines = v.costs.lines;
  return html`<table>
<thead><tr><th scope="col">${b.costLine}</th><th scope="col">${b.payerCol}</th><th scope="col" class="num">${b.perYear}</th></tr></thead>
<tbody>
${lines.map(
  (l) =>
    html`<tr><td>${l.label}${l.heading ? html`<br><span class="small muted">${b.heading(l.heading)}</span>` : ""}</td><td>${PAYER[l.payer].who[lang]}</td><td class="num">${formatMoney(l.centsPerDwellingPerYear, lang)}</td></tr>`,
)}
</tbody>
<tfoot>
<tr><th scope="row" colspan="2">${b.tenantsPay}</th><td class="num"><strong>${formatMoney(v.costs.tenantCentsPerYear, lang)}</strong></td></tr>
<tr><th scope="row" colspan="2">${b.landlordPays}</th><td class="num">${formatMoney(v.costs.landlordCentsPerYear, lang)}</td></tr>
</tfoot>
</table>`;
}

function savings(v: Verdict, lang: Lang): Html {
  const b = STRINGS[lang].board;
  if (v.claims.length === 0) return html`<p>${b.nothingClaimed}</p>`;
  const measured = v.claims.every((c) => c.savingPerDwellingPerYear !== null);
  const conf = percent(v.confidence)[lang];
  const units = v.claims.map((c) => {
    const label = quantityName(c.quantity)[lang];
    const s = c.savingPerDwellingPerYear;
    if (!s) return html`<li>${b.notMeasured(label)}</li>`;
    const q = (n: number) => formatQuantity(n, c.unit, lang);
    return html`<li>${b.savingUnits(label, q(s.estimate), q(s.lower), q(s.upper))}</li>`;
  });
  const vendor = v.inputs.proposal.device.claims.find((c) => c.vendorClaim !== undefined)?.vendorClaim;
  return html`${
    measured
      ? html`<p class="total">${(v.benefitCentsPerYear.estimate > 0 ? b.savingEuros : b.savingNone)(
          formatMoney(v.benefitCentsPerYear.estimate, lang),
          formatMoney(v.benefitCentsPerYear.lower, lang),
          formatMoney(v.benefitCentsPerYear.upper, lang),
          conf,
        )}</p>`
      : ""
  }<ul>${units}</ul>${vendor !== undefined ? html`<p class="muted">${vendorClaimSentence(vendor)[lang]}</p>` : ""}`;
}

/** How the before/after baselines were built. One meter's balance point is one household's, so
 * the balance points show only as medians over at least MIN_AGGREGATE meters. */
function baselineLines(v: Verdict, lang: Lang): Html {
  const b = STRINGS[lang].board;
  const claim = v.claims.find((c) => c.temperatureFeature !== undefined);
  if (!claim?.temperatureFeature) return html``;
  const baselines = claim.baselines ?? [];
  const celsius = (x: number) => `${formatNumber(x, lang, 1)} °C`;
  const heating = baselines.flatMap((x) => (x.hddBalancePointC === null ? [] : [x.hddBalancePointC]));
  const cooling = baselines.flatMap((x) => (x.cddBalancePointC === null ? [] : [x.cddBalancePointC]));
  return html`<p>${TEMPERATURE_FEATURE[claim.temperatureFeature][lang]}</p>
${heating.length >= MIN_AGGREGATE ? html`<p>${b.balancePoints("heating", celsius(median(heating)), heating.length)}</p>` : ""}
${cooling.length >= MIN_AGGREGATE ? html`<p>${b.balancePoints("cooling", celsius(median(cooling)), cooling.length)}</p>` : ""}`;
}

function chartSection(chart: EvidenceChart | null, lang: Lang): Html {
  const b = STRINGS[lang].board;
  if (!chart) return html`<p>${b.noChart}</p>`;
  const unit = unitLabel(chart.unit);
  const label = quantityName(chart.quantity)[lang];
  const size = (k: string) => chart.series.find((s) => s.key === k)?.size ?? 0;
  const seriesLabel = (k: "treated" | "control" | "metered", n: number) =>
    k === "treated" ? b.treated(n) : k === "control" ? b.control(n) : b.metered(n);
  const withheld = chart.withheld.map((w) => html`<p>${b.withheld(w.size, MIN_AGGREGATE)}</p>`);
  if (chart.series.length === 0) return html`${withheld}<p>${b.noChart}</p>`;
  const decimals = chart.unit === "m3" ? 1 : 0;
  const svg = lineChart({
    id: "evidence",
    title: b.chartTitle(label, unit),
    description: chart.series.some((s) => s.key === "metered")
      ? b.chartDescMetered(size("metered"))
      : b.chartDesc(size("treated"), size("control")),
    xLabels: chart.months.map((m) => formatShortMonth(m, lang)),
    series: chart.series.map((s) => ({ key: s.key, label: seriesLabel(s.key, s.size), values: s.values })),
    markerIndex: chart.installMonth ? chart.months.indexOf(chart.installMonth) : null,
    markerLabel: b.installed,
    formatY: (v) => formatNumber(v, lang, v !== 0 && v < 10 ? 1 : 0),
  });
  return html`<figure class="chart" aria-labelledby="chart-caption">
<figcaption id="chart-caption"><strong>${b.chartTitle(label, unit)}</strong></figcaption>
${svg}
<ul class="legend">${chart.series.map((s) => html`<li><span class="key ${s.key}" aria-hidden="true"></span>${seriesLabel(s.key, s.size)}</li>`)}</ul>
${chart.installMonth ? html`<p class="small">${b.installedNote(formatMonth(chart.installMonth, lang))}</p>` : ""}
</figure>
${withheld}
<details class="noprint"><summary>${b.chartData}</summary>
<table>
<thead><tr><th scope="col">${b.month}</th>${chart.series.map((s) => html`<th scope="col" class="num">${seriesLabel(s.key, s.size)}</th>`)}</tr></thead>
<tbody>${chart.months.map(
    (m, i) =>
      html`<tr><th scope="row">${formatMonth(m, lang)}</th>${chart.series.map((s) => {
        const v = s.values[i];
        return html`<td class="num">${v === null || v === undefined ? "–" : `${formatNumber(v, lang, decimals)} ${unit}`}</td>`;
      })}</tr>`,
  )}</tbody>
</table>
</details>`;
}

export function boardProposalPage(
  ctx: FrameContext,
  registry: SiteRegistry,
  view: BoardProposalView,
): string {
  const { lang } = ctx;
  const b = STRINGS[lang].board;
  const p = view.stored.proposal;
  const r = view.record;
  const v = r?.verdict;
  const decision = v?.decision ?? "not_evaluated";
  // The day of a decision is the site's, as every date people read.
  const decidedOn = (at: string) => formatDate(localIsoDate(Date.parse(at), registry.site.timezone), lang);
  // A pilot too small to aggregate: the explanation and the savings would show a household's use.
  const figuresWithheld = identifiesHouseholds(p)
    ? html`<p>${b.figuresWithheld(smallestPilotGroup(p), MIN_AGGREGATE)}</p>`
    : null;
  const verdictBlock = v
    ? html`<section class="card verdict ${decision}" aria-labelledby="verdict">
<h2 id="verdict"><span class="badge ${decision}">${DECISION[decision][lang]}</span></h2>
<p class="muted">${b.decidedOn(decidedOn(v.decidedAt))}</p>
<h3>${b.explanation}</h3>
${figuresWithheld ?? html`<p>${v.explanation[lang]}</p>`}
<h3>${b.rule}</h3>
<p>${ruleSentence(v.rule, v.inputs.policy)[lang]}</p>
</section>`
    : html`<p>${b.noVerdict}</p>`;
  const toSettle = settleItems(v?.toSettle ?? null).map((w) => sentence(w[lang]));
  const settle = toSettle.length
    ? html`<h2>${b.toSettle}</h2><ul>${toSettle.map((x) => html`<li>${x}</li>`)}</ul>`
    : "";
  const data = v
    ? html`<h2>${b.data}</h2>
<p>${METHOD[v.method][lang]}</p>
${figuresWithheld ? "" : baselineLines(v, lang)}
${v.window.baseline ? html`<p>${b.baseline(formatDate(v.window.baseline.from, lang), formatDate(v.window.baseline.to, lang))}</p>` : ""}
${v.window.reporting ? html`<p>${b.reporting(formatDate(v.window.reporting.from, lang), formatDate(v.window.reporting.to, lang))}</p>` : ""}
<p class="small muted">${b.hash(v.inputHash.slice(0, 12), v.guardVersion)}</p>`
    : "";
  const history =
    view.verdicts.length > 1
      ? html`<section class="noprint"><h2>${b.history}</h2><ul>${[...view.verdicts]
          .reverse()
          .map(
            (x) =>
              html`<li>${x.id === r?.id ? html`<strong>${decidedOn(x.verdict.decidedAt)}</strong>` : html`<a href="${withLang(`${proposalHref(p.id)}?verdict=${x.id}`, lang)}">${decidedOn(x.verdict.decidedAt)}</a>`}: ${DECISION[x.verdict.decision][lang]} (${b.source[x.source] ?? x.source})</li>`,
          )}</ul></section>`
      : "";
  const body = html`<p class="noprint"><a href="${withLang(LIST, lang)}">${b.back}</a></p>
<h1>${p.title}</h1>
<p>${b.device} ${p.device.name[lang]}. ${b.buildings} ${buildingNames(registry, p.buildings)}.</p>
${verdictBlock}
${v ? html`<div class="grid"><section aria-labelledby="savings"><h2 id="savings">${b.savings}</h2>${figuresWithheld ?? savings(v, lang)}</section><section aria-labelledby="costs"><h2 id="costs">${b.costs}</h2>${costTable(v, lang)}</section></div>` : ""}
<h2>${b.evidence}</h2>
${chartSection(view.chart, lang)}
<div class="grid facts">${settle ? html`<section>${settle}</section>` : ""}${data ? html`<section>${data}</section>` : ""}</div>
${history}`;
  return frame(ctx, "board", nav(ctx, false), `${p.title} – ${b.brand}`, body);
}
