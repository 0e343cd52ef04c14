// Resolves a decoded reading against the site (which sensor, of which quantity) and checks it:
// unit, quantity, finite value within the catalogue's range, timestamp within the limits.
// Everything is plain comparisons: this runs once per reading on ingest's hot path.
import type { RejectionReason } from "../model/dead-letter.ts";
import { QUANTITIES, type Quantity } from "../model/quantities.ts";
import type { Reading } from "../model/reading.ts";
import type { SiteRegistry } from "../model/registry.ts";
import type { SensorSpec } from "../model/site.ts";
import type { DecodedReading, PayloadFormat } from "./decoders/types.ts";
import { quote } from "./decoders/types.ts";
import type { IngestLimits } from "./limits.ts";

export interface Refusal {
  refused: true;
  reason: RejectionReason;
  detail: string;
}

/** Where the topic points: building and space exist; `sensor` is the topic's, when it names one. */
export interface TopicTarget {
  building: string;
  space: string;
  sensor: SensorSpec | undefined;
}

/** Latest instant a Reading may carry (readingSchema, and the limit of a JS Date). */
const MAX_TIME = 8.64e15;

export function checkReading(
  item: DecodedReading,
  format: PayloadFormat,
  target: TopicTarget,
  registry: SiteRegistry,
  limits: IngestLimits,
  receivedAt: number,
): Reading | Refusal {
  const sensor = resolveSensor(item, format, target, registry);
  if ("refused" in sensor) return sensor;
  const quantity = sensor.quantity;
  const spec = QUANTITIES[quantity];
  if (item.quantity !== undefined && item.quantity !== quantity) {
    return refuse(
      "wrong_quantity",
      Object.hasOwn(QUANTITIES, item.quantity)
        ? `measurement ${quote(item.quantity)} does not match sensor ${quote(sensor.id)}, which measures ${quantity}; name the measurement "${quantity}"`
        : `measurement ${quote(item.quantity)} is not a quantity of the catalogue; name it after what sensor ${quote(sensor.id)} measures: "${quantity}" (with Telegraf, name_override)`,
    );
  }
  if (item.unit !== undefined && item.unit !== spec.unit) {
    return refuse(
      "wrong_unit",
      `unit ${quote(item.unit)} does not match sensor ${quote(sensor.id)}, which measures ${quantity} in "${spec.unit}"; convert to "${spec.unit}" or leave the unit out`,
    );
  }
  const v = item.v;
  const t = item.t;
  const problem = checkValue(v, quantity) ?? checkTime(t, limits, receivedAt);
  if (problem !== undefined) return problem;
  return { building: target.building, space: target.space, sensor: sensor.id, quantity, t, v };
}

/** Why a value is not one of `quantity`'s (not finite, outside its plausible range), or undefined. */
export function checkValue(v: number, quantity: Quantity): Refusal | undefined {
  const spec = QUANTITIES[quantity];
  if (!Number.isFinite(v)) {
    return refuse(
      "non_finite_value",
      `the value is ${v}, not a finite number; send a finite number (a number too large for a double, such as 1e999, becomes infinite)`,
    );
  }
  if (v < spec.min || v > spec.max) {
    return refuse(
      "out_of_range",
      `the value ${v} ${spec.unit} is outside the plausible range of ${quantity}, ${spec.min} to ${spec.max} ${spec.unit}; check the sensor, its scaling and its unit`,
    );
  }
  return undefined;
}

/** Why an instant is not acceptable at `receivedAt` (too far ahead, too old), or undefined. */
export function checkTime(
  t: number,
  limits: Pick<IngestLimits, "maxFutureSkewMs" | "maxPastAgeMs">,
  receivedAt: number,
): Refusal | undefined {
  // Negated comparisons also catch NaN.
  if (!(t <= receivedAt + limits.maxFutureSkewMs && t <= MAX_TIME)) {
    return refuse(
      "timestamp_in_future",
      `the time ${instant(t)} is ${duration(t - receivedAt)} after the time of receipt ${instant(receivedAt)}, more than the ${duration(limits.maxFutureSkewMs)} allowed; set the device's clock (NTP) or send no time`,
    );
  }
  if (!(t >= receivedAt - limits.maxPastAgeMs && t >= 0)) {
    return refuse(
      "timestamp_too_old",
      `the time ${instant(t)} is ${duration(receivedAt - t)} before the time of receipt, older than the ${duration(limits.maxPastAgeMs)} accepted; check the device's clock, or import older history another way`,
    );
  }
  return undefined;
}

function resolveSensor(
  item: DecodedReading,
  format: PayloadFormat,
  target: TopicTarget,
  registry: SiteRegistry,
): SensorSpec | Refusal {
  if (item.building !== undefined && item.building !== target.building) {
    return refuse(
      "malformed_payload",
      `tag building=${quote(item.building)} disagrees with the topic's building ${quote(target.building)}; drop the tag or publish on the topic of that building`,
    );
  }
  if (item.space !== undefined && item.space !== target.space) {
    return refuse(
      "malformed_payload",
      `tag space=${quote(item.space)} disagrees with the topic's space ${quote(target.space)}; drop the tag or publish on the topic of that space`,
    );
  }
  const named = item.sensor === undefined || item.sensor === "" ? undefined : item.sensor;
  const naming = format === "senml" ? "SenML name (bn + n)" : "sensor tag";
  if (target.sensor) {
    if (named === undefined || named === target.sensor.id) return target.sensor;
    return refuse(
      "malformed_payload",
      `the ${naming} ${quote(named)} disagrees with the topic's sensor ${quote(target.sensor.id)}; on telemetry/{building}/{space}/{sensor} leave the name out (or equal to the sensor id), or publish on telemetry/{building}/{space}`,
    );
  }
  if (named === undefined) {
    return refuse(
      "malformed_payload",
      `the topic names no sensor and neither does the reading; on telemetry/{building}/{space} give each reading its sensor id (${format === "senml" ? "SenML n or bn + n" : "tag sensor=…"})`,
    );
  }
  const found = registry.lookup(target.building, target.space, named);
  if (!found.found) {
    return refuse(
      "unknown_sensor",
      `space ${quote(target.space)} of building ${quote(target.building)} has no sensor ${quote(named)} (the ${naming}); check the name or declare the sensor in the site file`,
    );
  }
  return found.sensor;
}

function refuse(reason: RejectionReason, detail: string): Refusal {
  return { refused: true, reason, detail };
}

/** ISO 8601 when the instant is one a Date can hold, else the raw number. */
export function instant(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= MAX_TIME ? new Date(ms).toISOString() : `${ms} ms`;
}

/** A readable length of time: "4 min 10 s", "3 days", "1096 days". */
export function duration(ms: number): string {
  if (!Number.isFinite(ms)) return `${ms} ms`;
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(abs)} ms`;
  if (abs < 120_000) return `${Math.round(abs / 1000)} s`;
  if (abs < 7_200_000) return `${Math.round(abs / 60_000)} min`;
  if (abs < 172_800_000) return `${Math.round(abs / 3_600_000)} h`;
  return `${Math.round(abs / 86_400_000)} days`;
}
