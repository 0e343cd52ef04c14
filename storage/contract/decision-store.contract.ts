// The executable definition of the DecisionStore port: every adapter's test file calls
// decisionStoreContract() and passes it unchanged. Proposals are the examples'; verdicts are
// built here in the guard's shape (model/verdict.ts), with nested claims, baselines and cost
// lines to round-trip, and an input hash that, as the guard's, does not depend on when the
// verdict was decided.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { hashOf } from "../../domain/canonical.ts";
import { DEFAULT_POLICY } from "../../model/policy.ts";
import { type Proposal, proposalSchema } from "../../model/proposal.ts";
import type { Tariff } from "../../model/site.ts";
import type { Verdict } from "../../model/verdict.ts";
import type { DecisionStore, StoredWatchFlag } from "../decision-store.ts";
import type { TestKit } from "./test-kit.ts";

export interface OpenedDecisionStore {
  store: DecisionStore;
  teardown(): Promise<void>;
}

const examples = join(import.meta.dirname, "..", "..", "examples", "proposals");
const example = (file: string): Proposal =>
  proposalSchema.parse(parse(readFileSync(join(examples, file), "utf8")));

const TARIFFS: Tariff[] = [
  { quantity: "electricity", from: "2025-02-01", pricePerUnit: "0.2016" },
  { quantity: "heating_energy", from: "2024-01-01", pricePerUnit: "0.1028" },
  { quantity: "cold_water", from: "2022-01-01", pricePerUnit: "4.34" },
];

/** A verdict on `proposal` whose inputs differ with `days` (so its input hash does too). */
function verdictOn(proposal: Proposal, days: number, at = "2026-03-01T10:00:00.000Z"): Verdict {
  const dates = Array.from({ length: days }, (_, i) =>
    new Date(Date.UTC(2026, 0, 1 + i)).toISOString().slice(0, 10),
  );
  const evidence = { days: dates, outdoor: dates.map((date) => ({ date, tmin: 2, tmax: 9 })), series: [] };
  const inputs = { proposal, policy: DEFAULT_POLICY, tariffs: TARIFFS, evidenceHash: hashOf(evidence) };
  return {
    guardVersion: "2.0.0",
    decidedAt: at,
    proposalId: proposal.id,
    inputHash: hashOf(inputs),
    inputs,
    window: { baseline: null, reporting: { from: dates[0]!, to: dates.at(-1)! } },
    method: "none",
    confidence: 0.9,
    claims: [
      {
        quantity: "electricity",
        meter: "dwelling",
        unit: "kWh",
        method: "none",
        savingPerDwellingPerYear: null,
        pricePerUnit: "0.2016",
        fit: { days, rSquared: 0.8125 },
        temperatureFeature: "hourly_mean",
        baselines: [
          {
            space: "apt-101",
            model: "hdd",
            hddBalancePointC: 15.5,
            cddBalancePointC: null,
            adjustedRSquared: 0.8125,
            cvRmse: 0.125,
            residualAutocorrelation: -0.0625,
            savingsUncertaintyPerYear: 120.5,
          },
        ],
        problems: [`only ${days} days of data, « pas assez »`],
      },
    ],
    benefitCentsPerYear: { estimate: 0, lower: 0, upper: 0 },
    costs: {
      lines: [
        {
          label: "Enceinte connectée",
          kind: "capex",
          payer: "landlord",
          heading: null,
          centsPerDwellingPerYear: 1348,
        },
        {
          label: "Consommation en veille",
          kind: "own_energy",
          payer: "tenant_bill",
          heading: null,
          centsPerDwellingPerYear: 530,
        },
      ],
      tenantChargesCentsPerYear: 0,
      tenantBillCentsPerYear: 530,
      tenantContributionCentsPerYear: 0,
      landlordCentsPerYear: 1348,
      tenantCentsPerYear: 530,
    },
    decision: "reject",
    rule: "gadget_claims_nothing",
    toSettle: null,
    explanation: {
      fr: "L'appareil ne promet aucune économie que l'on puisse mesurer : le garde-fou le refuse.",
      en: 'The device promises no saving that can be measured: the guard rejects it ("gadget").',
    },
  };
}

const window = { from: "2025-01-01", to: "2026-03-01" };

const flag = (proposalId: string): StoredWatchFlag => ({
  code: "benefit_below_cost",
  severity: "suspected",
  proposalId,
  benefitCentsPerYear: 950,
  tenantCentsPerYear: 1200,
  message: { fr: "L'économie semble passer sous le coût.", en: "The saving appears to fall below the cost." },
});

