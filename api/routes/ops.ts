// Operations: liveness, readiness of the dependencies, and ingest's dead letters.
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import { z } from "zod";
import { rejectionReasonSchema } from "../../model/dead-letter.ts";
import type { DeadLetterStore } from "../../storage/dead-letter-store.ts";
import { sendProblem } from "../problem.ts";

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

const deadLetterSchema = z.object({
  id: z.number().int(),
  receivedAt: z.iso.datetime(),
  topic: z.string(),
  reason: rejectionReasonSchema,
  detail: z.string(),
  payload: z.string(),
  building: z.string().optional(),
});

export const opsRoutes: FastifyPluginAsyncZod<{ readiness: ReadinessCheck[]; deadLetters: DeadLetterStore }> = async (
  app,
  { readiness, deadLetters },
) => {
  app.get(
    "/healthz",
    { schema: { tags: ["operations"], summary: "The process is alive", response: { 200: z.object({ status: z.literal("ok") }) } } },
    async () => ({ status: "ok" as const }),
  );

  app.get(
    "/readyz",
    {
      schema: {
        tags: ["operations"],
        summary: "Every dependency (store, broker) answers",
        response: {
          200: z.object({ status: z.literal("ready"), checks: z.array(z.object({ name: z.string(), ok: z.boolean() })) }),
        },
      },
    },
    async (request, reply) => {
      const results = await Promise.all(readiness.map(runCheck));
      if (results.every((r) => r.ok)) return { status: "ready" as const, checks: results.map(({ name, ok }) => ({ name, ok })) };
      const failing = results.filter((r) => !r.ok);
      request.log.warn({ failing }, "not ready");
      return sendProblem(reply, request, "NOT_READY", failing.map((f) => `${f.name}: ${f.error}`).join("; "), {
        checks: results,
      });
    },
  );

  app.get(
    "/dead-letters",
    {
      schema: {
        tags: ["operations"],
        summary: "Readings ingest refused, newest first, with the reason",
        querystring: z.object({
          building: z.string().max(64).optional(),
          reason: rejectionReasonSchema.optional(),
          before: z.coerce.number().int().positive().optional().meta({ description: "Page: only letters with a smaller id" }),
          limit: z.coerce.number().int().min(1).max(500).default(100),
        }),
        response: {
          200: z.object({
            counts: z.record(z.string(), z.number().int()),
            items: z.array(deadLetterSchema),
            next: z.number().int().optional().meta({ description: "Pass as `before` for the next page" }),
          }),
        },
      },
    },
    async (request) => {
      const { building, reason, before, limit } = request.query;
      const [items, counts] = await Promise.all([
        deadLetters.list({ building, reason, before, limit }),
        deadLetters.countByReason({ building }),
      ]);
      const last = items.at(-1);
      return {
        counts: counts as Record<string, number>,
        items: items.map((l) => ({ ...l, receivedAt: new Date(l.receivedAt).toISOString() })),
        next: items.length === limit && last ? last.id : undefined,
      };
    },
  );
};
