// ChirpStack v4 uplink events (MQTT integration, JSON marshaler):
// application/{applicationId}/device/{devEui}/event/up with deviceInfo.devEui, time (RFC 3339)
// and the codec's decoded `object`. Only `up` is subscribed; join, status, ack, txack, log and
// location events carry no readings.
import { isObject } from "./path.ts";
import { readTime } from "./time.ts";
import { addIt, type Identified, type ProfileInput, refused } from "./types.ts";

export function identifyChirpstack({ topic, body, registry }: ProfileInput): Identified {
  if (!isObject(body)) {
    return refused(
      "malformed_payload",
      "a ChirpStack uplink event is a JSON object; set json = true under [integration.mqtt] in ChirpStack's configuration",
    );
  }
  const info = body.deviceInfo;
  const devEui = isObject(info) ? info.devEui : undefined;
  if (typeof devEui !== "string") {
    return refused(
      "malformed_payload",
      "the event has no deviceInfo.devEui: ingest reads ChirpStack v4 uplink events (v3's applicationID/devEUI layout is not one)",
    );
  }
  const topicEui = topic.split("/")[3] ?? "";
  if (devEui.toLowerCase() !== topicEui.toLowerCase()) {
    return refused(
      "malformed_payload",
      `deviceInfo.devEui "${devEui}" disagrees with the topic's DevEUI "${topicEui}"; publish each device's events on its own topic`,
    );
  }
  const source = registry.chirpstackSource(devEui);
  if (!source) {
    return refused(
      "unknown_device",
      `no source with devEui "${devEui.toLowerCase()}" in the site file; ${addIt("chirpstack")}`,
    );
  }
  const time = readTime(body.time, "rfc3339", "time");
  if (!time.ok) return refused("malformed_payload", time.detail, source);
  return {
    kind: "found",
    source,
    root: body.object,
    rootPath: "object.",
    ...(body.object === undefined && {
      missingRoot:
        'the event has no decoded "object": give the device profile a codec in ChirpStack (a codec error is a log event, not an uplink object)',
    }),
    t: time.t,
  };
}
