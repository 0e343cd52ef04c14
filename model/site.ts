// A site is the landlord's portfolio as the system knows it: buildings, their dwellings and
// common areas, the sensors in each, and the tariffs tenants pay. One YAML or JSON file.
import { z } from "zod";
import { secretHashSchema } from "./device-credentials.ts";
import { COMMON_SPACE, idSchema } from "./ids.ts";
import { QUANTITIES, quantitySchema } from "./quantities.ts";
import { sourceIssues, sourceSchema } from "./source.ts";
import { DEFAULT_TIME_ZONE, timeZoneSchema } from "./time-zone.ts";

export const sensorSchema = z
  .object({
    id: idSchema,
    quantity: quantitySchema,
    /** Defaults to the catalogue's unit for the quantity; a different unit is refused. */
    unit: z.string().optional(),
    /** The number printed on the meter (numéro de compteur), by which contractors' files name it. */
    meter: z
      .string()
      .min(1)
      .max(64)
      .refine(
        (s) => s.trim() === s && !/\p{Cc}/u.test(s),
        "a meter number has no blanks at either end nor control characters",
      )
      .optional(),
  })
  .strict()
  .refine((s) => s.unit === undefined || s.unit === QUANTITIES[s.quantity].unit, {
    message: "unit must be the catalogue unit of the quantity",
    path: ["unit"],
  })
  .transform((s) => ({ ...s, unit: QUANTITIES[s.quantity].unit as string }));

const uniqueIds = <T extends { id: string }>(items: T[]) =>
  new Set(items.map((i) => i.id)).size === items.length;

export const dwellingSchema = z
  .object({
    id: idSchema,
    label: z.string().max(200).optional(),
    floor: z.number().int().min(-5).max(200).optional(),
    areaM2: z.number().positive().max(1000),
    rooms: z.number().int().positive().max(20).optional(),
    sensors: z.array(sensorSchema).refine(uniqueIds, "sensor ids must be unique within a space"),
  })
  .strict();

/** Where a building's outdoor temperature history comes from when imported from Météo-France. */
export const weatherStationSchema = z
  .object({
    /** Météo-France's station number (NUM_POSTE), 8 digits: department, commune, rank. */
    station: z.string().regex(/^\d{8}$/, "a Météo-France station number (NUM_POSTE) has 8 digits"),
    /** The building's outdoor_temperature sensor the station's readings go to; defaults to the
     * only one in its common areas. */
    sensor: idSchema.optional(),
  })
  .strict();

export const buildingSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1).max(200),
    address: z.string().max(300).optional(),
    constructionYear: z.number().int().min(1700).max(2100).optional(),
    heating: z.enum(["collective", "individual"]).default("collective"),
    weather: weatherStationSchema.optional(),
    dwellings: z.array(dwellingSchema).refine(uniqueIds, "dwelling ids must be unique within a building"),
    common: z
      .object({
        sensors: z.array(sensorSchema).refine(uniqueIds, "sensor ids must be unique within a space"),
      })
      .strict()
      .default({ sensors: [] }),
  })
  .strict()
  .refine((b) => b.dwellings.every((d) => d.id !== "common"), {
    message: "'common' is reserved for the common areas",
    path: ["dwellings"],
  })
  .superRefine((b, ctx) => {
    if (b.weather === undefined) return;
    const outdoor = b.common.sensors.filter((s) => s.quantity === "outdoor_temperature");
    const named = b.weather.sensor;
    if (named !== undefined ? !outdoor.some((s) => s.id === named) : outdoor.length !== 1) {
      ctx.addIssue({
        code: "custom",
        path: ["weather", "sensor"],
        message:
          named !== undefined
            ? `no outdoor_temperature sensor "${named}" in the building's common areas`
            : `the building's common areas have ${outdoor.length} outdoor_temperature sensors; name the one the station feeds`,
      });
    }
  });

export const climateSchema = z.enum(["temperate", "tropical"]);

/** A decimal amount of euros, kept as a string so no float rounds it: "0.1028". */
export const decimalEurosSchema = z
  .string()
  .regex(/^\d{1,9}(\.\d{1,6})?$/, "a decimal amount such as 0.1028");

export const tariffSchema = z
  .object({
    quantity: quantitySchema.refine(
      (q) => QUANTITIES[q].kind === "counter",
      "tariffs price metered quantities",
    ),
    /** First day (in the site's time zone) the price applies, ISO date. */
    from: z.iso.date(),
    /** Euros TTC per catalogue unit of the quantity (kWh, m3). */
    pricePerUnit: decimalEurosSchema,
    label: z.string().max(200).optional(),
  })
  .strict();

/**
 * A device (gateway or sensor) that logs in to the MQTT broker. It may publish telemetry only
 * under its own building and, when given, its own space (a dwelling id or "common").
 */
