// One MQTT message in, its readings and dead letters out: a topic of a third-party source
// (the site file's sources) goes to its profile (profiles/accept-source.ts); telemetry's topic
// and size are checked, the payload decoded by its first non-blank character ("{" JSON object,
// "[" SenML pack, otherwise line protocol), then every reading resolved and checked. Pure and synchronous,
// never throws: whatever a sender publishes ends as readings or dead letters.
import type { Reading } from "../model/reading.ts";
import type { SiteRegistry } from "../model/registry.ts";
import { decodeJsonObject } from "./decoders/json.ts";
import { decodeLineProtocol } from "./decoders/line-protocol.ts";
import { decodeSenml } from "./decoders/senml.ts";
import type { DecodeContext, DecodeResult, PayloadFormat } from "./decoders/types.ts";
import { quote } from "./decoders/types.ts";
import { type Accepted, Letters } from "./letters.ts";
import type { IngestLimits } from "./limits.ts";
import { acceptSourced } from "./profiles/accept-source.ts";
import { parseTopic, TELEMETRY_PREFIX } from "./topic.ts";
import { checkReading, type TopicTarget } from "./validate.ts";

export type { Accepted };

const utf8 = new TextDecoder("utf-8", { fatal: true });

const FORMATS =
  'a JSON object ({"v": 12.5}), a SenML pack ([{"v": 12.5}]) or InfluxDB line protocol (temperature value=12.5)';

/**
 * Decodes and validates one message. Readings without a device time get `receivedAt`; each
 * refused reading is one dead letter, and so is a message refused whole (bad topic, unknown
 * building, space or topic sensor, too large, undecodable, too many readings).
 */
export function acceptMessage(
  topic: string,
  payload: Buffer,
  receivedAt: number,
  registry: SiteRegistry,
  limits: IngestLimits,
): Accepted {
  const letters = new Letters(topic, payload, Math.round(receivedAt));
  try {
    return accept(topic, payload, letters.receivedAt, registry, limits, letters);
  } catch (err) {
    // A decoder bug must not lose the message: it is kept whole, with what went wrong.
    const message = err instanceof Error ? err.message : String(err);
    return letters.only(
      "malformed_payload",
      `ingest could not process this message (${message}); please report it with this payload`,
    );
  }
}

function accept(
  topic: string,
  payload: Buffer,
  receivedAt: number,
  registry: SiteRegistry,
  limits: IngestLimits,
  letters: Letters,
): Accepted {
  if (!topic.startsWith(TELEMETRY_PREFIX)) {
    const route = registry.profileOf(topic);
    if (route) return acceptSourced(route, payload, receivedAt, registry, limits, letters);
  }
  const parsed = parseTopic(topic);
  // A letter names its building only when the site has it: the building scopes who may read the
  // letter and is a tag in InfluxDB, which a sender must not be able to multiply at will.
  const known = (id: string | undefined) => (id !== undefined && registry.building(id) ? id : undefined);
  if (!parsed.ok) {
    letters.building = known(parsed.building);
    return letters.only("malformed_topic", parsed.detail);
  }
  const { building, space } = parsed;
  letters.building = known(building);
  if (payload.length > limits.maxPayloadBytes) {
    return letters.only(
      "payload_too_large",
      `the payload is ${payload.length} bytes, more than the ${limits.maxPayloadBytes} accepted; split it into several messages`,
    );
  }
  if (!registry.building(building)) {
    return letters.only(
      "unknown_building",
      `building ${quote(building)} is not in the site; check the topic or add the building to the site file`,
    );
  }
  if (!registry.hasSpace(building, space)) {
    return letters.only(
      "unknown_space",
      `building ${quote(building)} has no dwelling ${quote(space)} (common areas are "common"); check the topic or add the dwelling to the site file`,
    );
  }
  const target: TopicTarget = { building, space, sensor: undefined };
  if (parsed.sensor !== undefined) {
    const found = registry.lookup(building, space, parsed.sensor);
    if (!found.found) {
      return letters.only(
        "unknown_sensor",
        `space ${quote(space)} of building ${quote(building)} has no sensor ${quote(parsed.sensor)}; check the topic or declare the sensor in the site file`,
      );
    }
    target.sensor = found.sensor;
  }

  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    return letters.only("malformed_payload", `the payload is not valid UTF-8 text; send ${FORMATS}`);
  }
  const first = firstNonBlank(text);
  if (first < 0) return letters.only("malformed_payload", `the payload is empty; send ${FORMATS}`);
  const ctx: DecodeContext = { receivedAt, maxReadings: limits.maxReadingsPerMessage };
  const c = text.charCodeAt(first);
  let format: PayloadFormat;
  let result: DecodeResult;
  if (c === 0x7b /* { */) {
    if (target.sensor === undefined) {
      return letters.only(
        "malformed_topic",
        `a JSON object names no sensor: publish it on telemetry/${building}/${space}/{sensor}, or send a SenML pack whose records name their sensors`,
      );
    }
    format = "json";
    result = decodeJsonObject(text, ctx);
  } else if (c === 0x5b /* [ */) {
    format = "senml";
    result = decodeSenml(text, ctx);
  } else if (isNameStart(c)) {
    format = "line-protocol";
    result = decodeLineProtocol(text, ctx);
  } else {
    return letters.only(
      "malformed_payload",
      `the payload starts with ${quote(text.slice(first, first + 10))}; send ${FORMATS}`,
    );
  }
  if (!result.ok) return letters.only(result.reason, result.detail);

  const accepted: Reading[] = [];
  const atReceipt: number[] = [];
  for (const item of result.items) {
    if (!item.ok) {
      letters.add(item.reason, located(item.where, item.detail));
      continue;
    }
    const checked = checkReading(item, format, target, registry, limits, receivedAt);
    if ("refused" in checked) letters.add(checked.reason, located(item.where, checked.detail));
    else {
      if (item.atReceipt) atReceipt.push(accepted.length);
      accepted.push(checked);
    }
  }
  return atReceipt.length > 0
    ? { accepted, rejected: letters.list, atReceipt }
    : { accepted, rejected: letters.list };
}

export function located(where: string, detail: string): string {
  return where === "" ? detail : `${where}: ${detail}`;
}

/** Index of the first character that is not white space (or a byte-order mark), or -1. */
function firstNonBlank(text: string): number {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c !== 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d && c !== 0xfeff) return i;
  }
  return -1;
}

/** Line protocol starts with a measurement (a quantity name) or a comment. */
function isNameStart(c: number): boolean {
  return (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a) || c === 0x5f || c === 0x23;
}
