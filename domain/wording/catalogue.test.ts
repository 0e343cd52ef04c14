// The catalogue words every value of the model's types in both languages, and says each one
// differently from the others: two decisions or two payers never read alike.
import { describe, expect, it } from "vitest";
import { payerSchema } from "../../model/proposal.ts";
import { QUANTITIES, type Quantity } from "../../model/quantities.ts";
import { claimResultSchema, decisionSchema, ruleSchema, verdictSchema } from "../../model/verdict.ts";
import { ruleSentence } from "./decision-rules.ts";
import { DECISION, TENANT_STANDING } from "./decisions.ts";
import type { Wording } from "./lang.ts";
import { METHOD, TEMPERATURE_FEATURE } from "./methods.ts";
import { PAYER } from "./payers.ts";
import { PROBLEM } from "./problems.ts";
import { quantityName } from "./quantities.ts";

const policy = { contributionCapShare: 0.5, contributionMaxYears: 15 };

function expectWorded(words: Wording[]) {
  for (const w of words) {
    expect(w.fr.trim()).not.toBe("");
    expect(w.en.trim()).not.toBe("");
  }
  for (const lang of ["fr", "en"] as const)
    expect(new Set(words.map((w) => w[lang])).size).toBe(words.length);
}

describe("the catalogue of the verdict's words", () => {
  it("names every decision and standing, for boards and for tenants", () => {
    const standings = [...decisionSchema.options, "not_evaluated"] as const;
    expectWorded(standings.map((d) => DECISION[d]));
    expectWorded(standings.map((d) => TENANT_STANDING[d]));
  });

  it("says every deciding rule, every payer, every method and temperature feature", () => {
    expectWorded(ruleSchema.options.map((r) => ruleSentence(r, policy)));
    expectWorded(payerSchema.options.map((p) => PAYER[p].who));
    expectWorded(payerSchema.options.map((p) => PAYER[p].yours));
    expectWorded(verdictSchema.shape.method.options.map((m) => METHOD[m]));
    expectWorded(
      claimResultSchema.shape.temperatureFeature.unwrap().options.map((f) => TEMPERATURE_FEATURE[f]),
    );
    expectWorded(Object.values(PROBLEM));
  });

  it("names quantities as the model's catalogue does, and a code it does not know as it is", () => {
    for (const q of Object.keys(QUANTITIES) as Quantity[]) expect(quantityName(q)).toBe(QUANTITIES[q].label);
    expect(quantityName("gas")).toEqual({ fr: "gas", en: "gas" });
  });
});
