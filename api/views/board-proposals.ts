// What a housing board reads: the proposals of its buildings with their latest verdict, and
// one proposal's verdict with the evidence behind it. Boards see aggregates only: the chart
// shows group means over at least MIN_AGGREGATE dwellings, never one dwelling's use.
import { pilotSpaces } from "../../guard/evidence.ts";
import { COMMON_SPACE } from "../../model/ids.ts";
import type { Proposal } from "../../model/proposal.ts";
import { QUANTITIES } from "../../model/quantities.ts";
import type { SiteRegistry } from "../../model/registry.ts";
import type { DecisionStore, StoredProposal, VerdictRecord } from "../../storage/decision-store.ts";
import type { TelemetryStore } from "../../storage/telemetry-store.ts";
import type { Principal } from "../auth/principal.ts";
import { buildingsOf } from "../auth/principal.ts";
import { ApiError } from "../problem.ts";
import { monthKey, monthOf, monthPeriod, parseMonth } from "./periods.ts";
import { MIN_COMPARISON_GROUP } from "./tenant-usage.ts";

/** The same threshold as tenants' comparisons: no aggregate over fewer dwellings. */
export const MIN_AGGREGATE = MIN_COMPARISON_GROUP;

/**
 * The households of the pilot's smallest measured group. Before/after, each claim is measured
 * on its own meters: a common meter counts the building's households, dwelling meters count
 * themselves, so a claim on two flats' meters stays two flats even beside a common meter.
 */
export function smallestPilotGroup(proposal: Proposal): number {
  const pilot = proposal.pilot;
  if (pilot.design === "controlled") return Math.min(pilot.treated.length, pilot.control.length);
  const dwellingMeters = pilot.meters.filter((m) => m.space !== COMMON_SPACE).length;
  const common = pilot.meters.some((m) => m.space === COMMON_SPACE);
  const groups = proposal.device.claims.map((c) =>
    c.meter === "common" ? proposal.households : dwellingMeters,
  );
  if (groups.length > 0) return Math.min(...groups);
  return common ? proposal.households : dwellingMeters;
}

/** Whether a verdict's measured figures would show a group of fewer than MIN_AGGREGATE
 * households: a board then sees the decision and the costs, not the figures (managers do). */
export function identifiesHouseholds(proposal: Proposal): boolean {
  return smallestPilotGroup(proposal) < MIN_AGGREGATE;
}

export interface ProposalListItem {
  stored: StoredProposal;
  latest: VerdictRecord | undefined;
}

/** A proposal is shown only when every building it concerns is within the caller's scope. */
export function mayRead(principal: Principal, proposal: Proposal): boolean {
  const allowed = buildingsOf(principal);
  return allowed === "all" || proposal.buildings.every((b) => allowed.has(b));
}

export async function boardProposals(
  decisions: DecisionStore,
  principal: Principal,
): Promise<ProposalListItem[]> {
  const visible = (await decisions.listProposals()).filter((s) => mayRead(principal, s.proposal));
  return Promise.all(
    visible.map(async (stored) => ({ stored, latest: await decisions.latestVerdict(stored.proposal.id) })),
  );
}

export interface ChartSeries {
  key: "treated" | "control" | "metered";
  /** Dwellings in the group (a common-area meter counts as a building's households). */
  size: number;
  /** Mean use per dwelling per month (sum for common meters), null when too few had data. */
  values: (number | null)[];
}

export interface EvidenceChart {
  quantity: string;
  unit: string;
  months: string[];
  /** Month of the (first) installation, when inside the chart. */
  installMonth: string | null;
  series: ChartSeries[];
  /** Groups left out, with their size, because they are smaller than MIN_AGGREGATE. */
  withheld: { key: ChartSeries["key"]; size: number }[];
}

export interface BoardProposalView {
  stored: StoredProposal;
  record: VerdictRecord | undefined;
  verdicts: VerdictRecord[];
  chart: EvidenceChart | null;
}

/** Whole months inside [from, to) (ISO dates). */
export function wholeMonths(from: string, to: string): string[] {
  const out: string[] = [];
  let { y, m } = parseMonth(from.slice(0, 7));
  if (!from.endsWith("-01")) m += 1;
  for (;;) {
    const key = monthKey(y, m);
    const whole = parseMonth(key);
    if (`${monthKey(whole.y, whole.m + 1)}-01` > to) return out;
    out.push(key);
    m += 1;
  }
}

