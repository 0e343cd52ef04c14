// A real site for the page tests: SQLite stores holding ~14 months of simulated hourly
// readings for a 30-dwelling pilot building (enough to compare) and a 6-dwelling one (too few),
// verdicts written by the real guard on two pilots (valves with a true effect, a gadget), and
// the app built with the real token verifier, so tests sign in with real tokens.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { pino } from "pino";
import { buildApp } from "../../api/app.ts";
import type { PrincipalClaims } from "../../api/auth/principal.ts";
import { issueSignInCode } from "../../api/auth/sign-in-code.ts";
import { createTokenVerifier, issueToken } from "../../api/auth/tokens.ts";
import { createGuardService } from "../../guard/service.ts";
import type { Reading } from "../../model/reading.ts";
import { SiteRegistry } from "../../model/registry.ts";
import { type Site, siteSchema } from "../../model/site.ts";
import { generateReadingBatches } from "../../simulators/readings.ts";
import { generateSite } from "../../simulators/site-generator.ts";
import { SiteSimulation } from "../../simulators/site-simulation.ts";
import type { DeadLetterStore } from "../../storage/dead-letter-store.ts";
import type { DecisionStore } from "../../storage/decision-store.ts";
import type { SignInCodeStore } from "../../storage/sign-in-code-store.ts";
import { createSqliteDeadLetterStore } from "../../storage/sqlite/dead-letter-store.ts";
import { createSqliteDecisionStore } from "../../storage/sqlite/decision-store.ts";
import { createSqliteSignInCodeStore } from "../../storage/sqlite/sign-in-code-store.ts";
import { createSqliteTelemetryStore } from "../../storage/sqlite/telemetry-store.ts";
import type { TelemetryStore } from "../../storage/telemetry-store.ts";
import { gadgetProposal, pilotGroups, pilotScenario, valvesProposal } from "./pilot-site.ts";

export const SEED = 11;
export const INSTALL = "2025-10-01";
/** The statement month the tests read: data run from FROM to TO. */
export const MONTH = "2025-12";
const FROM = Date.parse("2024-11-01T00:00:00+01:00");
const TO = Date.parse("2026-01-01T00:00:00+01:00");
const KEPT = new Set(["heat", "hw", "cw", "elec", "outdoor", "elec-common"]);
const TARIFFS = [
  { quantity: "heating_energy", from: "2024-01-01", pricePerUnit: "0.1028", label: "Chauffage collectif" },
  { quantity: "electricity", from: "2024-01-01", pricePerUnit: "0.2016", label: "Électricité, tarif Base" },
  { quantity: "hot_water", from: "2024-01-01", pricePerUnit: "4.34", label: "Eau et assainissement" },
  { quantity: "cold_water", from: "2024-01-01", pricePerUnit: "4.34", label: "Eau et assainissement" },
];

/** b01: 30 dwellings (a pilot of 10 valves, 10 gadgets, 10 controls); b02: 6 dwellings. */
export function pageSite(): Site {
  const site = generateSite({ seed: SEED, buildings: 2, dwellingsPerBuilding: 30 });
  return siteSchema.parse({
    ...site,
    name: "Office public de l'habitat simulé",
    tariffs: TARIFFS,
    buildings: site.buildings.map((b, i) => ({
      ...b,
      dwellings: b.dwellings
        .slice(0, i === 0 ? 30 : 6)
        .map((d) => ({ ...d, sensors: d.sensors.filter((s) => KEPT.has(s.id)) })),
      common: { sensors: b.common.sensors.filter((s) => KEPT.has(s.id)) },
    })),
  });
}

export interface PageFixture {
  app: FastifyInstance;
  site: Site;
  registry: SiteRegistry;
  telemetry: TelemetryStore;
  decisions: DecisionStore;
  /** Proposal ids: valves (approved), gadget (refused). */
  proposals: { valves: string; gadget: string };
  /** A valves dwelling of b01, and a dwelling of the small building b02. */
  dwellings: { pilot: string; small: string };
  token(claims: PrincipalClaims): Promise<string>;
  /** A one-time sign-in code for a token of `claims`, as `token --link` issues. */
  signInCode(claims: PrincipalClaims): Promise<string>;
  signInCodes: SignInCodeStore;
  close(): Promise<void>;
}

export async function createPageFixture(options: { stepMs?: number } = {}): Promise<PageFixture> {
  const folder = mkdtempSync(join(tmpdir(), "pages-"));
  const site = pageSite();
  const registry = new SiteRegistry(site);
  const telemetry = createSqliteTelemetryStore({ path: join(folder, "telemetry.db") });
  const deadLetters: DeadLetterStore = createSqliteDeadLetterStore({ path: join(folder, "dead-letters.db") });
  const decisions = createSqliteDecisionStore({ path: join(folder, "decisions.db") });
  const signInCodes = createSqliteSignInCodeStore({ path: join(folder, "sign-in-codes.db") });
  await Promise.all([telemetry.connect(), deadLetters.connect(), decisions.connect(), signInCodes.connect()]);

  const groups = pilotGroups(site);
  const simulation = new SiteSimulation({ site, seed: SEED, scenario: pilotScenario(groups, INSTALL) });
  let batch: Reading[] = [];
  for (const readings of generateReadingBatches({
    site,
    seed: SEED,
    simulation,
    from: FROM,
    to: TO,
    stepMs: options.stepMs ?? 3_600_000,
  })) {
    for (const r of readings) batch.push(r);
    if (batch.length >= 50_000) {
      await telemetry.write(batch);
      batch = [];
    }
  }
  await telemetry.write(batch);

  const valves = valvesProposal(groups, INSTALL, 30);
  const gadget = gadgetProposal(groups, INSTALL, 30);
  const guard = createGuardService({
    telemetry,
    registry,
    decisions,
    logger: pino({ level: "silent" }),
    clock: () => new Date("2026-01-02T09:00:00Z"),
  });
  for (const p of [valves, gadget])
    await guard.submit(p, { window: { from: "2024-11-02", to: "2026-01-01" } });

  const secret = new Uint8Array(randomBytes(32));
  const logger = pino({ level: "silent" });
  const app = await buildApp(
    {
      registry,
      store: telemetry,
      deadLetters,
      decisions,
      // The app's own, on the system clock as the product's is: the one above fixes the time of
      // the verdicts written before.
      guard: createGuardService({ telemetry, registry, decisions, logger }),
      signInCodes,
      readiness: [],
    },
    {
      logger,
      verifyToken: createTokenVerifier({ secret }),
      rateLimit: { max: 100_000, windowMs: 60_000 },
    },
  );
  return {
    app,
    site,
    registry,
    telemetry,
    decisions,
    proposals: { valves: valves.id, gadget: gadget.id },
    dwellings: { pilot: groups.valves[0]!, small: site.buildings[1]!.dwellings[0]!.id },
    token: (claims) => issueToken(secret, claims, 3_600),
    signInCodes,
    signInCode: async (claims) =>
      issueSignInCode(
        signInCodes,
        await issueToken(secret, claims, 3_600),
        { role: claims.role, subject: claims.sub },
        Date.now() + 3_600_000,
      ),
    async close() {
      await app.close();
      await Promise.all([telemetry.close(), deadLetters.close(), decisions.close(), signInCodes.close()]);
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
