// What happens to a simulated site beyond its normal life: devices installed with a known
// true effect and their own power draw, meters replaced, sensors falling silent. One YAML or
// JSON file (examples/scenario.yaml), validated here.
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { z } from "zod";
import { idSchema } from "../model/ids.ts";
import { meteredQuantitySchema } from "../model/quantities.ts";
import { SimulatorError } from "./errors.ts";

export { meteredQuantitySchema };

export const deviceSchema = z
  .object({
    id: idSchema,
    label: z.string().max(200).optional(),
    building: idSchema,
    /** Dwelling ids (or "common"), or a share of the building's dwellings drawn from the seed. */
    spaces: z.union([z.array(idSchema).min(1), z.object({ share: z.number().min(0).max(1) }).strict()]),
    /** First local day the device is in service (from local midnight). */
    installedOn: z.iso.date(),
    /** First local day it is no longer in service (unplugged, removed). */
    removedOn: z.iso.date().optional(),
    /** The TRUE effect on the space's consumption of one quantity: -0.08 is 8% less. */
    effect: z
      .object({ quantity: meteredQuantitySchema, fraction: z.number().min(-0.9).max(1) })
      .strict()
      .optional(),
    /** The device's own continuous draw, W. */
    standbyW: z.number().min(0).max(5_000).default(0),
    /** Whose electricity meter the draw lands on: the space it is in, or the common areas. */
    poweredBy: z.enum(["space", "common"]).default("space"),
  })
  .strict()
  .refine((d) => d.removedOn === undefined || d.removedOn > d.installedOn, {
    message: "removedOn must come after installedOn",
    path: ["removedOn"],
  });

export const meterReplacementSchema = z
  .object({
    building: idSchema,
    space: idSchema,
    sensor: idSchema,
    /** Instant of the replacement, ISO date-time with offset. */
    at: z.iso.datetime({ offset: true }),
    /** What the new meter shows at `at`. */
    newIndex: z.number().min(0).default(0),
  })
  .strict();

export const outageSchema = z
  .object({
    building: idSchema,
    /** Omitted: the whole building is silent. */
    space: idSchema.optional(),
    sensor: idSchema.optional(),
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
  })
  .strict();

export const scenarioSchema = z
  .object({
    name: z.string().max(200).optional(),
    devices: z.array(deviceSchema).default([]),
    meterReplacements: z.array(meterReplacementSchema).default([]),
    outages: z.array(outageSchema).default([]),
  })
  .strict();

export type DeviceSpec = z.infer<typeof deviceSchema>;
export type MeterReplacement = z.infer<typeof meterReplacementSchema>;
export type Outage = z.infer<typeof outageSchema>;
export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;

/** A scenario where nothing happens. */
export const EMPTY_SCENARIO: Scenario = scenarioSchema.parse({});

export function parseScenario(text: string, origin: string): Scenario {
  let raw: unknown;
  try {
    raw = origin.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new SimulatorError(
      "SCENARIO_INVALID",
      `${origin}: not valid YAML/JSON: ${(error as Error).message}`,
    );
  }
  const result = scenarioSchema.safeParse(raw ?? {});
  if (!result.success) {
    throw new SimulatorError(
      "SCENARIO_INVALID",
      `${origin}: not a valid scenario:\n${z.prettifyError(result.error)}`,
    );
  }
  return result.data;
}

export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new SimulatorError(
      "SCENARIO_INVALID",
      `cannot read scenario file ${path}: ${(error as Error).message}`,
    );
  }
  return parseScenario(text, path);
}