async function monthlyBySpace(
  store: TelemetryStore,
  building: string,
  quantity: string,
  months: string[],
  zone: string,
): Promise<Map<string, Map<string, number>>> {
  const first = parseMonth(months[0]!);
  const last = parseMonth(months[months.length - 1]!);
  const rows = await store.consumptionBySpace({
    building,
    quantity: quantity as Parameters<TelemetryStore["consumptionBySpace"]>[0]["quantity"],
    from: monthPeriod(first.y, first.m, zone).fromMs,
    to: monthPeriod(last.y, last.m, zone).toMs,
    every: "1mo",
  });
  const out = new Map<string, Map<string, number>>();
  for (const r of rows) {
    const key = monthOf(r.start, zone);
    const spaces = out.get(key) ?? new Map<string, number>();
    spaces.set(r.space, (spaces.get(r.space) ?? 0) + r.value);
    out.set(key, spaces);
  }
  return out;
}

/** Monthly means of the pilot's groups over the verdict's evidence window. */
export async function evidenceChart(
  store: TelemetryStore,
  registry: SiteRegistry,
  proposal: Proposal,
  window: { from: string; to: string },
): Promise<EvidenceChart | null> {
  const claim = proposal.device.claims[0];
  if (!claim) return null;
  const months = wholeMonths(window.from, window.to);
  if (months.length === 0) return null;
  const holders = pilotSpaces(proposal, registry);
  const byBuilding = new Map<string, Map<string, Map<string, number>>>();
  for (const b of new Set([...holders.values()].flat())) {
    byBuilding.set(b, await monthlyBySpace(store, b, claim.quantity, months, registry.site.timezone));
  }
  const useOf = (month: string, space: string): number | undefined => {
    let sum: number | undefined;
    for (const b of holders.get(space) ?? []) {
      const v = byBuilding.get(b)?.get(month)?.get(space);
      if (v === undefined) return undefined; // "common" is known only when every building's is
      sum = (sum ?? 0) + v;
    }
    return sum;
  };
  const pilot = proposal.pilot;
  const groups: { key: ChartSeries["key"]; spaces: string[]; size: number; mean: boolean }[] =
    pilot.design === "controlled"
      ? [
          {
            key: "treated",
            spaces: pilot.treated.map((t) => t.dwelling),
            size: pilot.treated.length,
            mean: true,
          },
          { key: "control", spaces: pilot.control, size: pilot.control.length, mean: true },
        ]
      : [
          {
            key: "metered",
            spaces: pilot.meters.map((m) => m.space),
            // A common meter aggregates the whole building's households.
            size: pilot.meters.some((m) => m.space === COMMON_SPACE)
              ? proposal.households
              : pilot.meters.length,
            mean: false,
          },
        ];
  const series: ChartSeries[] = [];
  const withheld: EvidenceChart["withheld"] = [];
  for (const g of groups) {
    if (g.size < MIN_AGGREGATE) {
      withheld.push({ key: g.key, size: g.size });
      continue;
    }
    const values = months.map((month) => {
      const known = g.spaces.map((s) => useOf(month, s)).filter((v): v is number => v !== undefined);
      const enough = g.spaces.includes(COMMON_SPACE)
        ? known.length === g.spaces.length
        : known.length >= MIN_AGGREGATE;
      if (!enough) return null;
      const sum = known.reduce((a, b) => a + b, 0);
      return g.mean ? sum / known.length : sum;
    });
    series.push({ key: g.key, size: g.size, values });
  }
  const installs =
    pilot.design === "controlled"
      ? pilot.treated.map((t) => t.installDate)
      : pilot.meters.map((m) => m.installDate);
  const installMonth = installs.sort()[0]!.slice(0, 7);
  return {
    quantity: claim.quantity,
    unit: QUANTITIES[claim.quantity].unit,
    months,
    installMonth: months.includes(installMonth) ? installMonth : null,
    series,
    withheld,
  };
}

export async function boardProposal(
  deps: { decisions: DecisionStore; store: TelemetryStore; registry: SiteRegistry },
  principal: Principal,
  id: string,
  verdictId?: number,
): Promise<BoardProposalView> {
  const stored = await deps.decisions.getProposal(id);
  if (!stored || !mayRead(principal, stored.proposal)) throw new ApiError("NOT_FOUND", "No such proposal.");
  const verdicts = await deps.decisions.listVerdicts(id);
  const record =
    verdictId === undefined ? verdicts[verdicts.length - 1] : verdicts.find((v) => v.id === verdictId);
  if (verdictId !== undefined && !record)
    throw new ApiError("NOT_FOUND", "No such verdict on this proposal.");
  const chart = record
    ? await evidenceChart(deps.store, deps.registry, stored.proposal, record.window)
    : null;
  return { stored, record, verdicts, chart };
}
