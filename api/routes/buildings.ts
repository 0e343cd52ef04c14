// Buildings as managers see them: the list, one building's spaces and sensors, its latest
// values, and windowed series (consumption for meters, aggregates for the rest).
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { COMMON_SPACE } from "../../model/ids.ts";
import { isCounter, QUANTITIES, quantitySchema } from "../../model/quantities.ts";
import type { SiteRegistry } from "../../model/registry.ts";
import type { Building } from "../../model/site.ts";
import type { ConsentStore } from "../../storage/consent-store.ts";
import type { Every, TelemetryStore } from "../../storage/telemetry-store.ts";
import { visibleTo } from "../auth/access.ts";
import type { RouteAccess } from "../auth/principal.ts";
import { ApiError } from "../problem.ts";
import { fineCutoff } from "../retention.ts";
import { EVERY_MS, instantIn, instantParam, MAX_WINDOWS } from "../time-params.ts";

const buildingParams = z.object({ building: z.string().min(1).max(64) });

const sensorOut = z.object({ id: z.string(), quantity: quantitySchema, unit: z.string() });

const buildingSummary = z.object({
  id: z.string(),
  name: z.string(),
  address: z.string().optional(),
  heating: z.enum(["collective", "individual"]),
  dwellings: z.number().int(),
  floorAreaM2: z.number(),
});

const buildingDetail = buildingSummary.omit({ dwellings: true }).extend({
  dwellings: z.array(
    z.object({
      id: z.string(),
      label: z.string().optional(),
      floor: z.number().int().optional(),
      areaM2: z.number(),
      rooms: z.number().int().optional(),
      sensors: z.array(sensorOut),
    }),
  ),
  common: z.object({ sensors: z.array(sensorOut) }),
});

/** Per-dwelling data (spaces, sensors, series) is for the people who run the buildings. */
const MANAGED: RouteAccess = { scope: "building", roles: ["admin", "manager"] };

/** Series parameters shared by the building and dwelling series routes. */
export const seriesFields = {
  quantity: quantitySchema,
  from: instantParam.optional(),
  to: instantParam.optional(),
  every: z.enum(["15m", "1h", "1d", "1mo"]).default("1d"),
  fn: z
    .enum(["consumption", "mean", "min", "max", "sum", "last", "count"])
    .optional()
    .meta({ description: "Default: consumption for meters (cumulative indexes), mean otherwise" }),
};

const seriesQuery = z
  .object({
    ...seriesFields,
    space: z.string().min(1).max(64).optional(),
    sensor: z.string().min(1).max(64).optional(),
  })
  .strict()
  .refine((q) => q.sensor === undefined || q.space !== undefined, {
    message: "sensor needs space",
    path: ["sensor"],
  });

export const seriesOut = z.object({
  building: z.string(),
  quantity: quantitySchema,
  unit: z.string(),
  space: z.string().optional(),
  sensor: z.string().optional(),
  every: z.string(),
  fn: z.string(),
  from: z.iso.datetime(),
  to: z.iso.datetime(),
  points: z.array(z.object({ start: z.iso.datetime(), value: z.number() })),
});

const latestOut = z.object({
  building: z.string(),
  readings: z.array(
    z.object({
      space: z.string(),
      sensor: z.string(),
      quantity: quantitySchema,
      unit: z.string(),
      t: z.iso.datetime(),
      value: z.number(),
    }),
  ),
});

function floorArea(building: Building): number {
  return building.dwellings.reduce((sum, d) => sum + d.areaM2, 0);
}

function findBuilding(registry: SiteRegistry, id: string): Building {
  const building = registry.building(id);
  if (!building) throw new ApiError("NOT_FOUND", "No such building.");
  return building;
}

type SeriesRequest = { building: string; space?: string; sensor?: string } & z.output<
  z.ZodObject<typeof seriesFields>
>;

/** Who consented to keeping fine data (storage/consent-store.ts). */
type FineDataConsents = Pick<ConsentStore, "current">;

/** Where a read of one space's data at `every` may start: the retention cutoff for a dwelling's
 * finer-than-daily data without the occupant's consent, else the beginning of time. */
export async function fineDataFloor(
  deps: { consents?: FineDataConsents | undefined; fineDays?: number | undefined; registry: SiteRegistry },
  building: string,
  space: string | undefined,
  every: Every,
  now = Date.now(),
): Promise<number> {
  if (deps.fineDays === undefined || space === undefined || space === COMMON_SPACE) return 0;
  if (every === "1d" || every === "1mo") return 0;
  const current = (await deps.consents?.current(building, space)) ?? [];
  if (current.some((c) => c.purpose === "fine_history" && c.granted)) return 0;
  return fineCutoff(now, deps.fineDays, deps.registry.site.timezone);
}

