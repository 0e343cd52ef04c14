// For tests: a small site, a real SQLite file holding a little data, one signed token per kind
// of caller, and the app built on them.
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FastifyInstance } from "fastify";
import { type Logger, pino } from "pino";
import { type ApiDependencies, type ApiOptions, buildApp } from "../../api/app.ts";
import type { PrincipalClaims } from "../../api/auth/principal.ts";
import { createTokenVerifier, issueToken } from "../../api/auth/tokens.ts";
import { createGuardService } from "../../guard/service.ts";
import type { Reading } from "../../model/reading.ts";
import { SiteRegistry } from "../../model/registry.ts";
import { siteSchema } from "../../model/site.ts";
import type { ConsentStore } from "../../storage/consent-store.ts";
import type { FineDataPruner } from "../../storage/fine-data-pruner.ts";
import { createSqliteConsentStore } from "../../storage/sqlite/consent-store.ts";
import { createSqliteDeadLetterStore } from "../../storage/sqlite/dead-letter-store.ts";
import { createSqliteDecisionStore } from "../../storage/sqlite/decision-store.ts";
import { createSqliteImportLedger } from "../../storage/sqlite/import-ledger.ts";
import { createSqliteTelemetryStore } from "../../storage/sqlite/telemetry-store.ts";
import type { TelemetryStore } from "../../storage/telemetry-store.ts";

const sensors = [
  { id: "temp", quantity: "temperature" },
  { id: "cw", quantity: "cold_water" },
  { id: "hw", quantity: "hot_water" },
] as const;

export const SITE = siteSchema.parse({
  id: "test-site",
  name: "Test site",
  buildings: [
    {
      id: "bA",
      name: "A",
      dwellings: [
        { id: "apt-101", areaM2: 50, sensors },
        { id: "apt-102", areaM2: 60, sensors },
      ],
      common: { sensors: [{ id: "out", quantity: "outdoor_temperature" }] },
    },
    // Another landlord's building, holding a dwelling with the same id as one of bA's.
    { id: "bB", name: "B", dwellings: [{ id: "apt-101", areaM2: 70, sensors }] },
  ],
});

/** Callers by name; the access test states independently what each may see. */
export const CALLERS = {
  admin: { role: "admin", sub: "admin-1" },
  managerA: { role: "manager", sub: "manager-a", buildings: ["bA"] },
  managerB: { role: "manager", sub: "manager-b", buildings: ["bB"] },
  tenantA101: { role: "tenant", sub: "tenant-a101", building: "bA", dwelling: "apt-101" },
  tenantA102: { role: "tenant", sub: "tenant-a102", building: "bA", dwelling: "apt-102" },
  boardA: { role: "board", sub: "board-a", buildings: ["bA"] },
} as const satisfies Record<string, PrincipalClaims>;

export type CallerName = keyof typeof CALLERS;

export const T0 = Date.parse("2025-01-10T00:00:00Z");

/** Two days of hourly readings for every sensor of the site. */
export function sampleReadings(): Reading[] {
  const out: Reading[] = [];
  for (let h = 0; h < 48; h++) {
    const t = T0 + h * 3_600_000;
    for (const b of SITE.buildings) {
      for (const d of b.dwellings) {
        out.push({
          building: b.id,
          space: d.id,
          sensor: "temp",
          quantity: "temperature",
          t,
          v: 19 + (h % 3),
        });
        out.push({ building: b.id, space: d.id, sensor: "cw", quantity: "cold_water", t, v: 100 + h * 0.01 });
        out.push({ building: b.id, space: d.id, sensor: "hw", quantity: "hot_water", t, v: 50 + h * 0.005 });
      }
      if (b.common.sensors.length > 0) {
        out.push({
          building: b.id,
          space: "common",
          sensor: "out",
          quantity: "outdoor_temperature",
          t,
          v: 5 + (h % 6),
        });
      }
    }
  }
  return out;
}

export interface TestApp {
  app: FastifyInstance;
  store: TelemetryStore;
  consents: ConsentStore & FineDataPruner;
  path: string;
  token(name: CallerName): Promise<string>;
  secret: Uint8Array;
  close(): Promise<void>;
}

export async function createTestApp(
  options: Partial<ApiOptions> = {},
  extraDeps: Partial<Omit<ApiDependencies, "decisions" | "guard">> = {},
): Promise<TestApp> {
  const folder = mkdtempSync(join(tmpdir(), "api-test-"));
  const path = join(folder, "telemetry.db");
  const store = createSqliteTelemetryStore({ path });
  const deadLetters = createSqliteDeadLetterStore({ path: join(folder, "dead-letters.db") });
  const consents = createSqliteConsentStore({ path });
  const decisions = createSqliteDecisionStore({ path: join(folder, "decisions.db") });
  await decisions.connect();
  const imports = createSqliteImportLedger({ path: join(folder, "imports.db") });
  await imports.connect();
  await store.connect();
  await deadLetters.connect();
  await consents.connect();
  await store.write(sampleReadings());
  const secret = new Uint8Array(randomBytes(32));
  const logger: Logger = options.logger ?? pino({ level: "silent" });
  const registry = new SiteRegistry(SITE);
  const app = await buildApp(
    {
      registry,
      store,
      deadLetters,
      decisions,
      guard: createGuardService({ telemetry: store, registry, decisions, logger }),
      consents,
      imports: { ledger: imports, maxBytes: 1024 * 1024 },
      readiness: [{ name: "store", check: () => store.ping() }],
      ...extraDeps,
    },
    { logger, verifyToken: createTokenVerifier({ secret }), ...options },
  );
  const tokens = new Map<CallerName, string>();
  return {
    app,
    store,
    consents,
    path,
    secret,
    async token(name) {
      let t = tokens.get(name);
      if (!t) {
        t = await issueToken(secret, CALLERS[name], 3_600);
        tokens.set(name, t);
      }
      return t;
    },
    async close() {
      await app.close();
      await consents.close();
      await decisions.close();
      await imports.close();
      await deadLetters.close();
      await store.close();
      rmSync(folder, { recursive: true, force: true });
    },
  };
}
