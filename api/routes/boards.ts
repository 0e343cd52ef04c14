// Housing boards: the proposals of their buildings and each verdict with its evidence, as
// printable server-rendered pages (the JSON lives under /proposals and /verdicts). Boards see
// aggregates only; a proposal is shown when all its buildings are within the caller's scope.
import type { FastifyPluginAsyncZod, ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { SiteRegistry } from "../../model/registry.ts";
import type { DecisionStore } from "../../storage/decision-store.ts";
import type { TelemetryStore } from "../../storage/telemetry-store.ts";
import { principalOf } from "../auth/access.ts";
import type { RouteAccess } from "../auth/principal.ts";
import { boardListPage, boardProposalPage } from "../pages/board-pages.ts";
import { installPageErrors } from "../pages/errors.ts";
import { sendPage } from "../pages/layout.ts";
import { cookieBridge, pageContext } from "../pages/session.ts";
import { boardProposal, boardProposals } from "../views/board-proposals.ts";

export interface BoardRouteOptions {
  registry: SiteRegistry;
  store: TelemetryStore;
  /** Without it there is nothing to show: the pages are not mounted. */
  decisions?: DecisionStore;
}

const BOARD: RouteAccess = { scope: "authenticated", roles: ["admin", "manager", "board"] };

export const boardRoutes: FastifyPluginAsyncZod<BoardRouteOptions> = async (app, options) => {
  const { registry, store, decisions } = options;
  if (!decisions) return;
  app.addHook("onRequest", cookieBridge);
  installPageErrors(app);
  const pages = app.withTypeProvider<ZodTypeProvider>();
  const html = { tags: ["pages"], produces: ["text/html"] };
  const lang = z.enum(["fr", "en"]).optional();

  pages.get(
    "/board",
    {
      schema: {
        ...html,
        summary: "Page: the proposals of my buildings",
        querystring: z.object({ lang }).strict(),
      },
      config: { access: BOARD },
    },
    async (request, reply) => {
      const items = await boardProposals(decisions, principalOf(request));
      return sendPage(reply, boardListPage(pageContext(request), registry, items));
    },
  );

  pages.get(
    "/board/proposals/:id",
    {
      schema: {
        ...html,
        summary: "Page: a proposal's verdict with its evidence (the latest, or ?verdict=)",
        params: z.object({ id: z.string().min(1).max(64) }),
        querystring: z
          .object({
            lang,
            verdict: z.coerce.number().int().positive().max(Number.MAX_SAFE_INTEGER).optional(),
          })
          .strict(),
      },
      config: { access: BOARD },
    },
    async (request, reply) => {
      const view = await boardProposal(
        { decisions, store, registry },
        principalOf(request),
        request.params.id,
        request.query.verdict,
      );
      return sendPage(reply, boardProposalPage(pageContext(request), registry, view));
    },
  );
};
