// Operations: liveness, readiness of the dependencies, and ingest's dead letters.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { rejectionReasonSchema } from "../../model/dead-letter.ts";
import type { DeadLetterStore } from "../../storage/dead-letter-store.ts";
import { assertBuilding, principalOf } from "../auth/access.ts";
import { ApiError, sendProblem } from "../problem.ts";

export interface ReadinessCheck {
  name: string;
  /** Resolves when the dependency answers; throws (with a reason) when it does not. */
  check(): Promise<void>;
}

const CHECK_TIMEOUT_MS = 2_000;

async function runCheck(check: ReadinessCheck): Promise<{ name: string; ok: boolean; error?: string }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${CHECK_TIMEOUT_MS} ms`)), CHECK_TIMEOUT_MS);
  });
  try {
    await Promise.race([check.check(), timeout]);
    return { name: check.name, ok: true };
  } catch (error) {
    return { name: check.name, ok: false, error: (error as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

export const deadLetterSchema = z.object({
  id: z.number().int(),
  receivedAt: z.iso.datetime(),
  topic: z.string(),
  reason: rejectionReasonSchema,
  detail: z.string(),
  payload: z.string(),
  building: z.string().optional(),
});

export const deadLetterPageOut = z.object({
  counts: z.record(z.string(), z.number().int()),
  items: z.array(deadLetterSchema),
  next: z.number().int().optional().meta({ description: "Pass as `before` for the next page" }),
});

export const deadLetterPageQuery = {
  reason: rejectionReasonSchema.optional(),
  before: z.coerce
    .number()
    .int()
    .positive()
    .optional()
    .meta({ description: "Page: only letters with a smaller id" }),
  limit: z.coerce.number().int().min(1).max(500).default(100),
};

/** One page of dead letters, newest first, with the counts by reason under the same filter. */
export async function deadLetterPage(
  deadLetters: DeadLetterStore,
  filter: {
    building?: string;
    reason?: z.infer<typeof rejectionReasonSchema>;
    before?: number;
    limit: number;
  },
): Promise<z.input<typeof deadLetterPageOut>> {
  const [items, counts] = await Promise.all([
    deadLetters.list(filter),
    deadLetters.countByReason({ building: filter.building }),
  ]);
  const last = items.at(-1);
  return {
    counts: counts as Record<string, number>,
    items: items.map((l) => ({ ...l, receivedAt: new Date(l.receivedAt).toISOString() })),
    next: items.length === filter.limit && last ? last.id : undefined,
  };
}

export const opsRoutes: FastifyPluginAsyncZod<{
  readiness: ReadinessCheck[];
  deadLetters: DeadLetterStore;
}> = async (app, { readiness, deadLetters }) => {
  app.get(
    "/healthz",
    {
      schema: {
        tags: ["operations"],
        summary: "The process is alive",
        response: { 200: z.object({ status: z.literal("ok") }) },
      },
      config: { access: { scope: "public", roles: [] } },
    },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/readyz",
    {
      schema: {
        tags: ["operations"],
        summary: "Every dependency (store, broker) answers",
        response: {
          200: z.object({
            status: z.literal("ready"),
            checks: z.array(z.object({ name: z.string(), ok: z.boolean() })),
          }),
        },
      },
      config: { access: { scope: "public", roles: [] } },
    },
    async (request, reply) => {
      const results = await Promise.all(readiness.map(runCheck));
      if (results.every((r) => r.ok))
        return { status: "ready" as const, checks: results.map(({ name, ok }) => ({ name, ok })) };
      const failing = results.filter((r) => !r.ok);
      request.log.warn({ failing }, "not ready");
      // Public route: name what fails, keep the errors (hosts, ports, messages) in the log.
      return sendProblem(
        reply,
        request,
        "NOT_READY",
        `Not answering: ${failing.map((f) => f.name).join(", ")}.`,
        {
          checks: results.map(({ name, ok }) => ({ name, ok })),
        },
      );
    },
  );

  app.get(
    "/dead-letters",
    {
      schema: {
        tags: ["operations"],
        summary: "Readings ingest refused, newest first, with the reason",
        description:
          "Admins see every letter, including those whose topic named no known building; managers must name one of their buildings with ?building=.",
        querystring: z
          .object({ building: z.string().min(1).max(64).optional(), ...deadLetterPageQuery })
          .strict(),
        response: { 200: deadLetterPageOut },
      },
      config: { access: { scope: "authenticated", roles: ["admin", "manager"] } },
    },
    async (request) => {
      const { building, ...page } = request.query;
      if (building === undefined && principalOf(request).role !== "admin") {
        throw new ApiError("BAD_REQUEST", "Name one of your buildings with ?building=.");
      }
      if (building !== undefined) assertBuilding(request, building);
      return deadLetterPage(deadLetters, { building, ...page });
    },
  );
};
