// A tenant's month: heating, water and electricity of their dwelling this month, the month
// before and the same month a year earlier, in units and euros, and how it compares with the
// other dwellings of the building (per m², only when at least MIN_COMPARISON_GROUP have data).
import { z } from "zod";
import { costCents } from "../../model/money.ts";
import {
  METERED_QUANTITIES,
  type MeteredQuantity,
  meteredQuantitySchema,
  QUANTITIES,
} from "../../model/quantities.ts";
import type { SiteRegistry } from "../../model/registry.ts";
import type { Building, Dwelling } from "../../model/site.ts";
import { median } from "../../rules/stats.ts";
import { tariffAt } from "../../rules/tariffs.ts";
import type { TelemetryStore } from "../../storage/telemetry-store.ts";
import { ApiError } from "../problem.ts";
import { type MonthPeriods, monthPeriods, type Period } from "./periods.ts";

/** French open energy data publish an aggregate only over at least 10 households. */
export const MIN_COMPARISON_GROUP = 10;

/** Within this many percent of the typical dwelling, use is "about the same". */
export const SAME_PCT = 5;

export { METERED_QUANTITIES, type MeteredQuantity, meteredQuantitySchema };

const periodSchema = z.object({
  from: z.iso.date(),
  to: z.iso.date().meta({ description: "The day after the last one" }),
  days: z.number().int(),
});

const amountSchema = z
  .object({
    value: z.number().meta({ description: "In the quantity's unit (kWh or m3)" }),
    cents: z.number().int().nullable().meta({ description: "At the site's tariff; null when none applies" }),
    pricePerUnit: z.string().nullable(),
  })
  .nullable()
  .meta({ description: "null when the meter sent nothing for the period" });

const comparisonSchema = z.discriminatedUnion("status", [
  z.object({
    status: z.literal("compared"),
    /** Other dwellings of the building with data for the period. */
    peers: z.number().int(),
    /** The median use per m² of the peers, times this dwelling's area. */
    typicalForYourArea: z.number(),
    differencePct: z.number().meta({ description: "Positive: you used more than the typical dwelling" }),
  }),
  z.object({ status: z.literal("too_few"), peers: z.number().int(), needed: z.number().int() }),
  z.object({ status: z.literal("no_data") }),
]);

export const tenantUsageSchema = z.object({
  building: z.object({ id: z.string(), name: z.string(), address: z.string().nullable() }),
  dwelling: z.object({ id: z.string(), label: z.string().nullable(), areaM2: z.number() }),
  month: z.string(),
  partial: z
    .boolean()
    .meta({ description: "The month is running: every period covers its first `days` days" }),
  periods: z.object({ current: periodSchema, previousMonth: periodSchema, lastYear: periodSchema }),
  quantities: z.array(
    z.object({
      quantity: meteredQuantitySchema,
      unit: z.string(),
      current: amountSchema,
      previousMonth: amountSchema,
      lastYear: amountSchema,
      comparison: comparisonSchema,
    }),
  ),
  total: z.object({
    currentCents: z.number().int().meta({ description: "Sum of the amounts priced this month" }),
    complete: z.boolean().meta({ description: "false when a quantity had no data or no tariff" }),
  }),
});

export type TenantUsage = z.infer<typeof tenantUsageSchema>;
type Amount = z.infer<typeof amountSchema>;

export interface UsageDeps {
  store: TelemetryStore;
  registry: SiteRegistry;
}

export function findDwelling(
  registry: SiteRegistry,
  building: string,
  dwelling: string,
): {
  building: Building;
  dwelling: Dwelling;
} {
  const b = registry.building(building);
  const d = b?.dwellings.find((x) => x.id === dwelling);
  if (!b || !d) throw new ApiError("NOT_FOUND", "No such dwelling.");
  return { building: b, dwelling: d };
}

function priceOn(registry: SiteRegistry, quantity: MeteredQuantity, date: string): string | null {
  try {
    return tariffAt(registry.site.tariffs, quantity, date).pricePerUnit;
  } catch {
    return null;
  }
}

