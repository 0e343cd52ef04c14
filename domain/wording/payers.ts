// Who pays a cost line (model/proposal.ts's payers): as a column says it to a board or in cli
// evaluate, as the tenant's own page says it to them, and as the explanation lists a tenant's
// share. A tenant_bill line is whatever is paid on the tenant's own bill, not only electricity.
import type { Payer } from "../../model/proposal.ts";
import type { Wording } from "./lang.ts";

export const PAYER: Record<Payer, { who: Wording; yours: Wording }> = {
  tenant_charges: {
    who: { fr: "Locataires (charges)", en: "Tenants (charges)" },
    yours: { fr: "dans vos charges", en: "in your service charges" },
  },
  tenant_bill: {
    who: { fr: "Locataires (leur facture)", en: "Tenants (own bill)" },
    yours: { fr: "sur votre propre facture", en: "on your own bill" },
  },
  tenant_contribution: {
    who: { fr: "Locataires (contribution)", en: "Tenants (contribution)" },
    yours: { fr: "contribution aux économies", en: "contribution to savings" },
  },
  landlord: {
    who: { fr: "Bailleur", en: "Landlord" },
    yours: { fr: "payé par le bailleur", en: "paid by the landlord" },
  },
};

/** What tenants pay, by payer: everything but the landlord's part. */
export type TenantPayer = Exclude<Payer, "landlord">;

/** A tenant's share of the yearly cost as the explanation lists it: "15 € de charges". */
export const TENANT_SHARE: Record<TenantPayer, (amount: Wording) => Wording> = {
  tenant_charges: (a) => ({ fr: `${a.fr} de charges`, en: `${a.en} in charges` }),
  tenant_bill: (a) => ({ fr: `${a.fr} sur sa propre facture`, en: `${a.en} on their own bill` }),
  tenant_contribution: (a) => ({
    fr: `${a.fr} de contribution aux économies`,
    en: `${a.en} as a contribution to savings`,
  }),
};
