// Fast lookups over a validated site: what ingest resolves every reading against, and what
// the API lists. Built once from a Site; immutable.

import { COMMON_SPACE } from "./ids.ts";
import type { Quantity } from "./quantities.ts";
import type { Building, DeviceAccount, SensorSpec, Site } from "./site.ts";
import {
  type ProfileName,
  profileSubscriptions,
  type Source,
  sourceTopics,
  type WmbusmetersSource,
} from "./source.ts";
import { filtersOverlap, topicMatches } from "./topic-filter.ts";

export type SensorLookup =
  | { found: true; sensor: SensorSpec }
  | { found: false; missing: "building" | "space" | "sensor" };

/** A sensor and where it is. */
export interface MeterLocation {
  building: string;
  space: string;
  sensor: SensorSpec;
}

export class SiteRegistry {
  readonly site: Site;
  readonly #buildings = new Map<string, Building>();
  readonly #sensors = new Map<string, Map<string, Map<string, SensorSpec>>>();
  readonly #devices = new Map<string, DeviceAccount>();
  readonly #meters = new Map<string, MeterLocation>();
  readonly #stations = new Map<string, MeterLocation[]>();
  /** Sources by profile and identifier: "chirpstack:<devEui>", "ttn:<deviceId>",
   * "zigbee2mqtt:<base>/<name>"; wmbusmeters and json sources are found by topic. */
  readonly #sources = new Map<string, Source>();
  readonly #subscriptions: readonly { profile: ProfileName; filter: string }[];

  constructor(site: Site) {
    this.site = site;
    for (const building of site.buildings) {
      this.#buildings.set(building.id, building);
      const spaces = new Map<string, Map<string, SensorSpec>>();
      spaces.set(COMMON_SPACE, new Map(building.common.sensors.map((s) => [s.id, s])));
      for (const dwelling of building.dwellings) {
        spaces.set(dwelling.id, new Map(dwelling.sensors.map((s) => [s.id, s])));
      }
      this.#sensors.set(building.id, spaces);
      for (const [space, sensors] of spaces) {
        for (const sensor of sensors.values()) {
          if (sensor.meter !== undefined)
            this.#meters.set(sensor.meter, { building: building.id, space, sensor });
        }
      }
      if (building.weather) {
        const outdoor = building.common.sensors.find((s) =>
          building.weather?.sensor !== undefined
            ? s.id === building.weather.sensor
            : s.quantity === "outdoor_temperature",
        );
        if (outdoor) {
          const fed = this.#stations.get(building.weather.station) ?? [];
          fed.push({ building: building.id, space: COMMON_SPACE, sensor: outdoor });
          this.#stations.set(building.weather.station, fed);
        }
      }
    }
    for (const device of site.devices) this.#devices.set(device.id, device);
    for (const source of site.sources) {
      if (source.profile === "chirpstack") this.#sources.set(`chirpstack:${source.devEui}`, source);
      else if (source.profile === "ttn") this.#sources.set(`ttn:${source.deviceId}`, source);
      else if (source.profile === "zigbee2mqtt")
        this.#sources.set(`zigbee2mqtt:${source.baseTopic}/${source.friendlyName}`, source);
    }
    this.#subscriptions = profileSubscriptions(site.sources);
  }

  get sources(): readonly Source[] {
    return this.site.sources;
  }

  /** The ChirpStack source of a DevEUI (any case). */
  chirpstackSource(devEui: string): Source | undefined {
    return this.#sources.get(`chirpstack:${devEui.toLowerCase()}`);
  }

  /** The Things Stack source of an end device id. */
  ttnSource(deviceId: string): Source | undefined {
    return this.#sources.get(`ttn:${deviceId}`);
  }

  /** The zigbee2mqtt source of a friendly name under a base topic. */
  zigbeeSource(baseTopic: string, friendlyName: string): Source | undefined {
    return this.#sources.get(`zigbee2mqtt:${baseTopic}/${friendlyName}`);
  }