export const deviceAccountSchema = z
  .object({
    /** The MQTT user name. Mosquitto's files cannot carry ':' (password file) nor blanks at either end. */
    id: idSchema
      .refine(
        (s) => !s.includes(":"),
        "a device id may not contain ':' (Mosquitto's password file separator)",
      )
      .refine((s) => s.trim() === s, "a device id may not start or end with a blank"),
    building: idSchema,
    /** Omitted: any space of the building (a building gateway). */
    space: idSchema.optional(),
    /** Mosquitto 2.0 PBKDF2-SHA512 hash of the device's secret (model/device-credentials.ts). */
    secretHash: secretHashSchema,
    /** Topic filters the device may subscribe to (e.g. a display reading "display/b01/#");
     * none by default. Never telemetry, shared subscriptions or the brokers' $ topics. */
    subscribe: z
      .array(
        z
          .string()
          .min(1)
          .max(256)
          .refine(
            (f) => !/^(telemetry(\/|$)|#|\+|\$)/.test(f),
            "a device may not subscribe to telemetry, to everything (# or +) or to $ topics",
          )
          .refine((f) => !/\p{Cc}/u.test(f), "a topic filter has no control characters"),
      )
      .max(20)
      .optional(),
    label: z.string().max(200).optional(),
  })
  .strict();

export const siteSchema = z
  .object({
    id: idSchema,
    name: z.string().min(1).max(200),
    /** The IANA time zone whose days and months every figure follows (one site, one zone). */
    timezone: timeZoneSchema.default(DEFAULT_TIME_ZONE),
    /**
     * temperate: a heating season (October to May) and heating degree-days (DJU base 18 °C);
     * tropical (the Antilles, Guyane, La Réunion, Mayotte): no heating season, and cooling
     * degree-days (base 22 °C) with electricity (air conditioning) as what the weather drives.
     */
    climate: climateSchema.default("temperate"),
    tariffs: z.array(tariffSchema).default([]),
    buildings: z.array(buildingSchema).min(1).refine(uniqueIds, "building ids must be unique"),
    /** Accounts of the devices allowed to publish; see allowAnonymous. */
    devices: z.array(deviceAccountSchema).default([]).refine(uniqueIds, "device ids must be unique"),
    /**
     * Whether clients without a user name may publish (anywhere in the site). Omitted: allowed
     * while the site lists no devices (a demo or a site from before device accounts), refused
     * as soon as it lists one.
     */
    allowAnonymous: z.boolean().optional(),
    /** Third-party devices (LoRaWAN, Zigbee, wM-Bus, JSON) and which sensors their fields feed. */
    sources: z.array(sourceSchema).max(10_000).default([]),
  })
  .strict()
  .superRefine((site, ctx) => {
    for (const issue of sourceIssues(site)) ctx.addIssue({ code: "custom", ...issue });
    const meters = new Map<string, string>();
    for (const building of site.buildings) {
      const spaces = [
        ...building.dwellings.map((d) => ({
          id: d.id,
          sensors: d.sensors,
          path: ["dwellings", building.dwellings.indexOf(d)],
        })),
        { id: COMMON_SPACE, sensors: building.common.sensors, path: ["common"] },
      ];
      for (const space of spaces) {
        for (const sensor of space.sensors) {
          if (sensor.meter === undefined) continue;
          const where = `${building.id}/${space.id}/${sensor.id}`;
          const other = meters.get(sensor.meter);
          if (other !== undefined) {
            ctx.addIssue({
              code: "custom",
              path: ["buildings", site.buildings.indexOf(building), ...space.path, "sensors"],
              message: `meter number "${sensor.meter}" is given to both ${other} and ${where}`,
            });
          } else meters.set(sensor.meter, where);
        }
      }
    }
    site.devices.forEach((device, i) => {
      const building = site.buildings.find((b) => b.id === device.building);
      if (!building) {
        ctx.addIssue({
          code: "custom",
          path: ["devices", i, "building"],
          message: `no building "${device.building}" in the site`,
        });
      } else if (
        device.space !== undefined &&
        device.space !== COMMON_SPACE &&
        !building.dwellings.some((d) => d.id === device.space)
      ) {
        ctx.addIssue({
          code: "custom",
          path: ["devices", i, "space"],
          message: `no dwelling "${device.space}" in building "${device.building}" (or "${COMMON_SPACE}")`,
        });
      }
    });
  });

export type SensorSpec = z.infer<typeof sensorSchema>;
export type Dwelling = z.infer<typeof dwellingSchema>;
export type Building = z.infer<typeof buildingSchema>;
export type WeatherStation = z.infer<typeof weatherStationSchema>;
export type Tariff = z.infer<typeof tariffSchema>;
export type DeviceAccount = z.infer<typeof deviceAccountSchema>;
export type Climate = z.infer<typeof climateSchema>;
export type Site = z.infer<typeof siteSchema>;
export type SiteInput = z.input<typeof siteSchema>;
