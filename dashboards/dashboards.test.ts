// The files Grafana reads: dashboards equal to their generator's output, every panel on the
// provisioned datasource, unique ids, provisioning YAML with the keys Grafana needs and the
// paths and variables docker-compose.yml gives it; and the macro substitution the services
// test relies on.
// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these strings hold Grafana's ${var} syntax, not JavaScript.
import { readdir, readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import {
  escapeRegex,
  formatInterval,
  InterpolationError,
  interpolate,
  parseInterval,
} from "../test/support/grafana-interpolate.ts";
import { DASHBOARDS, fileNameOf, fileTextOf, JSON_DIR } from "./generate.ts";
import { DAILY_DATASOURCE, DATASOURCE, type GrafanaDashboard } from "./grafana.ts";

const here = dirname(fileURLToPath(import.meta.url));
const readYaml = async (path: string) => parse(await readFile(join(here, path), "utf8"));

async function checkedIn(): Promise<Map<string, string>> {
  const names = (await readdir(JSON_DIR)).filter((n) => n.endsWith(".json"));
  return new Map(
    await Promise.all(names.map(async (n) => [n, await readFile(join(JSON_DIR, n), "utf8")] as const)),
  );
}

describe("checked-in dashboards", () => {
  it("are exactly what dashboards/generate.ts writes (run it after editing a definition)", async () => {
    const files = await checkedIn();
    expect([...files.keys()].sort()).toEqual(DASHBOARDS.map(fileNameOf).sort());
    for (const spec of DASHBOARDS)
      expect(files.get(fileNameOf(spec)), fileNameOf(spec)).toBe(fileTextOf(spec));
  });

  it("have unique uids and titles, and unique panel ids within each dashboard", async () => {
    const dashboards = [...(await checkedIn()).values()].map((t) => JSON.parse(t) as GrafanaDashboard);
    expect(new Set(dashboards.map((d) => d.uid)).size).toBe(dashboards.length);
    expect(new Set(dashboards.map((d) => d.title)).size).toBe(dashboards.length);
    for (const d of dashboards) {
      expect(d.uid.length, d.uid).toBeLessThanOrEqual(40);
      const ids = d.panels.map((p) => p.id);
      expect(new Set(ids).size, d.uid).toBe(ids.length);
      for (const p of d.panels) {
        const refIds = p.targets.map((t) => t.refId);
        expect(new Set(refIds).size, `${d.uid} / ${p.title}`).toBe(refIds.length);
        expect(p.gridPos.x + p.gridPos.w, `${d.uid} / ${p.title}`).toBeLessThanOrEqual(24);
      }
    }
  });

  it("put every panel, query and variable on a provisioned datasource, rollups on the daily one", async () => {
    const { datasources } = await readYaml("provisioning/datasources/influxdb.yaml");
    expect(datasources.map((d: { uid: string }) => d.uid)).toEqual([DATASOURCE.uid, DAILY_DATASOURCE.uid]);
    expect(datasources[0].jsonData.dbName).toBe("${INFLUX_DATABASE}");
    expect(datasources[1].jsonData.dbName).toBe("${INFLUX_ROLLUP_DATABASE}");
    for (const text of (await checkedIn()).values()) {
      const d = JSON.parse(text) as GrafanaDashboard;
      for (const p of d.panels) {
        const readsRollups = p.targets.some((t) => /"forever"\./.test(t.query));
        const datasource = readsRollups ? DAILY_DATASOURCE : DATASOURCE;
        expect(p.datasource, `${d.title} / ${p.title}`).toEqual(datasource);
        expect(p.targets.length, `${d.title} / ${p.title}`).toBeGreaterThan(0);
        for (const t of p.targets) {
          expect(t.datasource, `${d.title} / ${p.title} / ${t.refId}`).toEqual(datasource);
          expect(t.rawQuery).toBe(true);
        }
      }
      for (const v of d.templating.list) expect(v.datasource, `${d.title} $${v.name}`).toEqual(DATASOURCE);
    }
  });

  it("use variables only through ${var:regex} in an anchored regex", async () => {
    for (const text of (await checkedIn()).values()) {
      const d = JSON.parse(text) as GrafanaDashboard;
      const queries = [
        ...d.templating.list.map((v) => v.query),
        ...d.panels.flatMap((p) => p.targets.map((t) => t.query)),
      ];
      for (const q of queries) {
        for (const name of ["building", "dwelling"]) {
          const uses = q.match(new RegExp(`\\$\\{?${name}\\b[^/]*`, "g")) ?? [];
          for (const use of uses) expect(use, q).toBe(`\${${name}:regex}$`);
          if (uses.length) expect(q).toContain(`=~ /^\${${name}:regex}$/`);
        }
      }
    }
  });
});

describe("provisioning", () => {
  it("declares the InfluxQL datasources, raw and daily, read from the container's INFLUX_* variables", async () => {
    const file = await readYaml("provisioning/datasources/influxdb.yaml");
    expect(file.apiVersion).toBe(1);
    expect(file.datasources).toHaveLength(2);
    for (const [ds, uid, dbName] of [
      [file.datasources[0], "influxdb-telemetry", "${INFLUX_DATABASE}"],
      [file.datasources[1], "influxdb-daily", "${INFLUX_ROLLUP_DATABASE}"],
    ]) {
      expect(ds).toMatchObject({ type: "influxdb", access: "proxy", uid });
      expect(ds.url).toBe("${INFLUX_URL}");
      expect(ds.user).toBe("${INFLUX_USERNAME}");
      expect(ds.jsonData).toMatchObject({ version: "InfluxQL", dbName, httpMode: "POST" });
      expect(ds.secureJsonData).toEqual({ password: "$INFLUX_PASSWORD" });
      expect(ds.password).toBeUndefined();
    }
    expect(file.datasources.filter((ds: { isDefault?: boolean }) => ds.isDefault)).toHaveLength(1);
  });

  it("loads the dashboards from the folder docker-compose.yml mounts dashboards/json on", async () => {
    const file = await readYaml("provisioning/dashboards/charge-guard.yaml");
    expect(file.apiVersion).toBe(1);
    const [provider] = file.providers;
    expect(provider).toMatchObject({ type: "file", disableDeletion: true, allowUiUpdates: false });
    const compose = await readYaml("../docker-compose.yml");
    const grafana = compose.services.grafana;
    const mounts = Object.fromEntries(
      (grafana.volumes as string[]).map((v) => {
        const [source, target] = v.split(":");
        return [source, target];
      }),
    );
    expect(mounts["./dashboards/json"]).toBe(provider.options.path);
    expect(mounts["./dashboards/provisioning"]).toBe("/etc/grafana/provisioning");
    for (const name of ["INFLUX_URL", "INFLUX_DATABASE", "INFLUX_USERNAME", "INFLUX_PASSWORD"]) {
      expect(grafana.environment[name], name).toBeDefined();
    }
  });
});

describe("interpolate (Grafana's substitution for InfluxQL)", () => {
  const ctx = {
    from: 1_000,
    to: 9_000,
    intervalMs: 3_600_000,
    variables: { building: "b.1 (x)", dwelling: "001" },
  };

  it("renders the time filter, intervals and range ends", () => {
    expect(interpolate("WHERE $timeFilter GROUP BY time($__interval)", ctx)).toBe(
      "WHERE time >= 1000ms and time <= 9000ms GROUP BY time(1h)",
    );
    expect(interpolate("$__interval_ms ${__to}ms $__from", ctx)).toBe("3600000 9000ms 1000");
  });

  it("escapes regex formats and leaves raw ones", () => {
    expect(interpolate('"building" =~ /^${building:regex}$/', ctx)).toBe('"building" =~ /^b\\.1 \\(x\\)$/');
    expect(interpolate("$dwelling [[dwelling]] ${dwelling}", ctx)).toBe("001 001 001");
    expect(escapeRegex("a/b[c]")).toBe("a\\/b\\[c\\]");
  });

  it("leaves regex anchors alone and refuses unknown variables", () => {
    expect(interpolate("FROM /^(co2|humidity)$/", ctx)).toBe("FROM /^(co2|humidity)$/");
    expect(() => interpolate("$nope", ctx)).toThrow(InterpolationError);
  });

  it("writes intervals as Grafana does", () => {
    expect(formatInterval(900_000)).toBe("15m");
    expect(formatInterval(86_400_000)).toBe("1d");
    expect(formatInterval(90_000)).toBe("90s");
    expect(parseInterval("15m")).toBe(900_000);
    expect(parseInterval("1w")).toBe(604_800_000);
  });
});
