// The tenant's pages: the month's usage with comparisons, the connected devices of the home,
// and the one-page printable statement a caretaker can hand over.
import { TENANT_STANDING } from "../../domain/wording/decisions.ts";
import { PAYER } from "../../domain/wording/payers.ts";
import { quantityName } from "../../domain/wording/quantities.ts";
import { localIsoDate } from "../../model/time-zone.ts";
import { monthKey, monthOf, parseMonth } from "../views/periods.ts";
import type { TenantDevice, TenantDevices } from "../views/tenant-devices.ts";
import { SAME_PCT, type TenantUsage } from "../views/tenant-usage.ts";
import { type FrameContext, frame } from "./frame.ts";
import { type Html, html } from "./html.ts";
import {
  formatDate,
  formatMoney,
  formatMonth,
  formatNumber,
  formatQuantity,
  type Lang,
  withLang,
} from "./i18n.ts";
import type { NavLink } from "./layout.ts";
import { STRINGS } from "./strings.ts";

/** Where the tenant pages of one dwelling live: /tenant for the tenant, a building path for a caretaker. */
export interface TenantLinks {
  usage: (month?: string) => string;
  devices: string;
  statement: (month: string) => string;
  /** The tenant's own menu; a caretaker printing a statement has none. */
  showNav: boolean;
}

export const SELF_LINKS: TenantLinks = {
  usage: (month) => (month ? `/tenant?month=${month}` : "/tenant"),
  devices: "/tenant/devices",
  statement: (month) => `/tenant/statement?month=${month}`,
  showNav: true,
};

/** A caretaker (manager) printing a dwelling's statement. */
export function caretakerLinks(building: string, dwelling: string): TenantLinks {
  const base = `/buildings/${encodeURIComponent(building)}/dwellings/${encodeURIComponent(dwelling)}/statement`;
  return {
    usage: (month) => (month ? `${base}?month=${month}` : base),
    devices: base,
    statement: (month) => `${base}?month=${month}`,
    showNav: false,
  };
}

type Quantity = TenantUsage["quantities"][number];
type Amount = Quantity["current"];

function nav(
  ctx: FrameContext,
  links: TenantLinks,
  month: string,
  current: "usage" | "devices" | "statement",
): NavLink[] {
  const t = STRINGS[ctx.lang].tenant;
  if (!links.showNav) return [];
  return [
    { href: links.usage(month), label: t.navUsage, current: current === "usage" },
    { href: links.devices, label: t.navDevices, current: current === "devices" },
    { href: links.statement(month), label: t.navStatement, current: current === "statement" },
  ];
}

function amountCells(a: Amount, lang: Lang, unit: string): Html {
  const t = STRINGS[lang].tenant;
  if (!a) return html`<td class="num">${t.noData}</td><td class="num">–</td>`;
  return html`<td class="num">${formatQuantity(a.value, unit, lang)}</td><td class="num">${a.cents === null ? t.noPrice : formatMoney(a.cents, lang)}</td>`;
}

function comparisonText(q: Quantity, lang: Lang): string {
  const t = STRINGS[lang].tenant;
  const c = q.comparison;
  if (c.status === "no_data") return t.noCompare;
  if (c.status === "too_few") return t.tooFew(c.peers, c.needed);
  if (Math.abs(c.differencePct) < SAME_PCT) return t.same(c.peers);
  return t.compared(formatNumber(Math.abs(c.differencePct), lang), c.differencePct > 0, c.peers);
}

function periodLabel(key: "current" | "previousMonth" | "lastYear", usage: TenantUsage, lang: Lang): string {
  const t = STRINGS[lang].tenant;
  const month = formatMonth(usage.periods[key].from.slice(0, 7), lang);
  // "This month" only while it runs: a past month asked for is named by itself.
  if (key === "current" && !usage.partial) return month.charAt(0).toUpperCase() + month.slice(1);
  const label = { current: t.thisMonth, previousMonth: t.previousMonth, lastYear: t.lastYear }[key];
  return `${label} (${month})`;
}

function quantitySection(q: Quantity, usage: TenantUsage, lang: Lang, headingLevel: 2 | 3): Html {
  const t = STRINGS[lang].tenant;
  const name = quantityName(q.quantity)[lang];
  const id = `q-${q.quantity}`;
  const heading = headingLevel === 2 ? html`<h2 id="${id}">${name}</h2>` : html`<h3 id="${id}">${name}</h3>`;
  const water =
    q.unit === "m3" && q.current
      ? html`<p class="small muted">${t.litres(formatNumber(q.current.value * 1000, lang))}</p>`
      : "";
  return html`<section class="card" aria-labelledby="${id}">${heading}
<table>
<thead><tr><th scope="col">${t.period}</th><th scope="col" class="num">${t.used}</th><th scope="col" class="num">${t.cost}</th></tr></thead>
<tbody>
${(["current", "previousMonth", "lastYear"] as const).map(
  (k) => html`<tr><th scope="row">${periodLabel(k, usage, lang)}</th>${amountCells(q[k], lang, q.unit)}</tr>`,
)}
</tbody>
</table>${water}
<p>${comparisonText(q, lang)}</p>
</section>`;
}

function totalBlock(usage: TenantUsage, lang: Lang): Html {
  const t = STRINGS[lang].tenant;
  return html`<p class="total">${t.total(formatMoney(usage.total.currentCents, lang))}</p>
${usage.total.complete ? "" : html`<p>${t.totalIncomplete}</p>`}
<p class="small muted">${t.priceNote}</p>`;
}

function title(usage: TenantUsage, lang: Lang): string {
  return formatMonth(usage.month, lang);
}

function dwellingLine(usage: TenantUsage, lang: Lang): string {
  const t = STRINGS[lang].tenant;
  return t.dwelling(usage.dwelling.label ?? usage.dwelling.id, usage.building.name);
}

