// A type of connected device as proposed to a housing board: what it is, what it claims to
// reduce (and where that is metered), and how long it lasts. A claim is a hypothesis to test,
// never evidence; a device with no claim is a gadget as far as charges go.
import { z } from "zod";
import { idSchema } from "./ids.ts";
import { meteredQuantitySchema } from "./quantities.ts";

/** Metered quantities a device may claim to reduce. */
export const claimedQuantitySchema = meteredQuantitySchema;

export const claimSchema = z
  .object({
    quantity: claimedQuantitySchema,
    /** Whose meter records the saving: each dwelling's, or the building's common-area meter. */
    meter: z.enum(["dwelling", "common"]).default("dwelling"),
    /** What the vendor says, as a fraction (0.15 = 15%); shown beside the measurement, never used. */
    vendorClaim: z.number().min(0).max(1).optional(),
  })
  .strict();

export const deviceCategorySchema = z.enum([
  "heating_regulation",
  "lighting",
  "water_metering",
  "energy_metering",
  "comfort_sensing",
  "assistant",
  "security",
  "other",
]);

export const deviceTypeSchema = z
  .object({
    id: idSchema,
    name: z.object({ fr: z.string().min(1).max(200), en: z.string().min(1).max(200) }).strict(),
    category: deviceCategorySchema,
    /** Empty when the device claims no measurable saving (comfort, "smart home"). */
    claims: z.array(claimSchema).default([]),
    lifetimeYears: z.number().int().min(1).max(50),
  })
  .strict()
  .refine((d) => new Set(d.claims.map((c) => `${c.quantity}:${c.meter}`)).size === d.claims.length, {
    message: "each quantity and meter may be claimed once",
    path: ["claims"],
  });

export type ClaimedQuantity = z.infer<typeof claimedQuantitySchema>;
export type Claim = z.infer<typeof claimSchema>;
export type DeviceType = z.infer<typeof deviceTypeSchema>;
