// Fast lookups over a validated site: what ingest resolves every reading against, and what
// the API lists. Built once from a Site; immutable.

import { COMMON_SPACE } from "./ids.ts";
import type { Quantity } from "./quantities.ts";
import type { Building, DeviceAccount, SensorSpec, Site } from "./site.ts";

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
