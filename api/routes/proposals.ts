// Proposals and verdicts as housing boards use them: submit a proposal, evaluate it now from
// stored telemetry, read its verdicts with their whole evidence. Every record keeps its
// building ids, so a per-building scope check can be added to each route.
import type { FastifyRequest } from "fastify";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { GuardServiceError } from "../../guard/errors.ts";
import { pilotSpaces } from "../../guard/evidence.ts";
import type { GuardService } from "../../guard/service.ts";
import { proposalSchema } from "../../model/proposal.ts";
import type { SiteRegistry } from "../../model/registry.ts";
import { verdictSchema } from "../../model/verdict.ts";
import { GuardError } from "../../rules/errors.ts";
import {
  type DecisionStore,
  DecisionStoreError,
  evidenceWindowSchema,
  type StoredProposal,
  type VerdictRecord,
  verdictSourceSchema,
} from "../../storage/decision-store.ts";
import { assertBuilding, principalOf } from "../auth/access.ts";
import { buildingsOf, type Principal } from "../auth/principal.ts";
import { ApiError } from "../problem.ts";
import { dayParam } from "../time-params.ts";
import { identifiesHouseholds, MIN_AGGREGATE, smallestPilotGroup } from "../views/board-proposals.ts";

/** A proposal or verdict is visible when every building it concerns is in the caller's scope. */
function maySee(request: FastifyRequest, buildings: readonly string[]): boolean {
  const allowed = buildingsOf(principalOf(request));
  return allowed === "all" || buildings.every((b) => allowed.has(b));
}

const proposalParams = z.object({ id: z.string().min(1).max(64) });
const verdictParams = z.object({ id: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER) });

const verdictSummary = z.object({
  id: z.number().int(),
  source: verdictSourceSchema,
  decision: verdictSchema.shape.decision,
  rule: verdictSchema.shape.rule,
  decidedAt: z.iso.datetime(),
});

const proposalOut = z.object({
  proposal: proposalSchema,
  buildings: z.array(z.string()),
  savedAt: z.iso.datetime(),
  latestVerdict: verdictSummary.nullable(),
});

/** What a board gets instead of the verdict when its figures would show fewer than
 * MIN_AGGREGATE households: the decision and why the figures are withheld. */
const withheldVerdict = z
  .object({
    withheld: z.literal(true),
    reason: z.string(),
    decision: verdictSchema.shape.decision,
    rule: verdictSchema.shape.rule,
    decidedAt: z.iso.datetime(),
    guardVersion: z.string(),
    method: verdictSchema.shape.method,
    costs: verdictSchema.shape.costs,
  })
  .strict();

const verdictOut = z.object({
  id: z.number().int(),
  proposalId: z.string(),
  /** The proposal's buildings, for a scope check. */
  buildings: z.array(z.string()),
  source: verdictSourceSchema,
  window: evidenceWindowSchema,
  recordedAt: z.iso.datetime(),
  verdict: z.union([verdictSchema, withheldVerdict]),
});

const evaluationBody = z
  .object({
    from: z.iso.date().optional().meta({
      description:
        "First day of evidence, in the site's time zone (Europe/Paris by default); default: a year before installation",
    }),
    to: dayParam.optional().meta({ description: "Day after the last one (default: today)" }),
  })
  .strict();

const summary = (r: VerdictRecord) => ({
  id: r.id,
  source: r.source,
  decision: r.verdict.decision,
  rule: r.verdict.rule,
  decidedAt: r.verdict.decidedAt,
});

/** A verdict record as the caller may see it: whole, or for a board without the figures that
 * would show fewer than MIN_AGGREGATE households. */
