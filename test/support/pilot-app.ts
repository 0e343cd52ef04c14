// For tests: the API on real SQLite stores holding the simulated pilot of test/support/pilot-site.ts (three
// groups of a building, readings three times a day), and a token for any caller.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { buildApp } from "../../api/app.ts";
import type { PrincipalClaims } from "../../api/auth/principal.ts";
import { createTokenVerifier, issueToken } from "../../api/auth/tokens.ts";
import { createGuardService } from "../../guard/service.ts";
import { SiteRegistry } from "../../model/registry.ts";
import type { Site } from "../../model/site.ts";
import { SiteSimulation } from "../../simulators/site-simulation.ts";
import { createSqliteDeadLetterStore } from "../../storage/sqlite/dead-letter-store.ts";
import { createSqliteDecisionStore } from "../../storage/sqlite/decision-store.ts";
import { createSqliteTelemetryStore } from "../../storage/sqlite/telemetry-store.ts";
import type { PilotGroups } from "./pilot-site.ts";
import { pilotScenario, writeThreeADay } from "./pilot-site.ts";

export interface PilotApp {
  app: FastifyInstance;
  /** "Bearer …" for these claims, valid an hour. */
  bearer(claims: PrincipalClaims): Promise<string>;
  close(): Promise<void>;
}

export async function openPilotApp(o: {
  site: Site;
  groups: PilotGroups;
  seed: number;
  install: string;
  /** Simulated days [from, to). */
  from: string;
  to: string;
}): Promise<PilotApp> {
  const folder = mkdtempSync(join(tmpdir(), "api-pilot-"));
  const telemetry = createSqliteTelemetryStore({ path: join(folder, "telemetry.db") });
  const deadLetters = createSqliteDeadLetterStore({ path: join(folder, "dead-letters.db") });
  const decisions = createSqliteDecisionStore({ path: join(folder, "decisions.db") });
  await Promise.all([telemetry.connect(), deadLetters.connect(), decisions.connect()]);
  const sim = new SiteSimulation({
    site: o.site,
    seed: o.seed,
    scenario: pilotScenario(o.groups, o.install),
  });
  await writeThreeADay(telemetry, sim, { from: o.from, to: o.to });
  const secret = randomBytes(32);
  const registry = new SiteRegistry(o.site);
  const logger = pino({ level: "silent" });
  const guard = createGuardService({ telemetry, registry, decisions, logger });
  const app = await buildApp(
    { registry, store: telemetry, deadLetters, decisions, guard, readiness: [] },
    { logger, verifyToken: createTokenVerifier({ secret }) },
  );
  return {
    app,
    bearer: async (claims) => `Bearer ${await issueToken(secret, claims, 3600)}`,
    async close() {
      await app.close();
      await Promise.all([telemetry.close(), deadLetters.close(), decisions.close()]);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