  /** The sources of a profile whose topic the message came on (wmbusmeters, json). */
  sourcesOnTopic<P extends "wmbusmeters" | "json">(
    profile: P,
    topic: string,
  ): (P extends "wmbusmeters" ? WmbusmetersSource : Extract<Source, { profile: "json" }>)[] {
    return this.site.sources.filter(
      (s) => s.profile === profile && topicMatches((s as { topic: string }).topic, topic),
    ) as never;
  }

  /** What ingest subscribes to besides telemetry, one filter per profile topic in use. */
  get sourceSubscriptions(): readonly { profile: ProfileName; filter: string }[] {
    return this.#subscriptions;
  }

  /** The profile a non-telemetry topic belongs to, or undefined when it is no source's. */
  profileOf(topic: string): { profile: ProfileName; filter: string } | undefined {
    for (const s of this.#subscriptions) if (topicMatches(s.filter, topic)) return s;
    return undefined;
  }

  /**
   * The source topics a device account may publish to: those of the sources in its building
   * (and its space, when it has one). A space-bound account gets a topic only when no source of
   * another space could arrive on it. A building-wide account also gets the bridge topics of its
   * building's zigbee2mqtt (a base topic serves one building).
   */
  sourceTopicsOf(device: Pick<DeviceAccount, "building" | "space">): string[] {
    const inScope = (s: Source) =>
      s.building === device.building && (device.space === undefined || s.space === device.space);
    const out = new Set<string>();
    for (const source of this.site.sources) {
      if (!inScope(source)) continue;
      for (const topic of sourceTopics(source)) {
        const foreign = this.site.sources.some(
          (other) => !inScope(other) && sourceTopics(other).some((t) => filtersOverlap(t, topic)),
        );
        if (!foreign) out.add(topic);
      }
      if (source.profile === "zigbee2mqtt" && device.space === undefined)
        out.add(`${source.baseTopic}/bridge/#`);
    }
    return [...out];
  }

  /** The sensor whose meter carries this number (the site file's `meter`). */
  meter(number: string): MeterLocation | undefined {
    return this.#meters.get(number);
  }

  /** The outdoor sensors a Météo-France station feeds (buildings' `weather.station`). */
  fedBy(station: string): readonly MeterLocation[] {
    return this.#stations.get(station) ?? [];
  }

  /** The device account with this MQTT user name. */
  device(id: string): DeviceAccount | undefined {
    return this.#devices.get(id);
  }

  get devices(): readonly DeviceAccount[] {
    return this.site.devices;
  }

  /** Whether clients without a user name may publish: the site's flag, else only while it lists no devices. */
  get allowsAnonymous(): boolean {
    return this.site.allowAnonymous ?? this.site.devices.length === 0;
  }

  get buildings(): readonly Building[] {
    return this.site.buildings;
  }

  building(id: string): Building | undefined {
    return this.#buildings.get(id);
  }

  hasSpace(building: string, space: string): boolean {
    return this.#sensors.get(building)?.has(space) ?? false;
  }

  lookup(building: string, space: string, sensor: string): SensorLookup {
    const spaces = this.#sensors.get(building);
    if (!spaces) return { found: false, missing: "building" };
    const sensors = spaces.get(space);
    if (!sensors) return { found: false, missing: "space" };
    const spec = sensors.get(sensor);
    if (!spec) return { found: false, missing: "sensor" };
    return { found: true, sensor: spec };
  }

  /** Every sensor of a building measuring a quantity, with the space it is in. */
  sensorsOf(building: string, quantity: Quantity): { space: string; sensor: SensorSpec }[] {
    const spaces = this.#sensors.get(building);
    if (!spaces) return [];
    const out: { space: string; sensor: SensorSpec }[] = [];
    for (const [space, sensors] of spaces) {
      for (const sensor of sensors.values()) if (sensor.quantity === quantity) out.push({ space, sensor });
    }
    return out;
  }

  /** Number of sensors in the whole site. */
  get sensorCount(): number {
    let n = 0;
    for (const spaces of this.#sensors.values()) for (const sensors of spaces.values()) n += sensors.size;
    return n;
  }
}