const recordFor = (principal: Principal) => (r: VerdictRecord) => {
  const buildings = [...r.verdict.inputs.proposal.buildings].sort();
  const v = r.verdict;
  if (principal.role !== "board") return { ...r, buildings };
  // Each meter's baseline (its balance points, its noise, the noisiest meter's CV) is one
  // household's: boards see the claim's figures, not the meters'.
  if (!identifiesHouseholds(v.inputs.proposal))
    return {
      ...r,
      buildings,
      verdict: {
        ...v,
        claims: v.claims.map(({ baselines: _, ...c }) => {
          const { maxCvRmse: __, ...fit } = c.fit;
          return { ...c, fit };
        }),
      },
    };
  const verdict: z.infer<typeof withheldVerdict> = {
    withheld: true,
    reason: `the pilot's smallest group has ${smallestPilotGroup(v.inputs.proposal)} households, fewer than ${MIN_AGGREGATE}: its measured figures would show a household's use, so boards see the decision and the costs only`,
    decision: v.decision,
    rule: v.rule,
    decidedAt: v.decidedAt,
    guardVersion: v.guardVersion,
    method: v.method,
    costs: v.costs,
  };
  return { ...r, buildings, verdict };
};

/** The one answer to a proposal id that cannot be saved, whoever's proposal holds it. */
function idTaken(id: string): ApiError {
  return new ApiError(
    "BAD_REQUEST",
    `the id ${id} cannot be used for this proposal: ids are unique across the site and a saved proposal never changes; give it another id`,
    { reason: "proposal_conflict" },
  );
}

/** What a caller can fix becomes a 400 with the guard's message; the rest is an internal error. */
function asProblem(error: unknown): unknown {
  if (error instanceof GuardServiceError) {
    if (error.code === "proposal_not_found") return new ApiError("NOT_FOUND", "No such proposal.");
    return new ApiError("BAD_REQUEST", error.message, { reason: error.code });
  }
  if (error instanceof ApiError) return error;
  if (error instanceof DecisionStoreError && error.code === "proposal_conflict") {
    const id = /id (\S+) is already saved/.exec(error.message)?.[1] ?? "";
    return idTaken(id);
  }
  if (error instanceof DecisionStoreError && error.code === "invalid_record") {
    return new ApiError("BAD_REQUEST", error.message, { reason: error.code });
  }
  if (error instanceof GuardError) return new ApiError("BAD_REQUEST", error.message, { reason: error.code });
  return error;
}

export type ProposalRouteOptions = { registry: SiteRegistry } & (
  | {
      decisions: DecisionStore;
      /** Evaluates proposals on `decisions`; built by the wiring with the site's stores. */
      guard: GuardService;
    }
  /** An app without a decision store: the routes are not mounted. */
  | { decisions?: undefined; guard?: undefined }
);

