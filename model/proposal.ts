// A proposal put to a housing board: a device type for some buildings, how it will be (or was)
// measured, and every cost line with who pays it. Tenant charges must name the heading of the
// décret (n°87-713, same list for HLM in n°82-955) that makes them recoverable.
import { z } from "zod";
import { deviceTypeSchema } from "./device.ts";
import { idSchema } from "./ids.ts";
import { decimalEurosSchema } from "./site.ts";

/** Headings of the recoverable-charges list: "IV", or a sub-heading such as "VII.2". */
export const chargeHeadingSchema = z
  .string()
  .regex(/^(I|II|III|IV|V|VI|VII|VIII)(\.\d{1,2})?$/, "a heading of décret 87-713 such as IV or VII.2");

/**
 * tenant_contribution is the "3e ligne de quittance" (loi MOLLE 2009 art. 119, CCH R.442-24 to
 * R.442-30): a fixed share of the estimated saving, only for qualifying works.
 */
export const payerSchema = z.enum(["tenant_charges", "tenant_bill", "tenant_contribution", "landlord"]);

const lineBase = {
  label: z.string().min(1).max(200),
  payer: payerSchema,
  heading: chargeHeadingSchema.optional(),
};

export const costLineSchema = z.discriminatedUnion("kind", [
  /** Purchase, one-off, per dwelling; spread over the device's lifetime. */
  z.object({ kind: z.literal("capex"), eurosPerDwelling: decimalEurosSchema, ...lineBase }).strict(),
  z.object({ kind: z.literal("installation"), eurosPerDwelling: decimalEurosSchema, ...lineBase }).strict(),
  /** Recurring, per dwelling per year. */
  z
    .object({ kind: z.literal("subscription"), eurosPerDwellingPerYear: decimalEurosSchema, ...lineBase })
    .strict(),
  z
    .object({ kind: z.literal("maintenance"), eurosPerDwellingPerYear: decimalEurosSchema, ...lineBase })
    .strict(),
  /** The device's own draw, priced at the electricity tariff of whoever's meter it is on. */
  z
    .object({
      kind: z.literal("own_energy"),
      wattsPerDwelling: z.number().min(0).max(10_000),
      meter: z.enum(["dwelling", "common"]),
      ...lineBase,
    })
    .strict(),
  /** A tenant contribution to shared savings, per dwelling per year, for a number of years. */
  z
    .object({
      kind: z.literal("savings_contribution"),
      label: z.string().min(1).max(200),
      eurosPerDwellingPerYear: decimalEurosSchema,
      years: z.number().int().min(1).max(50),
      payer: z.literal("tenant_contribution").default("tenant_contribution"),
    })
    .strict(),
]);

export const pilotSchema = z.discriminatedUnion("design", [
  z
    .object({
      design: z.literal("controlled"),
      treated: z.array(z.object({ dwelling: idSchema, installDate: z.iso.date() }).strict()).min(1),
      control: z.array(idSchema).min(1),
    })
    .strict(),
  z
    .object({
      design: z.literal("before_after"),
      /** Same meters before and after: each dwelling (or "common") with its installation date. */
      meters: z.array(z.object({ space: idSchema, installDate: z.iso.date() }).strict()).min(1),
    })
    .strict(),
]);

export const proposalSchema = z
  .object({
    id: idSchema,
    title: z.string().min(1).max(300),
    device: deviceTypeSchema,
    buildings: z.array(idSchema).min(1),
    /**
     * The device is one action of a works programme that qualifies for a tenant contribution
     * (at least two of: insulation, glazing, heating/hot-water regulation or replacement,
     * renewables). A connected device alone does not.
     */
    qualifyingWorks: z.boolean().default(false),
    /** Households that would carry the charges; common-meter savings are shared among them. */
    households: z.number().int().positive(),
    pilot: pilotSchema,
    costLines: z.array(costLineSchema),
  })
  .strict()
  .superRefine((p, ctx) => {
    p.costLines.forEach((line, i) => {
      const path = ["costLines", i];
      if (line.payer === "tenant_contribution" && line.kind !== "savings_contribution") {
        ctx.addIssue({
          code: "custom",
          path: [...path, "payer"],
          message: "only a savings_contribution line is paid as a tenant contribution",
        });
      }
      if (line.kind === "savings_contribution") return;
      if (line.payer === "tenant_charges" && !line.heading) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "heading"],
          message:
            "a cost put on tenant charges must name the heading of décret 87-713 that makes it recoverable",
        });
      }
      if (line.payer === "tenant_charges" && (line.kind === "capex" || line.kind === "installation")) {
        ctx.addIssue({
          code: "custom",
          path: [...path, "payer"],
          message:
            "purchase and installation are improvements, not recoverable charges: the landlord pays them",
        });
      }
      if (line.kind === "own_energy" && line.meter === "dwelling" && line.payer !== "tenant_bill") {
        ctx.addIssue({
          code: "custom",
          path: [...path, "payer"],
          message: "a device on the dwelling's meter is paid on the tenant's own bill (payer: tenant_bill)",
        });
      }
      if (line.kind === "own_energy" && line.meter === "common" && line.payer === "tenant_bill") {
        ctx.addIssue({
          code: "custom",
          path: [...path, "payer"],
          message: "a device on the common meter is paid through charges (heading IV) or by the landlord",
        });
      }
    });
  });

export type ChargeHeading = z.infer<typeof chargeHeadingSchema>;
export type Payer = z.infer<typeof payerSchema>;
export type CostLine = z.infer<typeof costLineSchema>;
export type Pilot = z.infer<typeof pilotSchema>;
export type Proposal = z.infer<typeof proposalSchema>;
export type ProposalInput = z.input<typeof proposalSchema>;
