// zigbee2mqtt device state: <base topic>/<friendly name> (names may hold '/'), a JSON object of
// the device's exposes (temperature, humidity, energy, power…) with last_seen when the bridge is
// configured to send it (ISO_8601, ISO_8601_local or epoch). The bridge's own topics and each
// device's availability, set and get topics are not state: ignored, not dead-lettered.
import { isObject } from "./path.ts";
import { isoTime } from "./time.ts";
import { addIt, type Identified, type ProfileInput, refused } from "./types.ts";

const NOT_STATE = new Set(["availability", "set", "get"]);

/** The friendly name a topic under `<base>/#` carries device state of, or undefined when it is
 * one of the topics that are not state (their payloads are often not JSON). */
export function zigbeeStateName(topic: string, filter: string): string | undefined {
  const base = filter.slice(0, -2); // "<base>/#"
  const name = topic.length > base.length ? topic.slice(base.length + 1) : "";
  const levels = name.split("/");
  const ignored =
    name === "" ||
    levels[0] === "bridge" ||
    NOT_STATE.has(levels.at(-1)!) ||
    (levels.length > 1 && (levels.at(-2) === "set" || levels.at(-2) === "get"));
  return ignored ? undefined : name;
}

export function identifyZigbee2mqtt({ topic, filter, body, registry }: ProfileInput): Identified {
  const base = filter.slice(0, -2);
  const name = zigbeeStateName(topic, filter);
  if (name === undefined) return { kind: "ignored" };
  const levels = name.split("/");
  const source = registry.zigbeeSource(base, name);
  if (!source) {
    const parent = levels.slice(0, -1).join("/");
    const attribute = parent !== "" && registry.zigbeeSource(base, parent) !== undefined;
    return refused(
      "unknown_device",
      attribute
        ? `"${levels.at(-1)}" is an attribute of "${parent}" published alone (zigbee2mqtt's output: attribute); set output: json (or attribute_and_json) in zigbee2mqtt's configuration`
        : `no source with friendlyName "${name}" (base topic "${base}") in the site file; ${addIt("zigbee2mqtt")}`,
    );
  }
  if (!isObject(body)) {
    return refused(
      "malformed_payload",
      "zigbee2mqtt device state is a JSON object; set output: json in zigbee2mqtt's configuration",
      source,
    );
  }
  const seen = body.last_seen;
  let t: number | undefined;
  if (typeof seen === "number" && Number.isFinite(seen)) t = Math.round(seen);
  else if (typeof seen === "string") {
    t = isoTime(seen);
    if (t === undefined)
      return refused(
        "malformed_payload",
        `last_seen "${seen}" is not an ISO 8601 date-time with a zone`,
        source,
      );
  } else if (seen !== undefined && seen !== null) {
    return refused("malformed_payload", "last_seen is neither a date-time nor epoch milliseconds", source);
  }
  return { kind: "found", source, root: body, rootPath: "", t };
}
