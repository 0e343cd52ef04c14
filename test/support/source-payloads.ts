// Payloads in the shapes the third-party systems publish (written from their documentation,
// trimmed to what matters here), and the example site that declares their devices.
import { fileURLToPath } from "node:url";
import { SiteRegistry } from "../../model/registry.ts";
import { loadSiteFile } from "../../model/site-file.ts";

export const EXAMPLE_SITE = fileURLToPath(new URL("../../examples/site-third-party.yaml", import.meta.url));

export function exampleRegistry(): SiteRegistry {
  return new SiteRegistry(loadSiteFile(EXAMPLE_SITE));
}

const iso = (t: number) => new Date(t).toISOString();
const isoSeconds = (t: number) => iso(Math.floor(t / 1000) * 1000).replace(".000Z", "Z");

export const AMBIANCE_EUI = "0004a30b001c0530";
export const CHIRPSTACK_APP = "4e9b3d5c-1a2b-4c3d-8e9f-0a1b2c3d4e5f";

/** ChirpStack v4 "up" event, JSON marshaler. */
export function chirpstackUp(t: number, object: unknown, devEui = AMBIANCE_EUI) {
  return {
    topic: `application/${CHIRPSTACK_APP}/device/${devEui}/event/up`,
    payload: {
      deduplicationId: "3f0c2e4a-5b6d-4e7f-8a9b-0c1d2e3f4a5b",
      // ChirpStack writes nanoseconds and a numeric offset.
      time: iso(t).replace("Z", "123+00:00"),
      deviceInfo: {
        tenantId: "52f14cd4-c6f1-4fbd-8f87-4025e1d49242",
        tenantName: "Bailleur",
        applicationId: CHIRPSTACK_APP,
        applicationName: "acacias",
        deviceProfileName: "ambiance",
        deviceName: "sejour-A01",
        devEui,
        tags: {},
      },
      devAddr: "01f2a3b4",
      adr: true,
      dr: 5,
      fCnt: 42,
      fPort: 2,
      confirmed: false,
      data: "AQIDBA==",
      object,
      rxInfo: [{ gatewayId: "0016c001ff10a235", rssi: -71, snr: 8.5 }],
      txInfo: { frequency: 868100000 },
    },
  };
}

/** The Things Stack v3 uplink on The Things Network's topic (application@tenant). */
export function ttnUp(t: number, decoded: unknown, deviceId = "thermo-a02", devEui = "70B3D57ED005A1B2") {
  return {
    topic: `v3/acacias-app@ttn/devices/${deviceId}/up`,
    payload: {
      end_device_ids: {
        device_id: deviceId,
        application_ids: { application_id: "acacias-app" },
        dev_eui: devEui,
        join_eui: "0000000000000000",
        dev_addr: "260B1234",
      },
      correlation_ids: ["as:up:01HQ4S6"],
      received_at: iso(t + 40),
      uplink_message: {
        session_key_id: "AY3kZ1",
        f_port: 1,
        f_cnt: 17,
        frm_payload: "CJg=",
        decoded_payload: decoded,
        rx_metadata: [{ gateway_ids: { gateway_id: "gw-acacias" }, rssi: -88, snr: 7.2 }],
        settings: { data_rate: { lora: { bandwidth: 125000, spreading_factor: 7 } }, frequency: "868300000" },
        received_at: iso(t),
      },
    },
  };
}

export const PLUG = "acacias/A02/prise-lave-linge";

/** zigbee2mqtt device state with last_seen as ISO_8601 (or epoch). */
export function zigbeeState(t: number | undefined, state: Record<string, unknown>, epoch = false) {
  return {
    topic: `zigbee2mqtt/${PLUG}`,
    payload: {
      ...state,
      linkquality: 120,
      ...(t !== undefined && { last_seen: epoch ? t : iso(t) }),
    },
  };
}

/** A wmbusmeters telegram as its shell command publishes METER_JSON. */
export function wmbusTelegram(
  t: number,
  fields: Record<string, unknown>,
  meter = { name: "EauFroideA01", id: "12345678" },
) {
  return {
    topic: `wmbusmeters/${meter.name}`,
    payload: {
      _: "telegram",
      media: "water",
      meter: "iperl",
      name: meter.name,
      id: meter.id,
      ...fields,
      timestamp: isoSeconds(t),
      device: "rtlwmbus[00000001]",
      rssi_dbm: -61,
    },
  };
}

/** The example site's own JSON device: unix seconds and an array of values. */
export function cedresAir(t: number, temp: unknown, co2: unknown) {
  return {
    topic: "capteurs/cedres/C01/air",
    payload: {
      ts: t / 1000,
      values: [
        { n: "t", v: temp },
        { n: "co2", v: co2 },
      ],
    },
  };
}
