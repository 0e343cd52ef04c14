// Tenants: their own dwelling's month (usage, euros, comparison with similar dwellings) and
// connected devices, as server-rendered pages that work without JavaScript and on paper, and
// as JSON twins. The dwelling always comes from the verified token, never from the request;
// caretakers print a dwelling's statement through the building path, within their scope.
import type { FastifyPluginAsyncZod, ZodTypeProvider } from "fastify-type-provider-zod";
import { z } from "zod";
import type { SiteRegistry } from "../../model/registry.ts";
import type { DecisionStore } from "../../storage/decision-store.ts";
import type { TelemetryStore } from "../../storage/telemetry-store.ts";
import { principalOf } from "../auth/access.ts";
import type { RouteAccess } from "../auth/principal.ts";
import { installPageErrors } from "../pages/errors.ts";
import { sendPage } from "../pages/layout.ts";
import { cookieBridge, pageContext } from "../pages/session.ts";
import {
  caretakerLinks,
  SELF_LINKS,
  tenantDevicesPage,
  tenantStatementPage,
  tenantUsagePage,
} from "../pages/tenant-pages.ts";
import { ApiError } from "../problem.ts";
import { TENANT_DEVICES_EXAMPLE, TENANT_USAGE_EXAMPLE } from "../views/examples.ts";
import { defaultMonth, monthSchema } from "../views/periods.ts";
import { tenantDevices, tenantDevicesSchema } from "../views/tenant-devices.ts";
import { tenantUsage, tenantUsageSchema } from "../views/tenant-usage.ts";

export interface TenantRouteOptions {
  registry: SiteRegistry;
  store: TelemetryStore;
  decisions?: DecisionStore;
  /** Tests fix the time; the system clock otherwise. */
  clock?: () => number;
}

const TENANT: RouteAccess = { scope: "authenticated", roles: ["tenant"] };
const CARETAKER: RouteAccess = { scope: "dwelling", roles: ["admin", "manager", "tenant"] };

const monthQuery = z
  .object({ month: monthSchema.optional(), lang: z.enum(["fr", "en"]).optional() })
  .strict();
const pageQuery = z.object({ lang: z.enum(["fr", "en"]).optional() }).strict();

function ownDwelling(request: Parameters<typeof principalOf>[0]): { building: string; dwelling: string } {
  const p = principalOf(request);
  if (p.role !== "tenant") throw new ApiError("FORBIDDEN", "These pages are a tenant's own.");
  return { building: p.building, dwelling: p.dwelling };
}

export const tenantRoutes: FastifyPluginAsyncZod<TenantRouteOptions> = async (app, options) => {
  const { registry, store, decisions } = options;
  const clock = options.clock ?? Date.now;
  const deps = { registry, store };
  const zone = registry.site.timezone;

  app.get(
    "/tenant/api/usage",
    {
      schema: {
        tags: ["tenant"],
        summary: "My dwelling's month: heating, water and electricity, in units and euros, with comparisons",
        description:
          "This month (its first full days when it is running), the month before and the same month a year earlier over the same days; euros at the site's tariffs (integer cents). The comparison is with the other dwellings of the building, per m², and only when at least 10 have data. The month defaults to the current one.",
        querystring: monthQuery,
        response: { 200: tenantUsageSchema.meta({ examples: [TENANT_USAGE_EXAMPLE] }) },
      },
      config: { access: TENANT },
    },
    async (request) => {
      const now = clock();
      return tenantUsage(deps, ownDwelling(request), request.query.month ?? defaultMonth(now, zone), now);
    },
  );

  app.get(
    "/tenant/api/devices",
    {
      schema: {
        tags: ["tenant"],
        summary: "The connected devices in my dwelling: what each costs me and what it was measured to save",
        querystring: pageQuery,
        response: { 200: tenantDevicesSchema.meta({ examples: [TENANT_DEVICES_EXAMPLE] }) },
      },
      config: { access: TENANT },
    },
    async (request) => tenantDevices(decisions, registry, ownDwelling(request)),
  );

  await app.register(async (scope) => {
    scope.addHook("onRequest", cookieBridge);
    installPageErrors(scope);
    const pages = scope.withTypeProvider<ZodTypeProvider>();
    const html = { tags: ["pages"], produces: ["text/html"] };

    pages.get(
      "/tenant",
      { schema: { ...html, summary: "Page: my month", querystring: monthQuery }, config: { access: TENANT } },
      async (request, reply) => {
        const now = clock();
        const usage = await tenantUsage(
          deps,
          ownDwelling(request),
          request.query.month ?? defaultMonth(now, zone),
          now,
        );
        return sendPage(reply, tenantUsagePage(pageContext(request), SELF_LINKS, usage, now, zone));
      },
    );

    pages.get(
      "/tenant/devices",
      {
        schema: { ...html, summary: "Page: my connected devices", querystring: pageQuery },
        config: { access: TENANT },
      },
      async (request, reply) => {
        const devices = await tenantDevices(decisions, registry, ownDwelling(request));
        return sendPage(
          reply,
          tenantDevicesPage(pageContext(request), SELF_LINKS, devices, defaultMonth(clock(), zone)),
        );
      },
    );

    pages.get(
      "/tenant/statement",
      {
        schema: {
          ...html,
          summary: "Page: my printable monthly statement (one A4 page)",
          querystring: monthQuery,
        },
        config: { access: TENANT },
      },
      async (request, reply) => {
        const now = clock();
        const where = ownDwelling(request);
        const usage = await tenantUsage(deps, where, request.query.month ?? defaultMonth(now, zone), now);
        const devices = await tenantDevices(decisions, registry, where);
        return sendPage(
          reply,
          tenantStatementPage(pageContext(request), SELF_LINKS, usage, devices, now, zone),
        );
      },
    );

    pages.get(
      "/buildings/:building/dwellings/:dwelling/statement",
      {
        schema: {
          ...html,
          summary: "Page: a dwelling's printable monthly statement, for the caretaker to hand over",
          params: z.object({ building: z.string().min(1).max(64), dwelling: z.string().min(1).max(64) }),
          querystring: monthQuery,
        },
        config: { access: CARETAKER },
      },
      async (request, reply) => {
        const now = clock();
        const where = request.params;
        const usage = await tenantUsage(deps, where, request.query.month ?? defaultMonth(now, zone), now);
        const devices = await tenantDevices(decisions, registry, where);
        const links = caretakerLinks(where.building, where.dwelling);
        return sendPage(reply, tenantStatementPage(pageContext(request), links, usage, devices, now, zone));
      },
    );
  });
};