function adjacent(month: string, delta: number): string {
  const { y, m } = parseMonth(month);
  return monthKey(y, m + delta);
}

/** `zone`: the site's time zone, which says what month `now` is in. */
export function tenantUsagePage(
  ctx: FrameContext,
  links: TenantLinks,
  usage: TenantUsage,
  now: number,
  zone: string,
): string {
  const { lang } = ctx;
  const t = STRINGS[lang].tenant;
  const before = adjacent(usage.month, -1);
  const after = adjacent(usage.month, 1);
  const nowMonth = monthOf(now, zone);
  const body = html`<h1>${t.titleUsage(title(usage, lang))}</h1>
<p class="lead">${dwellingLine(usage, lang)}</p>
${usage.partial ? html`<p>${t.partial(usage.periods.current.days, title(usage, lang))}</p>` : ""}
<nav class="months" aria-label="${t.navUsage}">
<a href="${withLang(links.usage(before), lang)}">${t.previousLink(formatMonth(before, lang))}</a>
${after <= nowMonth ? html`<a href="${withLang(links.usage(after), lang)}">${t.nextLink(formatMonth(after, lang))}</a>` : ""}
</nav>
<div class="grid">${usage.quantities.map((q) => quantitySection(q, usage, lang, 2))}</div>
${totalBlock(usage, lang)}
<p><a href="${withLang(links.devices, lang)}">${t.seeDevices}</a></p>
<p><a href="${withLang(links.statement(usage.month), lang)}">${t.statementLink}</a></p>`;
  return frame(
    ctx,
    "tenant",
    nav(ctx, links, usage.month, "usage"),
    `${t.titleUsage(title(usage, lang))} – ${t.brand}`,
    body,
  );
}

function deviceBlock(d: TenantDevice, lang: Lang, compact: boolean): Html {
  const t = STRINGS[lang].tenant;
  const id = `d-${d.proposalId.replace(/[^A-Za-z0-9_-]/g, "_")}`;
  const cost =
    d.costToYouCentsPerYear === null
      ? t.costUnknown
      : d.costToYouCentsPerYear === 0
        ? t.costsNothing
        : t.costsYou(formatMoney(d.costToYouCentsPerYear, lang));
  const saving =
    d.savingCentsPerYear && d.savingCentsPerYear.estimate > 0
      ? t.saves(
          formatMoney(d.savingCentsPerYear.estimate, lang),
          formatMoney(d.savingCentsPerYear.lower, lang),
          formatMoney(d.savingCentsPerYear.upper, lang),
        )
      : d.status === "not_evaluated"
        ? ""
        : t.savesNothing;
  const heading = compact
    ? html`<h3 id="${id}">${d.name[lang]}</h3>`
    : html`<h2 id="${id}">${d.name[lang]}</h2>`;
  return html`<section class="card ${d.status}" aria-labelledby="${id}">${heading}
<p><strong>${TENANT_STANDING[d.status][lang]}</strong></p>
<p>${cost}${d.costLines.length && !compact ? html` <span class="muted">(${d.costLines.map((l, i) => html`${i ? ", " : ""}${formatMoney(l.centsPerYear, lang)} ${PAYER[l.payer].yours[lang]}`)})</span>` : ""}</p>
${saving ? html`<p>${saving}</p>` : ""}
${!compact && d.installDate ? html`<p class="muted">${t.installedOn(formatDate(d.installDate, lang))}</p>` : ""}
${!compact && d.explanation ? html`<p>${d.explanation[lang]}</p>` : ""}
</section>`;
}

export function tenantDevicesPage(
  ctx: FrameContext,
  links: TenantLinks,
  devices: TenantDevices,
  month: string,
): string {
  const { lang } = ctx;
  const t = STRINGS[lang].tenant;
  const body = html`<h1>${t.titleDevices}</h1>
<p class="lead">${t.devicesIntro}</p>
${devices.devices.length === 0 ? html`<p>${t.noDevices}</p>` : devices.devices.map((d) => deviceBlock(d, lang, false))}`;
  return frame(ctx, "tenant", nav(ctx, links, month, "devices"), `${t.titleDevices} – ${t.brand}`, body);
}

export function tenantStatementPage(
  ctx: FrameContext,
  links: TenantLinks,
  usage: TenantUsage,
  devices: TenantDevices,
  now: number,
  zone: string,
): string {
  const { lang } = ctx;
  const t = STRINGS[lang].tenant;
  const month = title(usage, lang);
  const body = html`<h1>${t.titleStatement(month)}</h1>
<div class="statement-head">
<p><strong>${t.statementFor}</strong> ${usage.dwelling.label ?? usage.dwelling.id}<br>${usage.building.name}${usage.building.address ? html`<br>${usage.building.address}` : ""}</p>
<p><strong>${t.statementMonth}</strong> ${month}<br><span class="muted">${t.printedOn(formatDate(localIsoDate(now, zone), lang))}</span></p>
</div>
${usage.partial ? html`<p>${t.partial(usage.periods.current.days, month)}</p>` : ""}
<p class="noprint muted">${t.printHint}</p>
<div class="grid">${usage.quantities.map((q) => quantitySection(q, usage, lang, 2))}</div>
${totalBlock(usage, lang)}
<h2>${t.statementDevices}</h2>
${devices.devices.length === 0 ? html`<p>${t.noDevices}</p>` : html`<div class="grid">${devices.devices.map((d) => deviceBlock(d, lang, true))}</div>`}
<p class="small">${t.statementHelp}</p>`;
  return frame(
    ctx,
    "tenant",
    nav(ctx, links, usage.month, "statement"),
    `${t.titleStatement(month)} – ${t.brand}`,
    body,
  );
}
