// Devices installed in a simulated site: which spaces have which device on which days, the
// factor each multiplies a space's consumption by (its TRUE effect), and the standby energy
// each adds to the electricity meter that powers it.
import { COMMON_SPACE } from "../model/ids.ts";
import type { Site } from "../model/site.ts";
import { dayNumberOfIso } from "./calendar.ts";
import type { MeteredQuantity } from "./dwelling-model.ts";
import { SimulatorError } from "./errors.ts";
import { hashOf, hashString } from "./random.ts";
import type { DeviceSpec } from "./scenario.ts";

/** One device in one space. */
export interface Installation {
  deviceId: string;
  building: string;
  space: string;
  /** Space whose electricity meter carries the standby draw. */
  meterSpace: string;
  /** Local day numbers: in service on [fromDay, toDay). */
  fromDay: number;
  toDay: number;
  effect: { quantity: MeteredQuantity; fraction: number } | undefined;
  standbyW: number;
}

/** Chooses round(share × n) dwellings of a building, the same ones for the same seed. */
export function drawShare(
  seed: number,
  deviceId: string,
  dwellingIds: readonly string[],
  share: number,
): string[] {
  const n = Math.round(share * dwellingIds.length);
  const ranked = dwellingIds
    .map((id) => ({ id, rank: hashOf(seed, hashString(deviceId), hashString(id)) }))
    .sort((a, b) => a.rank - b.rank || (a.id < b.id ? -1 : 1));
  return ranked.slice(0, n).map((r) => r.id);
}

export function resolveInstallations(
  site: Site,
  devices: readonly DeviceSpec[],
  seed: number,
): Installation[] {
  const out: Installation[] = [];
  for (const device of devices) {
    const building = site.buildings.find((b) => b.id === device.building);
    if (!building) {
      throw new SimulatorError(
        "SCENARIO_UNKNOWN_TARGET",
        `device ${device.id}: building ${device.building} is not in site ${site.id}`,
      );
    }
    const dwellingIds = building.dwellings.map((d) => d.id);
    const spaces = Array.isArray(device.spaces)
      ? device.spaces
      : drawShare(seed, device.id, dwellingIds, device.spaces.share);
    for (const space of spaces) {
      if (space !== COMMON_SPACE && !dwellingIds.includes(space)) {
        throw new SimulatorError(
          "SCENARIO_UNKNOWN_TARGET",
          `device ${device.id}: space ${space} is not a dwelling of building ${building.id} nor "common"`,
        );
      }
      out.push({
        deviceId: device.id,
        building: building.id,
        space,
        meterSpace: device.poweredBy === "common" ? COMMON_SPACE : space,
        fromDay: dayNumberOfIso(device.installedOn),
        toDay: device.removedOn === undefined ? Number.POSITIVE_INFINITY : dayNumberOfIso(device.removedOn),
        effect: device.effect,
        standbyW: device.standbyW,
      });
    }
  }
  return out;
}

const active = (i: Installation, day: number): boolean => day >= i.fromDay && day < i.toDay;

/** The devices that matter to one space: those in it (their effects) and those on its meter
 * (their standby draw). */
export class SpaceDevices {
  readonly #inSpace: readonly Installation[];
  readonly #onMeter: readonly Installation[];

  constructor(inSpace: readonly Installation[], onMeter: readonly Installation[]) {
    this.#inSpace = inSpace;
    this.#onMeter = onMeter.filter((i) => i.standbyW > 0);
  }

  /** What the space's consumption of `quantity` is multiplied by on that day (1: no effect). */
  factor(quantity: MeteredQuantity, day: number): number {
    let f = 1;
    for (const i of this.#inSpace)
      if (i.effect?.quantity === quantity && active(i, day)) f *= 1 + i.effect.fraction;
    return f;
  }

  /** Energy drawn that day by the devices powered from the space's meter, kWh. */
  standbyKWh(day: number): number {
    let w = 0;
    for (const i of this.#onMeter) if (active(i, day)) w += i.standbyW;
    return (w * 24) / 1000;
  }

  /** Whether some device is in the space on that day. */
  treated(day: number): boolean {
    return this.#inSpace.some((i) => active(i, day));
  }
}

const NO_DEVICES = new SpaceDevices([], []);

/** Per-space views of a scenario's installations. */
export class DeviceEffects {
  readonly installations: readonly Installation[];
  readonly #spaces = new Map<string, SpaceDevices>();

  constructor(installations: readonly Installation[]) {
    this.installations = installations;
    const keys = new Set(
      installations.flatMap((i) => [key(i.building, i.space), key(i.building, i.meterSpace)]),
    );
    for (const k of keys) {
      this.#spaces.set(
        k,
        new SpaceDevices(
          installations.filter((i) => key(i.building, i.space) === k),
          installations.filter((i) => key(i.building, i.meterSpace) === k),
        ),
      );
    }
  }

  static none(): DeviceEffects {
    return new DeviceEffects([]);
  }

  of(building: string, space: string): SpaceDevices {
    return this.#spaces.get(key(building, space)) ?? NO_DEVICES;
  }
}

const key = (building: string, space: string): string => `${building}\u0000${space}`;
