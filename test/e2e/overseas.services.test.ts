// An overseas site end to end (test/e2e/site-martinique.yaml: America/Martinique, tropical),
// in the embedded stack as `npm start` runs it: readings published at UTC instants either side
// of Martinique midnight land in the right local day and month of the building series and of
// the tenant's month page; the simulator's backfill makes Martinique days; and the guard,
// on two simulated years, weighs an air-conditioning controller on electricity against
// cooling degree-days and finds the saving the simulation put in.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrincipalClaims } from "../../api/auth/principal.ts";
import { loadOrCreateSecret } from "../../api/auth/secret.ts";
import { issueToken } from "../../api/auth/tokens.ts";
import { formatQuantity } from "../../api/pages/i18n.ts";
import type { TenantUsage } from "../../api/views/tenant-usage.ts";
import type { EmbeddedStack } from "../../cli/commands/start.ts";
import { pilotSpaces } from "../../guard/evidence.ts";
import { createGuardService } from "../../guard/service.ts";
import { type Proposal, proposalSchema } from "../../model/proposal.ts";
import type { Site } from "../../model/site.ts";
import { localDate, localIsoDate, localMidnight } from "../../model/time-zone.ts";
import { fitBaseline } from "../../rules/estimators/caltrack-baseline.ts";
import { findSeries } from "../../rules/evidence.ts";
import { dailyTemperature } from "../../rules/temperature-feature.ts";
import { dayNumberOf, dayNumberOfIso } from "../../simulators/calendar.ts";
import { runBackfill } from "../../simulators/publisher.ts";
import { type Scenario, scenarioSchema } from "../../simulators/scenario.ts";
import { SiteSimulation } from "../../simulators/site-simulation.ts";
import { startTestEmbedded } from "../support/embedded.ts";
import { writeThreeADay } from "../support/pilot-site.ts";
import { publishAll } from "../support/publish.ts";
import { until } from "../support/wait.ts";

const ZONE = "America/Martinique";
const SITE_FILE = join(import.meta.dirname, "site-martinique.yaml");
const DAY = 86_400_000;
const SEED = 42;

// A month well in the past (ingest takes readings up to three years old): the one holding the
// day 75 days ago, and the month after it, both over.
const ago = localDate(Date.now() - 75 * DAY, ZONE);
const monthStart = localMidnight(ago.year, ago.month, 1, ZONE);
const nextMonthStart = localMidnight(ago.year, ago.month + 1, 1, ZONE);
const lastDayStart = localMidnight(ago.year, ago.month + 1, 0, ZONE);
const monthKey = (t: number) => localIsoDate(t, ZONE).slice(0, 7);

// The air-conditioning controllers: 20% less electricity in six flats from 1 January 2024.
const TREATED = ["b-101", "b-103", "b-202", "b-204", "b-301", "b-303"];
const INSTALLED = "2024-01-01";
const GUARD_WINDOW = { from: "2023-01-01", to: "2025-01-01" };
const scenario: Scenario = scenarioSchema.parse({
  devices: [
    {
      id: "clim-regul",
      building: "flamboyants",
      spaces: TREATED,
      installedOn: INSTALLED,
      effect: { quantity: "electricity", fraction: -0.2 },
    },
  ],
});

const proposal: Proposal = proposalSchema.parse({
  id: "clim-flamboyants",
  title: "Régulation des climatiseurs",
  device: {
    id: "clim-regul",
    name: { fr: "Régulateur de climatisation", en: "Air-conditioning controller" },
    category: "energy_metering",
    claims: [{ quantity: "electricity", meter: "dwelling", vendorClaim: 0.25 }],
    lifetimeYears: 8,
  },
  buildings: ["flamboyants"],
  households: 12,
  pilot: { design: "before_after", meters: TREATED.map((space) => ({ space, installDate: INSTALLED })) },
  costLines: [
    { kind: "capex", label: "Régulateur", eurosPerDwelling: "90", payer: "landlord" },
    {
      kind: "subscription",
      label: "Service de pilotage",
      eurosPerDwellingPerYear: "24",
      payer: "tenant_charges",
      heading: "IV",
    },
  ],
});

/** The flats' and the building's sensors the backfill and the guard need, nothing else. */
function flamboyantsOnly(site: Site): Site {
  return { ...site, buildings: site.buildings.filter((b) => b.id === "flamboyants") };
}

