// An imported reading goes through the same checks as a live one (ingest/validate.ts: quantity,
// plausible range, not in the future) once its sensor is found and its unit converted. The
// past-age limit of live ingest does not apply: an import states its own range instead.

import { quote } from "../ingest/decoders/types.ts";
import type { IngestLimits } from "../ingest/limits.ts";
import { checkReading, instant } from "../ingest/validate.ts";
import { QUANTITIES } from "../model/quantities.ts";
import type { Reading } from "../model/reading.ts";
import type { SiteRegistry } from "../model/registry.ts";
import type { SensorSpec } from "../model/site.ts";
import { conversionTo, convert, type UnitConversion, unitsOf } from "../model/units.ts";
import { type Candidate, type CellRefusal, type RefusalReason, refusal as refusalOf } from "./types.ts";

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

/** Where a candidate goes and how its value converts, or why it goes nowhere. */
type Resolved = { sensor: SensorSpec; conversion: UnitConversion | undefined } | CellRefusal;

/** Checks candidates, remembering the last sensor resolved: a file's rows come meter by meter. */
export class CandidateChecker {
  readonly #limits: IngestLimits;
  #last:
    | { building: string; space: string; sensor: string; unit: string | undefined; resolved: Resolved }
    | undefined;

  constructor(readonly ctx: CheckContext) {
    this.#limits = {
      maxPayloadBytes: Number.MAX_SAFE_INTEGER,
      maxReadingsPerMessage: Number.MAX_SAFE_INTEGER,
      maxFutureSkewMs: ctx.maxFutureSkewMs,
      maxPastAgeMs: Number.MAX_SAFE_INTEGER,
    };
  }

  check(c: Candidate): Reading | CellRefusal {
    const last = this.#last;
    let resolved: Resolved;
    if (
      last !== undefined &&
      last.sensor === c.sensor &&
      last.space === c.space &&
      last.building === c.building &&
      last.unit === c.unit
    ) {
      resolved = last.resolved;
    } else {
      resolved = resolve(c, this.ctx);
      this.#last = { building: c.building, space: c.space, sensor: c.sensor, unit: c.unit, resolved };
    }
    if ("refused" in resolved) return c.column === undefined ? resolved : { ...resolved, column: c.column };
    const { sensor, conversion } = resolved;
    const v = conversion === undefined ? c.v : convert(c.v, conversion);
    const { range } = this.ctx;
    if (range.from !== undefined && c.t < range.from) {
      return refusal(
        c.column,
        "outside_range",
        `the time ${instant(c.t)} is before the import's range, from ${instant(range.from)}`,
      );
    }
    if (range.to !== undefined && c.t >= range.to) {
      return refusal(
        c.column,
        "outside_range",
        `the time ${instant(c.t)} is not before the import's range end, ${instant(range.to)}`,
      );
    }
    const checked = checkReading(
      { ok: true, where: "", t: c.t, v },
      "json",
      { building: c.building, space: c.space, sensor },
      this.ctx.registry,
      this.#limits,
      this.ctx.now,
    );
    if (!("refused" in checked)) return checked;
    const quantity = sensor.quantity;
    const reason = checked.reason as RefusalReason;
    const detail =
      reason === "out_of_range"
        ? `the value ${v} ${QUANTITIES[quantity].unit} is outside the plausible range of ${quantity}, ${QUANTITIES[quantity].min} to ${QUANTITIES[quantity].max}; check the column, its unit and its decimal separator`
        : checked.detail;
    return refusal(c.column, reason, detail);
  }
}

function resolve(c: Candidate, ctx: CheckContext): Resolved {
  const { registry } = ctx;
  if (!registry.building(c.building)) {
    return refusalOf("unknown_building", `building ${quote(c.building)} is not in the site file`);
  }
  if (ctx.buildings && !ctx.buildings.has(c.building)) {
    return refusalOf("not_in_scope", `building ${quote(c.building)} is not one of the buildings you manage`);
  }
  if (!registry.hasSpace(c.building, c.space)) {
    return refusalOf(
      "unknown_space",
      `building ${quote(c.building)} has no dwelling ${quote(c.space)} (common areas are "common")`,
    );
  }
  const found = registry.lookup(c.building, c.space, c.sensor);
  if (!found.found) {
    return refusalOf(
      "unknown_sensor",
      `space ${quote(c.space)} of building ${quote(c.building)} has no sensor ${quote(c.sensor)}; declare it in the site file`,
    );
  }
  const quantity = found.sensor.quantity;
  if (c.unit === undefined) return { sensor: found.sensor, conversion: undefined };
  const conversion = conversionTo(quantity, c.unit);
  if (conversion === undefined) {
    return refusalOf(
      "wrong_unit",
      `unit ${quote(c.unit)} is not a unit of ${quantity} (sensor ${quote(c.sensor)}): use ${unitsOf(quantity).join(", ")}`,
    );
  }
  return {
    sensor: found.sensor,
    conversion: conversion.factor === 1 && conversion.offset === 0 ? undefined : conversion,
  };
}

function refusal(column: string | undefined, reason: RefusalReason, detail: string): CellRefusal {
  return refusalOf(reason, detail, column);
}