export const proposalRoutes: FastifyPluginAsyncZod<ProposalRouteOptions> = async (app, options) => {
  if (!options.decisions) return;
  const { registry, decisions, guard } = options;

  const withLatest = async (stored: StoredProposal) => {
    const latest = await decisions.latestVerdict(stored.proposal.id);
    return { ...stored, latestVerdict: latest ? summary(latest) : null };
  };

  /** A proposal concerning a building outside the caller's scope does not exist for them. */
  const findProposal = async (id: string, request?: FastifyRequest): Promise<StoredProposal> => {
    const stored = await decisions.getProposal(id);
    if (!stored || (request && !maySee(request, stored.buildings)))
      throw new ApiError("NOT_FOUND", "No such proposal.");
    return stored;
  };

  app.post(
    "/proposals",
    {
      config: { access: { scope: "authenticated", roles: ["admin", "manager"] } },
      schema: {
        tags: ["proposals"],
        summary: "Submit a proposal to the guard",
        description:
          "The body is a proposal as in examples/proposals/ (unknown fields are refused). Its buildings and pilot dwellings must be in the site. Proposals never change once saved: the same content again answers 200, another content under an existing id 400.",
        body: proposalSchema,
        response: { 200: proposalOut, 201: proposalOut },
      },
    },
    async (request, reply) => {
      const proposal = request.body;
      for (const building of proposal.buildings) assertBuilding(request, building);
      try {
        pilotSpaces(proposal, registry);
        const existing = await decisions.getProposal(proposal.id);
        // Another scope's proposal under this id is refused as any conflict is, without a word of
        // whose it is or whether it is the same: the answer must not tell what exists elsewhere.
        if (existing && !maySee(request, existing.buildings)) throw idTaken(proposal.id);
        const existed = existing !== undefined;
        await decisions.saveProposal(proposal);
        reply.code(existed ? 200 : 201);
        return withLatest(await findProposal(proposal.id));
      } catch (error) {
        throw asProblem(error);
      }
    },
  );

  app.get(
    "/proposals",
    {
      config: { access: { scope: "authenticated", roles: ["admin", "manager", "board"] } },
      schema: {
        tags: ["proposals"],
        summary: "Every proposal, oldest first; by building with ?building=",
        querystring: z.object({ building: z.string().min(1).max(64).optional() }),
        response: { 200: z.object({ proposals: z.array(proposalOut) }) },
      },
    },
    async (request) => {
      if (request.query.building !== undefined) assertBuilding(request, request.query.building);
      const listed = (await decisions.listProposals({ building: request.query.building })).filter((p) =>
        maySee(request, p.buildings),
      );
      return { proposals: await Promise.all(listed.map(withLatest)) };
    },
  );

  app.get(
    "/proposals/:id",
    {
      config: { access: { scope: "authenticated", roles: ["admin", "manager", "board"] } },
      schema: {
        tags: ["proposals"],
        summary: "One proposal and its latest verdict",
        params: proposalParams,
        response: { 200: proposalOut },
      },
    },
    async (request) => withLatest(await findProposal(request.params.id, request)),
  );

  app.post(
    "/proposals/:id/evaluations",
    {
      config: { access: { scope: "authenticated", roles: ["admin", "manager"] } },
      schema: {
        tags: ["proposals"],
        summary: "Evaluate a proposal now from stored telemetry",
        description:
          "Gathers the daily evidence over the site's local days [from, to) (its time zone, Europe/Paris by default), runs the guard and appends the verdict (201). Verdicts are append-only: when the very same inputs were already decided, the recorded verdict comes back with 200.",
        params: proposalParams,
        body: evaluationBody.nullish(),
        response: { 200: verdictOut, 201: verdictOut },
      },
    },
    async (request, reply) => {
      await findProposal(request.params.id, request);
      try {
        const { record, created } = await guard.evaluate(request.params.id, { window: request.body ?? {} });
        reply.code(created ? 201 : 200);
        return recordFor(principalOf(request))(record);
      } catch (error) {
        throw asProblem(error);
      }
    },
  );

  app.get(
    "/proposals/:id/verdicts",
    {
      config: { access: { scope: "authenticated", roles: ["admin", "manager", "board"] } },
      schema: {
        tags: ["proposals"],
        summary: "Every verdict on a proposal, oldest first, board evaluations and watch re-evaluations",
        params: proposalParams,
        response: { 200: z.object({ verdicts: z.array(verdictOut) }) },
      },
    },
    async (request) => {
      await findProposal(request.params.id, request);
      return {
        verdicts: (await decisions.listVerdicts(request.params.id)).map(recordFor(principalOf(request))),
      };
    },
  );

  app.get(
    "/verdicts/:id",
    {
      config: { access: { scope: "authenticated", roles: ["admin", "manager", "board"] } },
      schema: {
        tags: ["proposals"],
        summary: "One verdict with its whole evidence",
        params: verdictParams,
        response: { 200: verdictOut },
      },
    },
    async (request) => {
      const record = await decisions.getVerdict(request.params.id);
      if (!record || !maySee(request, record.verdict.inputs.proposal.buildings)) {
        throw new ApiError("NOT_FOUND", "No such verdict.");
      }
      return recordFor(principalOf(request))(record);
    },
  );
};