describe("an overseas site (Martinique) end to end", () => {
  let dir: string;
  let stack: EmbeddedStack;
  let client: MqttClient;
  const tokenFor = async (claims: PrincipalClaims) =>
    `Bearer ${await issueToken(loadOrCreateSecret(dir), claims, 3600)}`;
  const get = async (url: string, claims: PrincipalClaims = { role: "admin", sub: "e2e" }) =>
    stack.app.inject({ url, headers: { authorization: await tokenFor(claims) } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "e2e-overseas-"));
    ({ stack } = await startTestEmbedded(dir, {
      SITE_FILE,
      SITE_SEED: String(SEED),
      INGEST_CLIENT_MAX_MSG_PER_S: "0",
    }));
    client = await mqtt.connectAsync(stack.mqttUrl, { clientId: "e2e-overseas", reconnectPeriod: 0 });
  }, 60_000);

  afterAll(async () => {
    await client?.endAsync();
    await stack?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("runs on the site's zone and climate", () => {
    expect(stack.registry.site.timezone).toBe(ZONE);
    expect(stack.registry.site.climate).toBe("tropical");
    // Local midnight in Martinique is 04:00 UTC, all year round.
    expect(new Date(nextMonthStart).toISOString()).toMatch(/T04:00:00\.000Z$/);
  });

  it("puts readings either side of local midnight in their local day and month, in the series and the tenant's month", async () => {
    const reading = (t: number, v: number) => JSON.stringify({ t, v });
    const elec = "telemetry/bellevue/a-101/elec";
    await publishAll(client, [
      { topic: elec, payload: reading(lastDayStart + 12 * 3_600_000, 100) }, // last day, noon
      { topic: elec, payload: reading(nextMonthStart - 1000, 101) }, // last day, 23:59:59: +1
      { topic: elec, payload: reading(nextMonthStart, 104) }, // next month's first day, 00:00: +3
      { topic: elec, payload: reading(nextMonthStart + 3_600_000, 108) }, // 01:00: +4
    ]);
    const range = { building: "bellevue", quantity: "electricity" as const, from: 0, to: Date.now() };
    await until(
      "the four readings stored",
      30_000,
      async () => (await stack.stores.telemetry.count(range)) >= 4,
    );

    // Days given as local dates: the API resolves them at Martinique midnight.
    const from = localIsoDate(lastDayStart, ZONE);
    const to = localIsoDate(nextMonthStart + DAY, ZONE);
    const daily = await get(
      `/buildings/bellevue/series?quantity=electricity&space=a-101&every=1d&from=${from}&to=${to}`,
    );
    expect(daily.statusCode).toBe(200);
    expect(daily.json().from).toBe(new Date(lastDayStart).toISOString());
    expect(daily.json().points).toEqual([
      { start: new Date(lastDayStart).toISOString(), value: 1 },
      { start: new Date(nextMonthStart).toISOString(), value: 7 },
    ]);
    const monthly = await get(
      `/buildings/bellevue/series?quantity=electricity&space=a-101&every=1mo&from=${localIsoDate(monthStart, ZONE)}&to=${to}`,
    );
    expect(monthly.json().points).toEqual([
      { start: new Date(monthStart).toISOString(), value: 1 },
      { start: new Date(nextMonthStart).toISOString(), value: 7 },
    ]);

    const tenant: PrincipalClaims = { role: "tenant", sub: "a-101", building: "bellevue", dwelling: "a-101" };
    const next = monthKey(nextMonthStart);
    const usage = (await get(`/tenant/api/usage?month=${next}`, tenant)).json() as TenantUsage;
    const electricity = usage.quantities.find((q) => q.quantity === "electricity")!;
    expect(usage.periods.current.from).toBe(`${next}-01`);
    expect(electricity.current?.value).toBe(7);
    expect(electricity.previousMonth?.value).toBe(1);
    expect(electricity.current?.cents).toBe(Math.round(7 * 20.16));
    const page = await get(`/tenant?month=${next}&lang=en`, tenant);
    expect(page.statusCode).toBe(200);
    const section = page.body.slice(page.body.indexOf('id="q-electricity"'));
    expect(section.slice(0, section.indexOf("</section>"))).toContain(formatQuantity(7, "kWh", "en"));
  });

  it("backfills Martinique days from the simulator: a meter grows by the model's day between local midnights", async () => {
    const site = flamboyantsOnly(stack.registry.site);
    const from = monthStart;
    const to = from + 8 * DAY;
    const result = await runBackfill({
      url: stack.mqttUrl,
      site,
      scenario,
      seed: SEED,
      from,
      to,
      stepMs: 3_600_000,
      quiet: true,
    });
    expect(result.acknowledged).toBe(result.published);
    expect(await stack.core.writer.flush(60_000)).toBe(true);
    const raw = await stack.stores.telemetry.readRaw({
      building: "flamboyants",
      quantity: "electricity",
      space: "b-204",
      from,
      to,
    });
    const index = new Map(raw.map((r) => [r.t, r.v]));
    const sim = new SiteSimulation({ site, scenario, seed: SEED });
    for (let start = from; start + DAY < to; start += DAY) {
      const day = dayNumberOf(start, ZONE);
      expect(index.get(start + DAY)! - index.get(start)!).toBeCloseTo(
        sim.dailyTotal("flamboyants", "b-204", "electricity", day),
        2,
      );
    }
    // The series' days are the same Martinique days: each counts the increases of its own readings.
    const res = await get(
      `/buildings/flamboyants/series?quantity=electricity&space=b-204&every=1d&from=${from}&to=${to}`,
    );
    const points: { start: string; value: number }[] = res.json().points;
    expect(points.map((p) => p.start)).toEqual(
      Array.from({ length: 8 }, (_, i) => new Date(from + i * DAY).toISOString()),
    );
    for (const p of points.slice(1)) {
      const start = Date.parse(p.start);
      expect(p.value).toBeCloseTo(index.get(start + DAY - 3_600_000)! - index.get(start - 3_600_000)!, 6);
    }
  });

  it("approves the air-conditioning controllers on a cooling-degree-day baseline, with the true saving inside", async () => {
    const site = flamboyantsOnly(stack.registry.site);
    const sim = new SiteSimulation({ site, scenario, seed: SEED });
    await writeThreeADay(stack.stores.telemetry, sim, GUARD_WINDOW);
    const guard = createGuardService({
      telemetry: stack.stores.telemetry,
      registry: stack.registry,
      decisions: stack.stores.decisions,
      logger: pino({ level: "silent" }),
      clock: () => new Date("2026-01-15T12:00:00Z"),
    });
    const { verdict, evidence } = await guard.assess(proposal, { window: GUARD_WINDOW });
    expect(evidence.days[0]).toBe("2023-01-01");
    expect(evidence.days).toHaveLength(731);
    // The outdoor Tmin and Tmax of Martinique days: 06:00 and 15:00 local, 10:00 and 19:00 UTC.
    const first = sim.weather.daily(dayNumberOfIso("2023-01-01"));
    // (The thermometer rounds to 0.1 °C and has its own noise.)
    expect(evidence.outdoor[0]!.tmin).toBeCloseTo(first.tmin, 0);
    expect(evidence.outdoor[0]!.tmax).toBeCloseTo(first.tmax, 0);

    // The baseline year of each flat's meter follows cooling degree-days, not heating ones.
    const temperature = dailyTemperature(evidence.outdoor).values;
    expect(pilotSpaces(proposal, stack.registry).get("b-101")).toEqual(["flamboyants"]);
    const kinds = TREATED.map((space) => {
      const daily = findSeries(evidence, space, "electricity")!;
      const baseline = daily.slice(0, 365).map((use, i) => ({ use, temperature: temperature[i] ?? null }));
      return fitBaseline(baseline, { cooling: true }).kind;
    });
    // Most flats' use follows the heat; a flat without air conditioning may follow something
    // else (CalTRACK's grid reaches 32 °C, so even a tropical "heating" term can qualify).
    expect(
      kinds.filter((k) => k === "cdd" || k === "hdd_cdd").length,
      JSON.stringify(kinds),
    ).toBeGreaterThanOrEqual(4);

    // The truth: what the six flats would have used without the controllers over the
    // reporting year, minus what they used, per flat, in cents at the site's tariff.
    const bare = new SiteSimulation({ site, seed: SEED });
    const reportingFrom = dayNumberOfIso("2024-01-02");
    let saved = 0;
    for (const space of TREATED) {
      for (let day = reportingFrom; day < reportingFrom + 365; day++) {
        saved +=
          bare.dailyTotal("flamboyants", space, "electricity", day) -
          sim.dailyTotal("flamboyants", space, "electricity", day);
      }
    }
    const truthCents = ((saved / TREATED.length) * 0.2016 * 100) | 0;
    expect(verdict.decision).toBe("approve");
    expect(verdict.benefitCentsPerYear.lower).toBeLessThanOrEqual(truthCents);
    expect(verdict.benefitCentsPerYear.upper).toBeGreaterThanOrEqual(truthCents);
    expect(verdict.costs.tenantCentsPerYear).toBeLessThan(truthCents);
  });
});
