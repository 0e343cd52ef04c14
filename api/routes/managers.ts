// What asset managers read for the buildings they manage: portfolio and building summaries,
// one dwelling's series, alerts, dead letters, installed devices with their running verdicts,
// and the occupants' consents that govern how long fine-grained data is kept.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { buildingAlerts } from "../../alerts/building-alerts.ts";
import { alertSchema } from "../../model/alert.ts";
import { COMMON_SPACE } from "../../model/ids.ts";
import type { SiteRegistry } from "../../model/registry.ts";
import type { Building } from "../../model/site.ts";
import { type ConsentStore, consentPurposeSchema } from "../../storage/consent-store.ts";
import type { DeadLetterStore } from "../../storage/dead-letter-store.ts";
import type { DecisionStore } from "../../storage/decision-store.ts";
import type { TelemetryStore } from "../../storage/telemetry-store.ts";
import { principalOf, visibleTo } from "../auth/access.ts";
import type { RouteAccess } from "../auth/principal.ts";
import { buildingSummaryOut, lastDays, summariseBuilding } from "../managers/summary.ts";
import { ApiError } from "../problem.ts";
import { dayParam, instantIn, instantParam } from "../time-params.ts";
import { mayRead } from "../views/board-proposals.ts";
import { fineDataFloor, readSeries, seriesFields, seriesOut } from "./buildings.ts";
import { deadLetterPage, deadLetterPageOut, deadLetterPageQuery } from "./ops.ts";

export interface ManagerRouteOptions {
  registry: SiteRegistry;
  store: TelemetryStore;
  deadLetters: DeadLetterStore;
  /** Without it, the devices route is not mounted. */
  decisions?: DecisionStore;
  /** Without it, the consent routes are not mounted. */
  consents?: ConsentStore;
  /** RETENTION_FINE_DAYS, for the reads of a dwelling's fine data (fineDataFloor). */
  fineDays?: number;
}

const MANAGERS: RouteAccess = { scope: "building", roles: ["admin", "manager"] };
const OWN_DWELLING: RouteAccess = { scope: "dwelling", roles: ["admin", "manager", "tenant"] };

const id = z.string().min(1).max(64);
const buildingParams = z.object({ building: id });
const dwellingParams = z.object({ building: id, dwelling: id });

const dateParam = dayParam;
const periodQuery = z
  .object({
    from: dateParam.optional(),
    to: dateParam.optional().meta({ description: "The day after the last one (default: today)" }),
  })
  .strict()
  .refine((q) => (q.from === undefined) === (q.to === undefined), {
    message: "give both from and to, or neither",
  })
  .refine((q) => q.from === undefined || q.to === undefined || q.from < q.to, {
    message: "from must be before to",
  });

const consentOut = z.object({
  purpose: consentPurposeSchema,
  granted: z.boolean(),
  recordedAt: z.iso.datetime(),
  /** Who recorded it: the occupant, or a manager on the occupant's behalf (role and subject). */
  recordedBy: z.object({ role: z.string(), subject: z.string() }),
});

/** Consents are recorded as "role:subject", so that whoever reads them knows who decided. */
const recorder = (principal: { role: string; subject: string }) => `${principal.role}:${principal.subject}`;
const recordedByOf = (recordedBy: string) => {
  const colon = recordedBy.indexOf(":");
  return colon < 0
    ? { role: "unknown", subject: recordedBy }
    : { role: recordedBy.slice(0, colon), subject: recordedBy.slice(colon + 1) };
};

function findBuilding(registry: SiteRegistry, building: string): Building {
  const b = registry.building(building);
  if (!b) throw new ApiError("NOT_FOUND", "No such building.");
  return b;
}

function assertDwelling(registry: SiteRegistry, building: string, dwelling: string): void {
  if (dwelling === COMMON_SPACE || !registry.hasSpace(building, dwelling))
    throw new ApiError("NOT_FOUND", "No such dwelling.");
}

