// Any JSON on a topic of the site file's choosing, in the spirit of Telegraf's json_v2 parser:
// field paths, an optional time path with its format, and an optional path naming the device
// when several share a topic.
import { describeValue, isObject, valueAt } from "./path.ts";
import { readTime } from "./time.ts";
import { addIt, type Identified, type ProfileInput, refused } from "./types.ts";

export function identifyJson({ topic, body, registry }: ProfileInput): Identified {
  if (!isObject(body) && !Array.isArray(body)) {
    return refused("malformed_payload", `the payload is ${describeValue(body)}, not a JSON object or array`);
  }
  const candidates = registry.sourcesOnTopic("json", topic);
  const named: string[] = [];
  const source = candidates.find((s) => {
    if (s.idPath === undefined) return true;
    const found = valueAt(body, s.idPath);
    const value = found.found ? found.value : undefined;
    if (typeof value === "string" || typeof value === "number") named.push(`"${value}" at ${s.idPath}`);
    return (typeof value === "string" || typeof value === "number") && String(value) === s.id;
  });
  if (!source) {
    return refused(
      "unknown_device",
      named.length > 0
        ? `no source with id ${[...new Set(named)].join(" or ")} on topic "${topic}" in the site file; ${addIt("json")}`
        : `the payload has none of the id paths of the sources on topic "${topic}" (${[...new Set(candidates.map((s) => s.idPath))].join(", ")})`,
    );
  }
  let t: number | undefined;
  if (source.timePath !== undefined && source.timeFormat !== undefined) {
    const found = valueAt(body, source.timePath);
    if (!found.found) {
      return refused(
        "missing_field",
        `the time field "${source.timePath}" is not in the payload; it has: ${found.has.join(", ") || "nothing there"}`,
        source,
      );
    }
    const time = readTime(found.value, source.timeFormat, `the time field "${source.timePath}"`);
    if (!time.ok) return refused("malformed_payload", time.detail, source);
    t = time.t;
  }
  return { kind: "found", source, root: body, rootPath: "", t };
}