export function decisionStoreContract(
  kit: TestKit,
  adapterName: string,
  open: () => Promise<OpenedDecisionStore>,
): void {
  const { describe, it, expect, beforeEach, afterEach } = kit;
  describe(`DecisionStore contract: ${adapterName}`, () => {
    let opened: OpenedDecisionStore;
    let store: DecisionStore;
    const assistant = example("voice-assistant.yaml");
    const valves = example("thermostatic-valves.yaml");
    const water = example("water-meters.yaml");

    beforeEach(async () => {
      opened = await open();
      store = opened.store;
    });

    afterEach(async () => {
      await opened.teardown();
    });

    describe("proposals", () => {
      it("lists nothing when empty and knows no id", async () => {
        expect(await store.listProposals()).toEqual([]);
        expect(await store.getProposal("nope")).toBeUndefined();
      });

      it("saves a proposal, returns its id and gives it back intact with its buildings", async () => {
        expect(await store.saveProposal(water)).toBe(water.id);
        const stored = await store.getProposal(water.id);
        expect(stored?.proposal).toEqual(water);
        expect(stored?.buildings).toEqual(["tilleuls-a", "tilleuls-b"]);
        expect(Number.isNaN(Date.parse(stored!.savedAt))).toBe(false);
      });

      it("saving the same content twice is one proposal, whatever the key order", async () => {
        await store.saveProposal(valves);
        const reordered = Object.fromEntries(Object.entries(valves).reverse()) as Proposal;
        expect(await store.saveProposal(reordered)).toBe(valves.id);
        expect(await store.listProposals()).toHaveLength(1);
      });

      it("refuses another content under an existing id, and keeps the first", async () => {
        await store.saveProposal(valves);
        const changed = { ...valves, households: valves.households + 1 };
        await expect(store.saveProposal(changed)).rejects.toMatchObject({ code: "proposal_conflict" });
        expect((await store.getProposal(valves.id))?.proposal.households).toBe(valves.households);
      });

      it("refuses an invalid proposal with the reason", async () => {
        const bad = structuredClone(valves) as Record<string, unknown>;
        bad.surprise = 1;
        await expect(store.saveProposal(bad as Proposal)).rejects.toMatchObject({ code: "invalid_record" });
        expect(await store.listProposals()).toEqual([]);
      });

      it("lists oldest first, and by building", async () => {
        await store.saveProposal(water);
        await store.saveProposal(assistant);
        await store.saveProposal(valves);
        expect((await store.listProposals()).map((p) => p.proposal.id)).toEqual([
          water.id,
          assistant.id,
          valves.id,
        ]);
        expect((await store.listProposals({ building: "tilleuls-b" })).map((p) => p.proposal.id)).toEqual([
          water.id,
        ]);
        expect(await store.listProposals({ building: "elsewhere" })).toEqual([]);
      });
    });

    describe("verdicts", () => {
      it("appends a verdict and gives it back whole", async () => {
        await store.saveProposal(assistant);
        const verdict = verdictOn(assistant, 10);
        const { record, created } = await store.appendVerdict({ verdict, source: "evaluation", window });
        expect(created).toBe(true);
        expect(record).toMatchObject({ proposalId: assistant.id, source: "evaluation", window });
        expect(record.verdict).toEqual(verdict);
        expect(record.verdict.decision).toBe("reject");
        expect(await store.getVerdict(record.id)).toEqual(record);
        expect(await store.getVerdict(record.id + 1000)).toBeUndefined();
      });

      it("refuses a verdict on a proposal it does not hold", async () => {
        await expect(
          store.appendVerdict({ verdict: verdictOn(assistant, 10), source: "evaluation", window }),
        ).rejects.toMatchObject({ code: "proposal_not_found" });
      });

      it("refuses an invalid verdict, source or window", async () => {
        await store.saveProposal(assistant);
        const verdict = verdictOn(assistant, 10);
        const broken = { ...verdict, inputHash: "not a hash" };
        await expect(
          store.appendVerdict({ verdict: broken, source: "evaluation", window }),
        ).rejects.toMatchObject({ code: "invalid_record" });
        await expect(
          store.appendVerdict({ verdict, source: "other" as "watch", window }),
        ).rejects.toMatchObject({ code: "invalid_record" });
        await expect(
          store.appendVerdict({ verdict, source: "watch", window: { from: "2025-13-01", to: "x" } }),
        ).rejects.toMatchObject({ code: "invalid_record" });
        expect(await store.listVerdicts(assistant.id)).toEqual([]);
      });

      it("is append-only: the same inputs decided again never replace the record", async () => {
        await store.saveProposal(assistant);
        const first = verdictOn(assistant, 10, "2026-03-01T10:00:00.000Z");
        const again = verdictOn(assistant, 10, "2026-04-01T10:00:00.000Z");
        expect(again.inputHash).toBe(first.inputHash);
        const a = await store.appendVerdict({ verdict: first, source: "evaluation", window });
        const b = await store.appendVerdict({ verdict: again, source: "watch", window });
        expect(b.created).toBe(false);
        expect(b.record).toEqual(a.record);
        const listed = await store.listVerdicts(assistant.id);
        expect(listed).toHaveLength(1);
        expect(listed[0]!.verdict.decidedAt).toBe("2026-03-01T10:00:00.000Z");
      });

      it("lists a proposal's verdicts oldest first and finds the latest, by source", async () => {
        await store.saveProposal(assistant);
        await store.saveProposal(valves);
        const e1 = await store.appendVerdict({
          verdict: verdictOn(assistant, 10),
          source: "evaluation",
          window,
        });
        await store.appendVerdict({ verdict: verdictOn(valves, 10), source: "evaluation", window });
        const w1 = await store.appendVerdict({ verdict: verdictOn(assistant, 11), source: "watch", window });
        const e2 = await store.appendVerdict({
          verdict: verdictOn(assistant, 12),
          source: "evaluation",
          window,
        });
        const w2 = await store.appendVerdict({ verdict: verdictOn(assistant, 13), source: "watch", window });
        const listed = await store.listVerdicts(assistant.id);
        expect(listed.map((r) => r.id)).toEqual([e1, w1, e2, w2].map((x) => x.record.id));
        expect(listed[1]!.id).toBeGreaterThan(listed[0]!.id);
        expect((await store.latestVerdict(assistant.id))?.id).toBe(w2.record.id);
        expect((await store.latestVerdict(assistant.id, "evaluation"))?.id).toBe(e2.record.id);
        expect((await store.latestVerdict(assistant.id, "watch"))?.id).toBe(w2.record.id);
        expect(await store.latestVerdict("nope")).toBeUndefined();
        expect(await store.listVerdicts("nope")).toEqual([]);
      });
    });

    describe("watch flags", () => {
      it("records a flag once per approval and re-evaluation, lists newest first by proposal and building", async () => {
        await store.saveProposal(assistant);
        await store.saveProposal(water);
        const a = await store.appendVerdict({
          verdict: verdictOn(assistant, 10),
          source: "evaluation",
          window,
        });
        const a2 = await store.appendVerdict({ verdict: verdictOn(assistant, 20), source: "watch", window });
        const w = await store.appendVerdict({ verdict: verdictOn(water, 10), source: "evaluation", window });
        const w2 = await store.appendVerdict({ verdict: verdictOn(water, 20), source: "watch", window });
        const first = await store.recordFlag({
          approvedVerdictId: a.record.id,
          verdictId: a2.record.id,
          flag: flag(assistant.id),
        });
        expect(first).toMatchObject({
          proposalId: assistant.id,
          approvedVerdictId: a.record.id,
          verdictId: a2.record.id,
          flag: flag(assistant.id),
        });
        const twice = await store.recordFlag({
          approvedVerdictId: a.record.id,
          verdictId: a2.record.id,
          flag: { ...flag(assistant.id), severity: "confirmed" },
        });
        expect(twice).toEqual(first);
        const second = await store.recordFlag({
          approvedVerdictId: w.record.id,
          verdictId: w2.record.id,
          flag: flag(water.id),
        });
        expect((await store.listFlags()).map((f) => f.id)).toEqual([second.id, first.id]);
        expect((await store.listFlags({ proposalId: assistant.id })).map((f) => f.id)).toEqual([first.id]);
        expect((await store.listFlags({ building: "tilleuls-b" })).map((f) => f.id)).toEqual([second.id]);
        expect(await store.listFlags({ building: "elsewhere" })).toEqual([]);
      });

      it("refuses a flag on unknown verdicts or on verdicts of two proposals", async () => {
        await store.saveProposal(assistant);
        await store.saveProposal(water);
        const a = await store.appendVerdict({
          verdict: verdictOn(assistant, 10),
          source: "evaluation",
          window,
        });
        const w = await store.appendVerdict({ verdict: verdictOn(water, 10), source: "watch", window });
        await expect(
          store.recordFlag({ approvedVerdictId: a.record.id, verdictId: 999, flag: flag(assistant.id) }),
        ).rejects.toMatchObject({ code: "verdict_not_found" });
        await expect(
          store.recordFlag({
            approvedVerdictId: a.record.id,
            verdictId: w.record.id,
            flag: flag(assistant.id),
          }),
        ).rejects.toMatchObject({ code: "verdict_not_found" });
        expect(await store.listFlags()).toEqual([]);
      });
    });
  });
}