const DEFAULT_DAYS = 30;

export const managerRoutes: FastifyPluginAsyncZod<ManagerRouteOptions> = async (app, options) => {
  const { registry, store, deadLetters, decisions, consents } = options;
  const zone = registry.site.timezone;
  const rangeOf = (q: { from?: string; to?: string }) =>
    q.from !== undefined && q.to !== undefined
      ? { from: q.from, to: q.to }
      : lastDays(Date.now(), DEFAULT_DAYS, zone);

  app.get(
    "/portfolio",
    {
      schema: {
        tags: ["managers"],
        summary: "Every building the caller manages, summarised over a period",
        description: `Consumption per m², heating per m² per degree-day (DJU base 18 °C) or, on a tropical site, electricity per m² per cooling degree-day (base 22 °C), and the same dates last year. Days are the site's (its time zone, Europe/Paris by default). Default: the last ${DEFAULT_DAYS} whole days.`,
        querystring: periodQuery,
        response: { 200: z.object({ buildings: z.array(buildingSummaryOut) }) },
      },
      config: { access: { scope: "authenticated", roles: ["admin", "manager"] } },
    },
    async (request) => {
      const range = rangeOf(request.query);
      const buildings = visibleTo(request, registry.buildings, (b) => b.id);
      return {
        buildings: await Promise.all(buildings.map((b) => summariseBuilding(store, b, range, registry.site))),
      };
    },
  );

  app.get(
    "/buildings/:building/summary",
    {
      schema: {
        tags: ["managers"],
        summary: "One building summarised over a period, against the same dates last year",
        params: buildingParams,
        querystring: periodQuery,
        response: { 200: buildingSummaryOut },
      },
      config: { access: MANAGERS },
    },
    async (request) =>
      summariseBuilding(
        store,
        findBuilding(registry, request.params.building),
        rangeOf(request.query),
        registry.site,
      ),
  );

  app.get(
    "/buildings/:building/dwellings/:dwelling/series",
    {
      schema: {
        tags: ["managers"],
        summary: "One dwelling's quantity over time",
        description:
          "Finer than daily only as far back as the retention allows (RETENTION_FINE_DAYS) unless the occupant consented to longer.",
        params: dwellingParams,
        querystring: z.object(seriesFields).strict(),
        response: { 200: seriesOut },
      },
      config: { access: OWN_DWELLING },
    },
    async (request) => {
      const { building, dwelling } = request.params;
      findBuilding(registry, building);
      assertDwelling(registry, building, dwelling);
      return readSeries(
        store,
        { building, space: dwelling, ...request.query },
        zone,
        await fineDataFloor(options, building, dwelling, request.query.every),
      );
    },
  );

  app.get(
    "/buildings/:building/alerts",
    {
      schema: {
        tags: ["managers"],
        summary: "Leaks, overheating, cold dwellings, silent sensors and meter resets",
        params: buildingParams,
        querystring: z
          .object({
            at: instantParam.optional().meta({ description: "Judge as of this instant (default: now)" }),
            nights: z.coerce
              .number()
              .int()
              .min(1)
              .max(14)
              .default(3)
              .meta({ description: "Leak: nights of flow running" }),
          })
          .strict(),
        response: {
          200: z.object({ building: z.string(), at: z.iso.datetime(), alerts: z.array(alertSchema) }),
        },
      },
      config: { access: MANAGERS },
    },
    async (request) => {
      const b = findBuilding(registry, request.params.building);
      const at = request.query.at === undefined ? Date.now() : instantIn(request.query.at, zone);
      return {
        building: b.id,
        at: new Date(at).toISOString(),
        alerts: await buildingAlerts(store, b, at, request.query.nights, registry.site),
      };
    },
  );

  app.get(
    "/buildings/:building/dead-letters",
    {
      schema: {
        tags: ["managers"],
        summary: "Readings of this building that ingest refused, newest first",
        params: buildingParams,
        querystring: z.object(deadLetterPageQuery).strict(),
        response: { 200: deadLetterPageOut },
      },
      config: { access: MANAGERS },
    },
    async (request) => {
      const b = findBuilding(registry, request.params.building);
      return deadLetterPage(deadLetters, { building: b.id, ...request.query });
    },
  );

  if (decisions) {
    const deviceOut = z.object({
      proposal: z.string(),
      title: z.string(),
      device: z.string().meta({ description: "Device name (English)" }),
      buildings: z.array(z.string()),
      latestVerdict: z
        .object({ id: z.number().int(), decision: z.string(), rule: z.string(), decidedAt: z.iso.datetime() })
        .nullable(),
      flags: z.number().int().meta({ description: "Watch flags raised since approval" }),
    });
    app.get(
      "/buildings/:building/devices",
      {
        schema: {
          tags: ["managers"],
          summary: "Devices proposed or installed in this building, with their running verdicts",
          params: buildingParams,
          response: { 200: z.object({ devices: z.array(deviceOut) }) },
        },
        config: { access: MANAGERS },
      },
      async (request) => {
        const b = findBuilding(registry, request.params.building);
        // The same rule as /proposals: a proposal is shown only to who may see all its buildings.
        const principal = principalOf(request);
        const proposals = (await decisions.listProposals({ building: b.id })).filter((p) =>
          mayRead(principal, p.proposal),
        );
        const devices = await Promise.all(
          proposals.map(async ({ proposal, buildings }) => {
            const [latest, flags] = await Promise.all([
              decisions.latestVerdict(proposal.id),
              decisions.listFlags({ proposalId: proposal.id }),
            ]);
            return {
              proposal: proposal.id,
              title: proposal.title,
              device: proposal.device.name.en,
              buildings,
              latestVerdict: latest
                ? {
                    id: latest.id,
                    decision: latest.verdict.decision,
                    rule: latest.verdict.rule,
                    decidedAt: latest.verdict.decidedAt,
                  }
                : null,
              flags: flags.length,
            };
          }),
        );
        return { devices };
      },
    );
  }

  if (consents) {
    app.get(
      "/buildings/:building/dwellings/:dwelling/consents",
      {
        schema: {
          tags: ["consents"],
          summary: "The occupant's consents in force, per purpose",
          params: dwellingParams,
          response: { 200: z.object({ consents: z.array(consentOut) }) },
        },
        config: { access: OWN_DWELLING },
      },
      async (request) => {
        const { building, dwelling } = request.params;
        assertDwelling(registry, building, dwelling);
        const current = await consents.current(building, dwelling);
        return {
          consents: current.map((c) => ({
            purpose: c.purpose,
            granted: c.granted,
            recordedAt: new Date(c.recordedAt).toISOString(),
            recordedBy: recordedByOf(c.recordedBy),
          })),
        };
      },
    );

    app.post(
      "/buildings/:building/dwellings/:dwelling/consents",
      {
        schema: {
          tags: ["consents"],
          summary: "Record the occupant's consent (or its withdrawal) for one purpose",
          description:
            "fine_history: keep this dwelling's finer-than-daily data beyond RETENTION_FINE_DAYS. The latest record per purpose is in force; withdrawing lets the next retention run reduce the data to daily.",
          params: dwellingParams,
          body: z.object({ purpose: consentPurposeSchema, granted: z.boolean() }).strict(),
          response: { 201: consentOut },
        },
        config: { access: OWN_DWELLING },
      },
      async (request, reply) => {
        const { building, dwelling } = request.params;
        assertDwelling(registry, building, dwelling);
        const saved = await consents.record({
          building,
          dwelling,
          ...request.body,
          recordedBy: recorder(principalOf(request)),
        });
        reply.code(201);
        return {
          purpose: saved.purpose,
          granted: saved.granted,
          recordedAt: new Date(saved.recordedAt).toISOString(),
          recordedBy: recordedByOf(saved.recordedBy),
        };
      },
    );
  }
};
