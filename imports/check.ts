// An imported reading goes through the same checks as a live one (ingest/validate.ts: quantity,
// plausible range, not in the future) once its sensor is found and its unit converted. The
// past-age limit of live ingest does not apply: an import states its own range instead.
import { quote } from "../ingest/decoders/types.ts";
import { checkTime, checkValue, instant } from "../ingest/validate.ts";
import { isCounter, QUANTITIES, type Quantity } from "../model/quantities.ts";
import type { Reading } from "../model/reading.ts";
import type { SiteRegistry } from "../model/registry.ts";
import { conversionTo, convert, type UnitConversion, unitsOf } from "../model/units.ts";
import { ownCopy } from "./time.ts";
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

/** A series of the site a file writes to, with the site's own id strings (a reading built from
 * them keeps no slice of the file's text alive) and the file's last reading of it. */
export interface SeriesRef {
  building: string;
  space: string;
  sensor: string;
  quantity: Quantity;
  counter: boolean;
  conversion: UnitConversion | undefined;
  /** The file's last reading of the series, shared by the refs of one series in two units. */
  history: { last?: { t: number; v: number; line: number } };
}

type Resolved = SeriesRef | CellRefusal;

export interface Checked {
  reading: Reading;
  series: SeriesRef;
}

/** Distinct sensor and unit spellings remembered; a file of garbage ids does not grow it. */
const MAX_REMEMBERED = 10_000;

/** Checks candidates; a file's rows come meter by meter (or instant by instant), so the last
 * sensor resolved is tried first, then the ones seen before. */
export class CandidateChecker {
  readonly #limits: { maxFutureSkewMs: number; maxPastAgeMs: number };
  readonly #resolved = new Map<string, Resolved>();
  /** One ref per series, whatever the unit its rows are written in. */
  readonly #series = new Map<string, SeriesRef>();
  #last:
    | { building: string; space: string; sensor: string; unit: string | undefined; resolved: Resolved }
    | undefined;

  constructor(readonly ctx: CheckContext) {
    this.#limits = { maxFutureSkewMs: ctx.maxFutureSkewMs, maxPastAgeMs: Number.MAX_SAFE_INTEGER };
  }

  check(c: Candidate): Checked | CellRefusal {
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
      const key = `${c.building}\u0000${c.space}\u0000${c.sensor}\u0000${c.unit ?? ""}`;
      let found = this.#resolved.get(key);
      if (found === undefined) {
        found = this.#resolve(c);
        if (this.#resolved.size >= MAX_REMEMBERED) this.#resolved.clear();
        this.#resolved.set(ownCopy(key), found);
      }
      resolved = found;
      this.#last = { building: c.building, space: c.space, sensor: c.sensor, unit: c.unit, resolved };
    }
    if ("refused" in resolved) return c.column === undefined ? resolved : { ...resolved, column: c.column };
    const series = resolved;
    const v = series.conversion === undefined ? c.v : convert(c.v, series.conversion);
    const t = c.t;
    const { range } = this.ctx;
    if (range.from !== undefined && t < range.from) {
      return refusal(
        c.column,
        "outside_range",
        `the time ${instant(t)} is before the import's range, from ${instant(range.from)}`,
      );
    }
    if (range.to !== undefined && t >= range.to) {
      return refusal(
        c.column,
        "outside_range",
        `the time ${instant(t)} is not before the import's range end, ${instant(range.to)}`,
      );
    }
    const quantity = series.quantity;
    const badValue = checkValue(v, quantity);
    if (badValue !== undefined) {
      const spec = QUANTITIES[quantity];
      return refusal(
        c.column,
        badValue.reason as RefusalReason,
        badValue.reason === "out_of_range"
          ? `the value ${v} ${spec.unit} is outside the plausible range of ${quantity}, ${spec.min} to ${spec.max}; check the column, its unit and its decimal separator`
          : badValue.detail,
      );
    }
    const badTime = checkTime(t, this.#limits, this.ctx.now);
    if (badTime !== undefined) return refusal(c.column, badTime.reason as RefusalReason, badTime.detail);
    return {
      reading: { building: series.building, space: series.space, sensor: series.sensor, quantity, t, v },
      series,
    };
  }

  #resolve(c: Candidate): Resolved {
    const { registry, buildings } = this.ctx;
    const building = registry.building(c.building);
    if (!building)
      return refusalOf("unknown_building", `building ${quote(c.building)} is not in the site file`);
    if (buildings && !buildings.has(c.building)) {
      return refusalOf(
        "not_in_scope",
        `building ${quote(c.building)} is not one of the buildings you manage`,
      );
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
    let conversion: UnitConversion | undefined;
    if (c.unit !== undefined) {
      const to = conversionTo(quantity, c.unit);
      if (to === undefined) {
        return refusalOf(
          "wrong_unit",
          `unit ${quote(c.unit)} is not a unit of ${quantity} (sensor ${quote(c.sensor)}): use ${unitsOf(quantity).join(", ")}`,
        );
      }
      if (to.factor !== 1 || to.offset !== 0) conversion = to;
    }
    // The site's own strings: the space id from the site (a dwelling's, or "common").
    const space =
      c.space === "common" ? "common" : (building.dwellings.find((d) => d.id === c.space)?.id ?? c.space);
    const seriesKey = `${building.id}\u0000${space}\u0000${found.sensor.id}`;
    const shared = this.#series.get(seriesKey);
    if (shared !== undefined && shared.conversion === conversion) return shared;
    const ref: SeriesRef = {
      building: building.id,
      space,
      sensor: found.sensor.id,
      quantity,
      counter: isCounter(quantity),
      conversion,
      // Rows of one meter in two units share the meter's history.
      history: shared?.history ?? {},
    };
    if (shared === undefined) this.#series.set(seriesKey, ref);
    return ref;
  }
}

function refusal(column: string | undefined, reason: RefusalReason, detail: string): CellRefusal {
  return refusalOf(reason, detail, column);
}
