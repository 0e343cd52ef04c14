// A message on a source's topic (model/source.ts) in, readings and dead letters out: the
// profile finds the source and the payload's time, each mapped field becomes a reading in the
// catalogue unit, and every reading then goes through the same checks as telemetry
// (validate.ts). Unmapped fields (battery, linkquality, rssi) are left alone.
import type { Reading } from "../../model/reading.ts";
import type { SiteRegistry } from "../../model/registry.ts";
import { describeSource, type ProfileName } from "../../model/source.ts";
import { conversionTo, convert } from "../../model/units.ts";
import type { DecodedReading } from "../decoders/types.ts";
import { quote } from "../decoders/types.ts";
import type { Accepted, Letters } from "../letters.ts";
import type { IngestLimits } from "../limits.ts";
import { checkReading } from "../validate.ts";
import { identifyChirpstack } from "./chirpstack.ts";
import { identifyJson } from "./json.ts";
import { describeValue, valueAt } from "./path.ts";
import { identifyTtn } from "./ttn.ts";
import type { Identified, ProfileInput } from "./types.ts";
import { identifyWmbusmeters } from "./wmbusmeters.ts";
import { identifyZigbee2mqtt, zigbeeStateName } from "./zigbee2mqtt.ts";

const IDENTIFY: Record<ProfileName, (input: ProfileInput) => Identified> = {
  chirpstack: identifyChirpstack,
  ttn: identifyTtn,
  zigbee2mqtt: identifyZigbee2mqtt,
  wmbusmeters: identifyWmbusmeters,
  json: identifyJson,
};

const utf8 = new TextDecoder("utf-8", { fatal: true });

export function acceptSourced(
  route: { profile: ProfileName; filter: string },
  payload: Buffer,
  receivedAt: number,
  registry: SiteRegistry,
  limits: IngestLimits,
  letters: Letters,
): Accepted {
  const { profile } = route;
  if (profile === "zigbee2mqtt" && zigbeeStateName(letters.topic, route.filter) === undefined) {
    return { accepted: [], rejected: [] };
  }
  if (payload.length > limits.maxPayloadBytes) {
    return letters.only(
      "payload_too_large",
      `the payload is ${payload.length} bytes, more than the ${limits.maxPayloadBytes} accepted`,
    );
  }
  let body: unknown;
  try {
    body = JSON.parse(utf8.decode(payload));
  } catch (error) {
    return letters.only(
      "malformed_payload",
      `a ${profile} message is JSON, and this payload is not (${(error as Error).message})`,
    );
  }
  const identified = IDENTIFY[profile]({ topic: letters.topic, filter: route.filter, body, registry });
  if (identified.kind === "ignored") return { accepted: [], rejected: [] };
  if (identified.kind === "refused") {
    if (identified.source) letters.building = identified.source.building;
    return letters.only(identified.reason, identified.detail);
  }
  const { source, root, rootPath } = identified;
  letters.building = source.building;
  const fix = `in the site file's source ${describeSource(source)}`;
  if (identified.missingRoot !== undefined) return letters.only("missing_field", identified.missingRoot);

  const accepted: Reading[] = [];
  const atReceipt: number[] = [];
  for (const field of source.fields) {
    const where = `field ${quote(rootPath + field.path)}`;
    const found = valueAt(root, field.path);
    if (!found.found) {
      const has = found.has.map((p) => rootPath + p);
      letters.add(
        "missing_field",
        `${where} is not in the payload; it has: ${has.length > 0 ? has.join(", ") : "nothing there"}. Fix the field's path ${fix}, or the device's decoder`,
      );
      continue;
    }
    if (typeof found.value !== "number") {
      letters.add(
        "malformed_payload",
        `${where} is ${describeValue(found.value)}, not a number; fix the device's decoder or map another field ${fix}`,
      );
      continue;
    }
    const spec = registry.lookup(source.building, source.space, field.sensor);
    const conversion = spec.found ? conversionTo(spec.sensor.quantity, field.unit) : undefined;
    if (!spec.found || conversion === undefined) {
      // The site schema checks both; a registry built around it would land here.
      letters.add(
        "unknown_sensor",
        `${where} feeds sensor ${quote(field.sensor)}, which the site does not declare with unit ${quote(field.unit)}`,
      );
      continue;
    }
    const item: DecodedReading = {
      ok: true,
      where,
      t: identified.t ?? receivedAt,
      v: convert(found.value, conversion),
    };
    if (identified.t === undefined) item.atReceipt = true;
    const target = { building: source.building, space: source.space, sensor: spec.sensor };
    const checked = checkReading(item, "json", target, registry, limits, receivedAt);
    if ("refused" in checked) {
      letters.add(checked.reason, `${where} (sensor ${quote(field.sensor)}): ${checked.detail}`);
    } else {
      if (item.atReceipt) atReceipt.push(accepted.length);
      accepted.push(checked);
    }
  }
  return atReceipt.length > 0
    ? { accepted, rejected: letters.list, atReceipt }
    : { accepted, rejected: letters.list };
}
