// Every query of every checked-in dashboard, run against a real influxd holding ten simulated
// days of two buildings (written through the InfluxDB adapter, with its daily rollups and a few
// dead letters): Grafana's macros and variables substituted as Grafana does, each answer
// required to be non-empty, error-free and shaped as the panel expects.
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeadLetter } from "../model/dead-letter.ts";
import type { Site } from "../model/site.ts";
import { generateReadingBatches } from "../simulators/readings.ts";
import { generateSite } from "../simulators/site-generator.ts";
import { createInfluxDailyRollup } from "../storage/influx/daily-rollup.ts";
import { createInfluxDeadLetterStore } from "../storage/influx/dead-letter-store.ts";
import { createInfluxTelemetryStore } from "../storage/influx/telemetry-store.ts";
import { type GrafanaContext, interpolate, parseInterval } from "../test/support/grafana-interpolate.ts";
import { type RunningInfluxd, startInfluxd } from "../test/support/influxd.ts";
import { DASHBOARDS, JSON_DIR } from "./generate.ts";
import {
  DAILY_DATASOURCE,
  DATASOURCE,
  type GrafanaDashboard,
  renderDashboard,
  TAG_VALUES_COLUMNS,
} from "./grafana.ts";

const DAY = 86_400_000;
const STEP = 15 * 60_000;
const SEED = 11;
const DATABASE = "telemetry";
/** Grafana's automatic interval for a 10-day range on a full-width panel, before minimums. */
const AUTO_INTERVAL_MS = STEP;

interface Series {
  name: string;
  tags?: Record<string, string>;
  columns: string[];
  values: unknown[][];
}
interface Answer {
  error?: string;
  series?: Series[];
}

let influxd: RunningInfluxd;
let site: Site;
let from: number;
let to: number;
/** The sensor whose last three hours are left out: the only silent one. */
let silent: { building: string; space: string; sensor: string };

/** Runs a query on the database of the datasource it belongs to, as Grafana would. */
async function query(q: string, datasourceUid: string = DATASOURCE.uid): Promise<Answer> {
  const db = datasourceUid === DAILY_DATASOURCE.uid ? `${DATABASE}_daily` : DATABASE;
  const res = await fetch(`${influxd.url}/query`, {
    method: "POST",
    body: new URLSearchParams({ db, q, epoch: "ms" }),
  });
  const body = (await res.json()) as { results?: Answer[]; error?: string };
  if (res.status !== 200 || body.error) return { error: body.error ?? `HTTP ${res.status}` };
  const results = body.results ?? [];
  if (results.length !== 1) return { error: `${results.length} results for one statement` };
  return results[0]!;
}

beforeAll(async () => {
  influxd = await startInfluxd();
  site = generateSite({ seed: SEED, buildings: 2, dwellingsPerBuilding: 4 });
  const [b1] = site.buildings;
  silent = { building: b1!.id, space: b1!.dwellings[1]!.id, sensor: "co2" };
  // Ten days ending now, so the dead letters (stamped with the time they are recorded) fall
  // inside the same range as the readings.
  to = Math.floor(Date.now() / STEP) * STEP;
  from = to - 10 * DAY;

  const options = { url: influxd.url, database: DATABASE, createDatabase: true };
  const store = createInfluxTelemetryStore(options);
  await store.connect();
  for (const batch of generateReadingBatches({ site, seed: SEED, from, to })) {
    const kept = batch.filter(
      (r) =>
        !(
          r.building === silent.building &&
          r.space === silent.space &&
          r.sensor === silent.sensor &&
          r.t >= to - 3 * 3_600_000
        ),
    );
    const result = await store.write(kept);
    expect(result.rejected).toEqual([]);
  }
  await createInfluxDailyRollup(options).run(from, to);

  const letters: DeadLetter[] = [
    {
      receivedAt: to - 60_000,
      topic: `telemetry/${b1!.id}/999/heat`,
      reason: "unknown_space",
      detail: "no dwelling 999 in this building",
      payload: "{}",
      building: b1!.id,
    },
    {
      receivedAt: to - 30_000,
      topic: "telemetry/oops",
      reason: "malformed_topic",
      detail: "expected telemetry/{building}/{space}/{sensor}",
      payload: "1",
    },
    {
      receivedAt: to - 10_000,
      topic: `telemetry/${b1!.id}/common/outdoor`,
      reason: "out_of_range",
      detail: "outdoor_temperature 900 Cel is outside [-60, 60]",
      payload: '{"v":900}',
      building: b1!.id,
    },
  ];
  const deadLetters = createInfluxDeadLetterStore(options);
  await deadLetters.connect();
  await deadLetters.record(letters);
  await Promise.all([store.close(), deadLetters.close()]);
  // The range Grafana would send for "now-10d to now", now taken after everything was written.
  to = Date.now();
}, 180_000);