/** Reads one series; local days in `from`/`to` start at their midnight in `zone`. */
export async function readSeries(
  store: TelemetryStore,
  q: SeriesRequest,
  zone: string,
  floor = 0,
): Promise<z.input<typeof seriesOut>> {
  const to = q.to === undefined ? Date.now() : instantIn(q.to, zone);
  const asked = q.from === undefined ? to - 7 * 86_400_000 : instantIn(q.from, zone);
  if (asked >= to) throw new ApiError("BAD_REQUEST", "`from` must be before `to`.");
  // Past the retention cutoff the read is cut, not refused: the answer's `from` says where it starts.
  const from = Math.min(Math.max(asked, floor), to);
  if ((to - from) / EVERY_MS[q.every] > MAX_WINDOWS) {
    throw new ApiError(
      "BAD_REQUEST",
      `That asks for more than ${MAX_WINDOWS} windows; use a wider \`every\` or a shorter range.`,
    );
  }
  const fn = q.fn ?? (isCounter(q.quantity) ? "consumption" : "mean");
  if (fn === "consumption" && !isCounter(q.quantity)) {
    throw new ApiError(
      "BAD_REQUEST",
      `${q.quantity} is not a meter; use mean, min, max, sum, last or count.`,
    );
  }
  const filter = {
    building: q.building,
    quantity: q.quantity,
    space: q.space,
    sensor: q.sensor,
    from,
    to,
    every: q.every,
  };
  const windows =
    fn === "consumption" ? await store.consumption(filter) : await store.aggregate({ ...filter, fn });
  return {
    building: q.building,
    quantity: q.quantity,
    unit: QUANTITIES[q.quantity].unit,
    space: q.space,
    sensor: q.sensor,
    every: q.every,
    fn,
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    points: windows.map((w) => ({ start: new Date(w.start).toISOString(), value: w.value })),
  };
}

export const buildingRoutes: FastifyPluginAsyncZod<{
  registry: SiteRegistry;
  store: TelemetryStore;
  consents?: FineDataConsents;
  fineDays?: number;
}> = async (app, options) => {
  const { registry, store } = options;
  app.get(
    "/buildings",
    {
      schema: {
        tags: ["buildings"],
        summary: "The buildings the caller may see",
        response: { 200: z.object({ buildings: z.array(buildingSummary) }) },
      },
      config: { access: { scope: "authenticated", roles: ["admin", "manager", "board"] } },
    },
    async (request) => ({
      buildings: visibleTo(request, registry.buildings, (b) => b.id).map((b) => ({
        id: b.id,
        name: b.name,
        address: b.address,
        heating: b.heating,
        dwellings: b.dwellings.length,
        floorAreaM2: floorArea(b),
      })),
    }),
  );

  app.get(
    "/buildings/:building",
    {
      schema: {
        tags: ["buildings"],
        summary: "One building: its dwellings, common areas and sensors",
        params: buildingParams,
        response: { 200: buildingDetail },
      },
      config: { access: MANAGED },
    },
    async (request) => {
      const b = findBuilding(registry, request.params.building);
      return {
        id: b.id,
        name: b.name,
        address: b.address,
        heating: b.heating,
        floorAreaM2: floorArea(b),
        dwellings: b.dwellings,
        common: b.common,
      };
    },
  );

  app.get(
    "/buildings/:building/latest",
    {
      schema: {
        tags: ["buildings"],
        summary: "The most recent reading of every sensor of a building",
        params: buildingParams,
        querystring: z.object({ space: z.string().min(1).max(64).optional() }).strict(),
        response: { 200: latestOut },
      },
      config: { access: MANAGED },
    },
    async (request) => {
      const b = findBuilding(registry, request.params.building);
      const { space } = request.query;
      if (space !== undefined && !registry.hasSpace(b.id, space))
        throw new ApiError("NOT_FOUND", "No such space in this building.");
      const readings = await store.latest({ building: b.id, space });
      return {
        building: b.id,
        readings: readings.map((r) => ({
          space: r.space,
          sensor: r.sensor,
          quantity: r.quantity,
          unit: QUANTITIES[r.quantity].unit,
          t: new Date(r.t).toISOString(),
          value: r.v,
        })),
      };
    },
  );

  app.get(
    "/buildings/:building/series",
    {
      schema: {
        tags: ["buildings"],
        summary: "A quantity over time, per window, for the building, one space or one sensor",
        description:
          "Days and months are calendar days and months in the site's time zone (Europe/Paris by default). For meters the default is the consumption in each window, derived from cumulative indexes and robust to meter resets. The range defaults to the last 7 days.",
        params: buildingParams,
        querystring: seriesQuery,
        response: { 200: seriesOut },
      },
      config: { access: MANAGED },
    },
    async (request) => {
      const b = findBuilding(registry, request.params.building);
      const q = request.query;
      if (q.space !== undefined && q.space !== COMMON_SPACE && !registry.hasSpace(b.id, q.space)) {
        throw new ApiError("NOT_FOUND", "No such space in this building.");
      }
      if (
        q.sensor !== undefined &&
        q.space !== undefined &&
        !registry.lookup(b.id, q.space, q.sensor).found
      ) {
        throw new ApiError("NOT_FOUND", "No such sensor in this space.");
      }
      return readSeries(
        store,
        { building: b.id, ...q },
        registry.site.timezone,
        await fineDataFloor(options, b.id, q.space, q.every),
      );
    },
  );
};
