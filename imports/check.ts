// An imported reading goes through the same checks as a live one (ingest/validate.ts: quantity,
// plausible range, not in the future) once its sensor is found and its unit converted. The
// past-age limit of live ingest does not apply: an import states its own range instead.

import { quote } from "../ingest/decoders/types.ts";
import type { IngestLimits } from "../ingest/limits.ts";
import { checkReading, instant } from "../ingest/validate.ts";
import { QUANTITIES } from "../model/quantities.ts";
import type { Reading } from "../model/reading.ts";
import type { SiteRegistry } from "../model/registry.ts";
import { conversionTo, convert, unitsOf } from "../model/units.ts";
import { type Candidate, type CellRefusal, type RefusalReason, refusal } from "./types.ts";

export interface ImportRange {
  /** First instant accepted, ms; undefined: from the start of time. */
  from?: number;
  /** First instant no longer accepted, ms; undefined: up to now (and the future skew). */
  to?: number;
}

export interface CheckContext {
  registry: SiteRegistry;
  range: ImportRange;
  /** When set, the only buildings the importer may write (a manager's scope). */
  buildings?: ReadonlySet<string>;
  /** The time of the import: readings after it (and the live skew) are in the future. */
  now: number;
  maxFutureSkewMs: number;
}

export function checkCandidate(c: Candidate, ctx: CheckContext): Reading | CellRefusal {
  const fail = (reason: RefusalReason, detail: string) => refusal(reason, detail, c.column);
  const { registry } = ctx;
  if (!registry.building(c.building)) {
    return fail("unknown_building", `building ${quote(c.building)} is not in the site file`);
  }
  if (ctx.buildings && !ctx.buildings.has(c.building)) {
    return fail("not_in_scope", `building ${quote(c.building)} is not one of the buildings you manage`);
  }
  if (!registry.hasSpace(c.building, c.space)) {
    return fail(
      "unknown_space",
      `building ${quote(c.building)} has no dwelling ${quote(c.space)} (common areas are "common")`,
    );
  }
  const found = registry.lookup(c.building, c.space, c.sensor);
  if (!found.found) {
    return fail(
      "unknown_sensor",
      `space ${quote(c.space)} of building ${quote(c.building)} has no sensor ${quote(c.sensor)}; declare it in the site file`,
    );
  }
  const quantity = found.sensor.quantity;
  let v = c.v;
  if (c.unit !== undefined) {
    const conversion = conversionTo(quantity, c.unit);
    if (conversion === undefined) {
      return fail(
        "wrong_unit",
        `unit ${quote(c.unit)} is not a unit of ${quantity} (sensor ${quote(c.sensor)}): use ${unitsOf(quantity).join(", ")}`,
      );
    }
    v = convert(v, conversion);
  }
  if (ctx.range.from !== undefined && c.t < ctx.range.from) {
    return fail(
      "outside_range",
      `the time ${instant(c.t)} is before the import's range, from ${instant(ctx.range.from)}`,
    );
  }
  if (ctx.range.to !== undefined && c.t >= ctx.range.to) {
    return fail(
      "outside_range",
      `the time ${instant(c.t)} is not before the import's range end, ${instant(ctx.range.to)}`,
    );
  }
  const checked = checkReading(
    { ok: true, where: "", t: c.t, v },
    "json",
    { building: c.building, space: c.space, sensor: found.sensor },
    registry,
    limitsOf(ctx),
    ctx.now,
  );
  if ("refused" in checked) {
    const reason = checked.reason as RefusalReason;
    const detail =
      reason === "out_of_range"
        ? `the value ${v} ${QUANTITIES[quantity].unit} is outside the plausible range of ${quantity}, ${QUANTITIES[quantity].min} to ${QUANTITIES[quantity].max}; check the column, its unit and its decimal separator`
        : checked.detail;
    return fail(reason, detail);
  }
  return checked;
}

const limitsCache = new WeakMap<CheckContext, IngestLimits>();

function limitsOf(ctx: CheckContext): IngestLimits {
  let limits = limitsCache.get(ctx);
  if (limits === undefined) {
    limits = {
      maxPayloadBytes: Number.MAX_SAFE_INTEGER,
      maxReadingsPerMessage: Number.MAX_SAFE_INTEGER,
      maxFutureSkewMs: ctx.maxFutureSkewMs,
      maxPastAgeMs: Number.MAX_SAFE_INTEGER,
    };
    limitsCache.set(ctx, limits);
  }
  return limits;
}