afterAll(async () => {
  await influxd?.stop();
});

const contextFor = (minInterval: string | undefined): GrafanaContext => ({
  from,
  to,
  intervalMs: Math.max(AUTO_INTERVAL_MS, minInterval ? parseInterval(minInterval) : 0),
  variables: { building: site.buildings[0]!.id, dwelling: site.buildings[0]!.dwellings[0]!.id },
});

async function checkedIn(): Promise<GrafanaDashboard[]> {
  const names = (await readdir(JSON_DIR)).filter((n) => n.endsWith(".json")).sort();
  return Promise.all(names.map(async (n) => JSON.parse(await readFile(join(JSON_DIR, n), "utf8"))));
}

/** The columns each panel's query must answer, from the definitions the JSON was made from. */
const expectedColumns = new Map(
  DASHBOARDS.flatMap((spec) => {
    const rendered = renderDashboard(spec);
    return rendered.panels.flatMap((panel, i) =>
      spec.panels[i]!.queries.map((q) => [`${rendered.uid}/${panel.id}/${q.refId}`, q.columns] as const),
    );
  }),
);

function shapeProblems(answer: Answer, columns: readonly string[]): string | undefined {
  if (answer.error) return `error: ${answer.error}`;
  if (!answer.series?.length) return "no series";
  for (const s of answer.series) {
    if (JSON.stringify(s.columns) !== JSON.stringify(columns))
      return `columns ${JSON.stringify(s.columns)}, expected ${JSON.stringify(columns)}`;
    if (s.values.length === 0) return `series ${s.name} ${JSON.stringify(s.tags)} has no rows`;
  }
  return undefined;
}

describe("dashboards against a real influxd", () => {
  it("answers every template variable query with the simulated ids", async () => {
    const failures: string[] = [];
    for (const d of await checkedIn()) {
      for (const v of d.templating.list) {
        const answer = await query(interpolate(v.query, contextFor(undefined)));
        const problem = shapeProblems(answer, TAG_VALUES_COLUMNS);
        if (problem) failures.push(`${d.title} $${v.name}: ${problem}`);
        // One series per measurement; Grafana keeps each distinct value once.
        const values = [...new Set(answer.series?.flatMap((s) => s.values.map((row) => row[1])))];
        const b = site.buildings[0]!;
        const want = v.name === "building" ? site.buildings.map((x) => x.id) : b.dwellings.map((x) => x.id);
        if (JSON.stringify([...values].sort()) !== JSON.stringify([...want].sort()))
          failures.push(`${d.title} $${v.name}: ${JSON.stringify(values)}, expected ${JSON.stringify(want)}`);
      }
    }
    expect(failures).toEqual([]);
  });

  it("answers every panel's every query, non-empty and with the expected columns", async () => {
    const failures: string[] = [];
    let count = 0;
    for (const d of await checkedIn()) {
      for (const panel of d.panels) {
        expect([DATASOURCE.uid, DAILY_DATASOURCE.uid]).toContain(panel.datasource.uid);
        for (const target of panel.targets) {
          const columns = expectedColumns.get(`${d.uid}/${panel.id}/${target.refId}`);
          const where = `${d.title} / ${panel.title} / ${target.refId}`;
          if (!columns) {
            failures.push(`${where}: not in the definitions (regenerate dashboards/json)`);
            continue;
          }
          const q = interpolate(target.query, contextFor("interval" in panel ? panel.interval : undefined));
          const problem = shapeProblems(await query(q, panel.datasource.uid), columns);
          if (problem) failures.push(`${where}: ${problem}\n  ${q}`);
          count++;
        }
      }
    }
    expect(failures).toEqual([]);
    expect(count).toBeGreaterThanOrEqual(30);
  });
});

