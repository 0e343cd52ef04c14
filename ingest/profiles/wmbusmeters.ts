// wmbusmeters' JSON telegrams, as its shell command publishes them (wmbusmeters/<meter name>
// by default): the meter's id and name, fields such as total_m3, total_kwh,
// current_power_consumption_kw, flow_temperature_c, and the reading's timestamp (RFC 3339, UTC).
import { isObject } from "./path.ts";
import { readTime } from "./time.ts";
import { addIt, type Identified, type ProfileInput, refused } from "./types.ts";

export function identifyWmbusmeters({ topic, body, registry }: ProfileInput): Identified {
  if (!isObject(body)) {
    return refused(
      "malformed_payload",
      "a wmbusmeters telegram is a JSON object; set format=json in wmbusmeters.conf",
    );
  }
  const id = typeof body.id === "string" || typeof body.id === "number" ? String(body.id) : undefined;
  const name = typeof body.name === "string" ? body.name : undefined;
  if (id === undefined && name === undefined) {
    return refused(
      "malformed_payload",
      "the telegram names no meter (no id, no name): is it wmbusmeters' METER_JSON?",
    );
  }
  const source = registry
    .sourcesOnTopic("wmbusmeters", topic)
    .find((s) => (s.id === undefined || s.id === id) && (s.name === undefined || s.name === name));
  if (!source) {
    const named = [id !== undefined && `id "${id}"`, name !== undefined && `name "${name}"`].filter(Boolean);
    return refused(
      "unknown_device",
      `no source with wmbusmeters ${named.join(" or ")} on topic "${topic}" in the site file; ${addIt("wmbusmeters")}`,
    );
  }
  const time = readTime(body.timestamp, "rfc3339", "timestamp");
  if (!time.ok) return refused("malformed_payload", time.detail, source);
  return { kind: "found", source, root: body, rootPath: "", t: time.t };
}
