// Parses telemetry topics: telemetry/{building}/{space}/{sensor}, or telemetry/{building}/{space}
// for payloads that name their sensors themselves (SenML names, line-protocol sensor tags).
import { COMMON_SPACE } from "../model/ids.ts";
import { quote } from "./decoders/types.ts";

export const TELEMETRY_PREFIX = "telemetry/";

// Same rule as idSchema (model/ids.ts), without zod's cost on the hot path; ids.test checks they agree.
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what we refuse
const FORBIDDEN = /[/#+\u0000-\u001f\u007f]/;

export function isValidId(s: string): boolean {
  return s.length >= 1 && s.length <= 64 && !FORBIDDEN.test(s);
}

export type ParsedTopic =
  | {
      ok: true;
      building: string;
      /** A dwelling id or "common". */
      space: string;
      /** Undefined on a two-level topic: the payload names the sensor of each reading. */
      sensor: string | undefined;
    }
  | {
      ok: false;
      /** What is wrong and what is expected, for a dead letter. */
      detail: string;
      /** The building named by the topic when its second level is a valid id, to scope the letter. */
      building: string | undefined;
    };

const EXPECTED = `expected ${TELEMETRY_PREFIX}{building}/{space}/{sensor}, or ${TELEMETRY_PREFIX}{building}/{space} for a SenML pack or line protocol that names its sensors; {space} is a dwelling id or "${COMMON_SPACE}"`;

const LEVELS = ["building", "space", "sensor"] as const;

/** Valid topics seen lately: a site has a few thousand sensors, each publishing on the same
 * topic again and again, so most messages skip the split and the id checks, and the readings
 * waiting in the journal share their building, space and sensor strings. */
const parsed = new Map<string, ParsedTopic>();
const PARSED_MAX = 20_000;

export function parseTopic(topic: string): ParsedTopic {
  const known = parsed.get(topic);
  if (known !== undefined) return known;
  const result = parse(topic);
  if (result.ok) {
    if (parsed.size >= PARSED_MAX) parsed.clear();
    parsed.set(topic, Object.freeze(result));
  }
  return result;
}

function parse(topic: string): ParsedTopic {
  if (!topic.startsWith(TELEMETRY_PREFIX)) {
    return {
      ok: false,
      building: undefined,
      detail: `the topic does not start with "${TELEMETRY_PREFIX}": ${EXPECTED}`,
    };
  }
  const parts = topic.slice(TELEMETRY_PREFIX.length).split("/");
  const building = parts[0] !== undefined && isValidId(parts[0]) ? parts[0] : undefined;
  if (parts.length < 2 || parts.length > 3) {
    return { ok: false, building, detail: `the topic has ${parts.length + 1} levels: ${EXPECTED}` };
  }
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i]!;
    if (!isValidId(part)) {
      return {
        ok: false,
        building,
        detail: `the ${LEVELS[i]} level of the topic, ${quote(part)}, is not a valid id (1 to 64 characters, no '/', '#', '+' or control characters): ${EXPECTED}`,
      };
    }
  }
  return { ok: true, building: parts[0]!, space: parts[1]!, sensor: parts[2] };
}