/** Use per space over a period (dwellings and common areas), summed over the period's windows. */
async function usageBySpace(
  store: TelemetryStore,
  building: string,
  quantity: MeteredQuantity,
  period: Period,
): Promise<Map<string, number>> {
  const rows = await store.consumptionBySpace({
    building,
    quantity,
    from: period.fromMs,
    to: period.toMs,
    every: "1mo",
  });
  const out = new Map<string, number>();
  for (const r of rows) out.set(r.space, (out.get(r.space) ?? 0) + r.value);
  return out;
}

function amount(value: number | undefined, price: string | null): Amount {
  if (value === undefined) return null;
  // Meters report to the litre or the Wh; sums of floats carry noise below that.
  value = Math.round(value * 1000) / 1000;
  return { value, cents: price === null ? null : costCents(value, price), pricePerUnit: price };
}

function compare(
  building: Building,
  dwelling: Dwelling,
  bySpace: Map<string, number>,
): z.infer<typeof comparisonSchema> {
  const mine = bySpace.get(dwelling.id);
  if (mine === undefined) return { status: "no_data" };
  const perM2 = building.dwellings
    .filter((d) => d.id !== dwelling.id && bySpace.has(d.id))
    .map((d) => bySpace.get(d.id)! / d.areaM2);
  if (perM2.length < MIN_COMPARISON_GROUP)
    return { status: "too_few", peers: perM2.length, needed: MIN_COMPARISON_GROUP };
  const typical = median(perM2) * dwelling.areaM2;
  const differencePct = typical > 0 ? ((mine - typical) / typical) * 100 : 0;
  return {
    status: "compared",
    peers: perM2.length,
    typicalForYourArea: Math.round(typical * 1000) / 1000,
    differencePct: Math.round(differencePct * 10) / 10,
  };
}

const periodOut = (p: Period) => ({ from: p.from, to: p.to, days: p.days });

/** The month view of one dwelling; the caller has checked that the principal may see it. */
export async function tenantUsage(
  deps: UsageDeps,
  where: { building: string; dwelling: string },
  month: string,
  now: number,
): Promise<TenantUsage> {
  const { building, dwelling } = findDwelling(deps.registry, where.building, where.dwelling);
  const periods: MonthPeriods = monthPeriods(month, now, deps.registry.site.timezone);
  const metered = METERED_QUANTITIES.filter((q) => dwelling.sensors.some((s) => s.quantity === q));
  const quantities = await Promise.all(
    metered.map(async (quantity) => {
      const [current, previous, lastYear] = await Promise.all(
        [periods.current, periods.previousMonth, periods.lastYear].map((p) =>
          usageBySpace(deps.store, building.id, quantity, p),
        ),
      );
      const at = (p: Period) => priceOn(deps.registry, quantity, p.from);
      return {
        quantity,
        unit: QUANTITIES[quantity].unit,
        current: amount(current!.get(dwelling.id), at(periods.current)),
        previousMonth: amount(previous!.get(dwelling.id), at(periods.previousMonth)),
        lastYear: amount(lastYear!.get(dwelling.id), at(periods.lastYear)),
        comparison: compare(building, dwelling, current!),
      };
    }),
  );
  const priced = quantities.map((q) => q.current?.cents ?? null);
  return {
    building: { id: building.id, name: building.name, address: building.address ?? null },
    dwelling: { id: dwelling.id, label: dwelling.label ?? null, areaM2: dwelling.areaM2 },
    month,
    partial: periods.partial,
    periods: {
      current: periodOut(periods.current),
      previousMonth: periodOut(periods.previousMonth),
      lastYear: periodOut(periods.lastYear),
    },
    quantities,
    total: {
      currentCents: priced.reduce<number>((sum, c) => sum + (c ?? 0), 0),
      complete: priced.every((c) => c !== null),
    },
  };
}