describe("what the panels show", () => {
  const panelQuery = async (uid: string, title: string, refId = "A") => {
    const d = (await checkedIn()).find((x) => x.uid === uid)!;
    const panel = d.panels.find((p) => p.title === title);
    if (!panel) throw new Error(`${uid}: no panel ${title}`);
    const target = panel.targets.find((t) => t.refId === refId)!;
    const answer = await query(
      interpolate(target.query, contextFor("interval" in panel ? panel.interval : undefined)),
      panel.datasource.uid,
    );
    expect(answer.error).toBeUndefined();
    return answer.series ?? [];
  };

  it("silent sensors: exactly the sensor left out for the last three hours", async () => {
    for (const [uid, title] of [
      ["charge-guard-building", "Silent sensors"],
      ["charge-guard-ingest-health", "Silent sensors"],
    ] as const) {
      const series = await panelQuery(uid, title);
      expect(series.map((s) => s.tags)).toEqual([silent]);
      expect(series[0]!.values.map((row) => row[1])).toEqual([0]);
    }
  });

  it("consumption per building: each building's electricity, close to the store's own rule", async () => {
    const series = await panelQuery("charge-guard-portfolio", "Consumption per building over the range", "E");
    const store = createInfluxTelemetryStore({ url: influxd.url, database: DATABASE });
    for (const b of site.buildings) {
      const shown = series.find((s) => s.tags?.building === b.id)?.values[0]?.[1] as number;
      const exact = (
        await store.consumption({ building: b.id, quantity: "electricity", from, to, every: "1mo" })
      ).reduce((sum, w) => sum + w.value, 0);
      expect(exact).toBeGreaterThan(0);
      // The first hour of the range has no previous window to difference against.
      expect(Math.abs(shown - exact) / exact, b.id).toBeLessThan(0.02);
    }
    await store.close();
  });

  it("heating per degree day: a heating row and a DJU row for every building", async () => {
    const title = "Heating per degree day, buildings ranked";
    const heating = await panelQuery("charge-guard-portfolio", title, "A");
    const dju = await panelQuery("charge-guard-portfolio", title, "B");
    for (const series of [heating, dju]) {
      expect(series.map((s) => s.tags?.building).sort()).toEqual(site.buildings.map((b) => b.id).sort());
      for (const s of series) expect(s.values[0]![1] as number).toBeGreaterThanOrEqual(0);
    }
    // Ten days of Lyon weather: at most 18 °C below the base every day.
    for (const s of dju) expect(s.values[0]![1] as number).toBeLessThanOrEqual(10 * 40);
  });

  it("dead letters: counted per reason and building", async () => {
    const series = await panelQuery("charge-guard-ingest-health", "Dead letters by reason and building");
    const counts = series.map((s) => ({ ...s.tags, letters: s.values[0]![1] }));
    const b1 = site.buildings[0]!.id;
    expect(counts).toEqual(
      expect.arrayContaining([
        { reason: "unknown_space", building: b1, letters: 1 },
        { reason: "out_of_range", building: b1, letters: 1 },
        { reason: "malformed_topic", building: "", letters: 1 },
      ]),
    );
  });
});

describe("odd ids", () => {
  it("a building id full of regex and quote characters selects itself only", async () => {
    const odd = "b.1 (l'Ouest) [A]";
    const lookalike = "bX1 (l'Ouest) [A]";
    const store = createInfluxTelemetryStore({ url: influxd.url, database: DATABASE });
    const t = to - 3_600_000;
    await store.write([
      { building: odd, space: "0.1", sensor: "temp", quantity: "temperature", t, v: 21.5 },
      { building: lookalike, space: "0.1", sensor: "temp", quantity: "temperature", t, v: 12 },
    ]);
    await store.close();
    const d = (await checkedIn()).find((x) => x.uid === "charge-guard-building")!;
    const panel = d.panels.find((p) => p.title === "Indoor temperature")!;
    const ctx = { ...contextFor(undefined), variables: { building: odd } };
    const answer = await query(interpolate(panel.targets[0]!.query, ctx));
    expect(answer.error).toBeUndefined();
    expect(answer.series?.map((s) => [s.tags?.space, s.values.map((row) => row[1])])).toEqual([
      ["0.1", [21.5]],
    ]);
  });
});
