// The Things Stack v3 uplinks: v3/{application id}@{tenant id}/devices/{device id}/up (The
// Things Network, The Things Industries) or v3/{application id}/devices/{device id}/up (open
// source), with end_device_ids, uplink_message.decoded_payload (the payload formatter's
// output) and uplink_message.received_at.
import { isObject } from "./path.ts";
import { readTime } from "./time.ts";
import { addIt, type Identified, type ProfileInput, refused } from "./types.ts";

export function identifyTtn({ topic, body, registry }: ProfileInput): Identified {
  if (!isObject(body)) return refused("malformed_payload", "an uplink of The Things Stack is a JSON object");
  const ids = body.end_device_ids;
  const deviceId = isObject(ids) ? ids.device_id : undefined;
  if (typeof deviceId !== "string") {
    return refused(
      "malformed_payload",
      "the message has no end_device_ids.device_id: is it a The Things Stack v3 uplink?",
    );
  }
  const topicId = topic.split("/")[3] ?? "";
  if (deviceId !== topicId) {
    return refused(
      "malformed_payload",
      `end_device_ids.device_id "${deviceId}" disagrees with the topic's device "${topicId}"`,
    );
  }
  const uplink = body.uplink_message;
  if (!isObject(uplink))
    return refused(
      "malformed_payload",
      "the message has no uplink_message: ingest reads uplinks (…/up) only",
    );
  const source = registry.ttnSource(deviceId);
  if (!source)
    return refused(
      "unknown_device",
      `no source with deviceId "${deviceId}" in the site file; ${addIt("ttn")}`,
    );
  const devEui = isObject(ids) ? ids.dev_eui : undefined;
  if (source.profile === "ttn" && source.devEui !== undefined) {
    const given = typeof devEui === "string" ? devEui.toLowerCase() : undefined;
    if (given !== source.devEui) {
      return refused(
        "unknown_device",
        given === undefined
          ? `the site file gives device "${deviceId}" the DevEUI "${source.devEui}", and the uplink names none; drop devEui from the source or check the device`
          : `device "${deviceId}" has the DevEUI "${given}", the site file says "${source.devEui}"; a device of another application may have the same id: fix the source's devEui or the device`,
      );
    }
  }
  const at = uplink.received_at !== undefined ? "uplink_message.received_at" : "received_at";
  const time = readTime(uplink.received_at ?? body.received_at, "rfc3339", at);
  if (!time.ok) return refused("malformed_payload", time.detail, source);
  const decoded = uplink.decoded_payload;
  return {
    kind: "found",
    source,
    root: decoded,
    rootPath: "uplink_message.decoded_payload.",
    ...(decoded === undefined && {
      missingRoot:
        "the uplink has no uplink_message.decoded_payload: give the device (or its application) an uplink payload formatter in The Things Stack",
    }),
    t: time.t,
  };
}
