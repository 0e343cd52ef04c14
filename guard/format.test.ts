// The plain-words report: decision, rule, both languages, the cost table by payer and the
// measured saving, from real verdicts of the example proposals.
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_POLICY } from "../model/policy.ts";
import { evaluateProposal } from "../rules/evaluate.ts";
import { DEFAULT_TARIFFS } from "../simulators/site-generator.ts";
import { formatVerdict } from "./format.ts";
import { loadProposalFile, parseProposal } from "./proposal-file.ts";

const examples = join(import.meta.dirname, "..", "examples", "proposals");
const tariffs = DEFAULT_TARIFFS!.map((t) => ({ ...t }));
const now = new Date("2026-03-01T00:00:00Z");

describe("formatVerdict", () => {
  it("shows a gadget's rejection, both explanations and who pays what", () => {
    const proposal = loadProposalFile(join(examples, "voice-assistant.yaml"));
    const evidence = { days: [], outdoor: [], series: [] };
    const text = formatVerdict(evaluateProposal(proposal, evidence, DEFAULT_POLICY, tariffs, now), evidence);
    expect(text).toContain("Verdict: REJECTED / REFUSÉ");
    expect(text).toContain("Deciding rule: gadget_claims_nothing");
    expect(text).toMatch(/^FR {2}L'appareil « Assistant vocal »/m);
    expect(text).toMatch(/^EN {2}The device "Voice assistant"/m);
    // 3 W × 8 760 h = 26.28 kWh at €0.2016 = €5.30 on the tenant's own bill.
    expect(text).toMatch(/Consommation en veille\s+Tenants \(own bill\)\s+€5\.30/);
    expect(text).toContain("Measured saving: none claimed.");
    expect(text).toContain("0 days");
  });

  it("shows a measured claim with its interval and what would settle an undecided case", () => {
    const proposal = loadProposalFile(join(examples, "water-meters.yaml"));
    const text = formatVerdict(
      evaluateProposal(proposal, { days: [], outdoor: [], series: [] }, DEFAULT_POLICY, tariffs, now),
    );
    expect(text).toContain("INSUFFICIENT EVIDENCE");
    expect(text).toMatch(/Location et relève du compteur\s+Tenants \(charges\)\s+II\s+€19\.50/);
    expect(text).toMatch(/cold_water \(dwelling meter, difference_in_differences\): not measurable/);
  });
});

describe("proposal files", () => {
  it("names the file and every bad path", () => {
    expect(() => parseProposal("id: x\nhouseholds: -1\n", "p.yaml")).toThrow(
      /p\.yaml: not a valid proposal[\s\S]*households/,
    );
    expect(() => parseProposal("{", "p.json")).toThrow(/p\.json: not valid JSON/);
    expect(() => loadProposalFile("/no/such/file.yaml")).toThrow(/cannot read proposal file/);
  });
});
