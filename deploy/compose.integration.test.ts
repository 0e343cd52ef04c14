// Checks docker-compose.yml, the Dockerfile, .env.example and the Mosquitto and InfluxDB files
// against each other and against cli/config.ts by reading them; no Docker engine is needed.
import { execFileSync } from "node:child_process";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { CONFIG_KEYS, loadConfig } from "../cli/config.ts";
import { renderMosquittoAuth } from "../ingest/mosquitto-auth.ts";
import { loadSiteFile } from "../model/site-file.ts";
import { RAW_POLICY } from "../storage/influx/options.ts";
import {
  type ComposeService,
  composeSchema,
  interpolateAll,
  parseEnvFile,
  readComposeFile,
  seconds,
  splitPort,
  splitVolume,
  variableUses,
} from "./compose-file.ts";

const root = resolve(fileURLToPath(new URL("..", import.meta.url)));
const read = (path: string) => readFileSync(join(root, path), "utf8");

const { text, raw, compose: declared } = readComposeFile(join(root, "docker-compose.yml"));
const envExample = parseEnvFile(read(".env.example"));
// The file as Compose sees it once .env is a copy of .env.example.
const compose = interpolateAll(declared, envExample);
const services = Object.entries(compose.services);
const service = (name: string): ComposeService => {
  const found = compose.services[name];
  if (!found) throw new Error(`no service ${name} in docker-compose.yml`);
  return found;
};
const APP_SERVICES = ["ingest", "api", "simulator"];
const packageJson = JSON.parse(read("package.json")) as {
  version: string;
  dependencies: Record<string, string>;
};

/** The port a healthcheck command probes, from the URL or `-p` flag it contains. */
function probedPort(test: string | string[]): string | undefined {
  const command = Array.isArray(test) ? test.join(" ") : test;
  return /127\.0\.0\.1:(\d+)/.exec(command)?.[1] ?? /-p (\d+)/.exec(command)?.[1];
}

describe("docker-compose.yml", () => {
  it("follows the Compose specification: no obsolete version key, services and volumes declared", () => {
    expect(raw).not.toHaveProperty("version");
    expect(Object.keys(compose.services).sort()).toEqual([
      "api",
      "grafana",
      "influxdb",
      "ingest",
      "mosquitto",
      "simulator",
    ]);
  });

  it("pins every image to a version tag, the app's to package.json's version", () => {
    for (const [name, s] of services) {
      expect(s.image, name).toMatch(/^[a-z0-9./-]+:\d+\.\d+\.\d+$/);
      if (s.build !== undefined) expect(s.image, name).toBe(`charge-guard:${packageJson.version}`);
    }
    // Mosquitto 2.0.22 or later in the 2.0 line the tests run; a maintained InfluxDB 1.x (1.11,
    // 1.12); Grafana's OSS image where it is still published (grafana-oss stopped at 12.4).
    const [, patch] = /^eclipse-mosquitto:2\.0\.(\d+)$/.exec(service("mosquitto").image ?? "") ?? [];
    expect(Number(patch)).toBeGreaterThanOrEqual(22);
    expect(service("influxdb").image).toMatch(/^influxdb:1\.1[12]\.\d+$/);
    expect(service("grafana").image).toMatch(/^grafana\/grafana:\d/);
  });

  it("publishes ports only for people (API, Grafana, broker), on 127.0.0.1 unless .env says otherwise", () => {
    const publishing = services.filter(([, s]) => (s.ports ?? []).length > 0).map(([name]) => name);
    expect(publishing.sort()).toEqual(["api", "grafana", "mosquitto"]);
    for (const [name, s] of services) {
      for (const port of s.ports ?? []) expect(splitPort(port).hostIp, `${name} ${port}`).toBe("127.0.0.1");
    }
    for (const [name, s] of Object.entries(declared.services)) {
      for (const port of s.ports ?? [])
        expect(port, `${name}: host address configurable`).toMatch(/^\$\{[A-Z_]+:-127\.0\.0\.1\}:/);
    }
  });

  it("gives the app only variables of cli/config.ts, and loadConfig accepts their values", () => {
    for (const name of APP_SERVICES) {
      const environment = service(name).environment ?? {};
      for (const key of Object.keys(environment)) expect(CONFIG_KEYS, `${name}: ${key}`).toContain(key);
      expect(() => loadConfig(environment), name).not.toThrow();
    }
  });

  it("wires the app to the other containers, listening on 0.0.0.0 where it is probed", () => {
    const ingest = loadConfig(service("ingest").environment ?? {});
    const api = loadConfig(service("api").environment ?? {});
    const simulator = loadConfig(service("simulator").environment ?? {});
    for (const config of [ingest, api]) {
      expect(config.STORE).toBe("influx");
      expect(new URL(config.INFLUX_URL).hostname).toBe("influxdb");
      // The app's user is no admin: the init script creates the database and its policies.
      expect(config.INFLUX_CREATE_DATABASE).toBe(false);
      // The rollups' database: the one the init script creates and Grafana's second datasource reads.
      expect(config.INFLUX_ROLLUP_DATABASE).toBe(service("influxdb").environment?.INFLUX_ROLLUP_DATABASE);
      expect(config.INFLUX_ROLLUP_DATABASE).toBe(service("grafana").environment?.INFLUX_ROLLUP_DATABASE);
    }
    for (const config of [ingest, simulator]) expect(new URL(config.MQTT_URL).hostname).toBe("mosquitto");
    expect(ingest.MQTT_USERNAME).toBeDefined();
    expect(ingest.MQTT_PASSWORD).toBeDefined();
    expect(ingest.INGEST_HTTP_HOST).toBe("0.0.0.0");
    expect(api.API_HOST).toBe("0.0.0.0");
    expect(probedPort(service("ingest").healthcheck?.test ?? "")).toBe(String(ingest.INGEST_HTTP_PORT));
    expect(service("ingest").expose).toContain(String(ingest.INGEST_HTTP_PORT));
    expect(probedPort(service("api").healthcheck?.test ?? "")).toBe(String(api.API_PORT));
    expect((service("api").ports ?? []).map((p) => splitPort(p).containerPort)).toEqual([
      String(api.API_PORT),
    ]);
  });

  it("mounts the site file where SITE_FILE points, and the journal folder on a named volume", () => {
    for (const name of APP_SERVICES) {
      const s = service(name);
      const config = loadConfig(s.environment ?? {});
      const mounts = (s.volumes ?? []).map(splitVolume);
      expect(mounts.find((m) => m.target === config.SITE_FILE)?.readOnly, `${name}: site file`).toBe(true);
    }
    const ingest = service("ingest");
    const journal = (ingest.volumes ?? [])
      .map(splitVolume)
      .find((m) => m.target === loadConfig(ingest.environment ?? {}).DATA_DIR);
    expect(journal?.source).toBe("ingest-data");
  });

  it("declares every named volume it uses and uses every one it declares", () => {
    const used = new Set<string>();
    for (const [, s] of services) {
      for (const { source } of (s.volumes ?? []).map(splitVolume)) {
        if (!source.startsWith(".") && !source.startsWith("/")) used.add(source);
      }
    }
    expect([...used].sort()).toEqual(Object.keys(compose.volumes ?? {}).sort());
    for (const name of ["mosquitto", "influxdb", "grafana", "ingest", "api"]) {
      expect(
        (service(name).volumes ?? []).some((v) => used.has(splitVolume(v).source)),
        `${name}: data volume`,
      ).toBe(true);
    }
  });

  it("mounts files and folders that exist in the repository", () => {
    for (const [name, s] of services) {
      for (const { source, target } of (s.volumes ?? []).map(splitVolume)) {
        if (!source.startsWith(".")) continue;
        expect(existsSync(join(root, source)), `${name}: ${source} → ${target}`).toBe(true);
      }
    }
    const mountsOf = (name: string) =>
      Object.fromEntries(
        (service(name).volumes ?? []).map((v) => [splitVolume(v).target, splitVolume(v).source]),
      );
    expect(mountsOf("mosquitto")["/mosquitto/config"]).toBe("./deploy/mosquitto");
    expect(mountsOf("influxdb")["/docker-entrypoint-initdb.d"]).toBe("./deploy/influxdb/init");
    expect(mountsOf("grafana")["/etc/grafana/provisioning"]).toBe("./dashboards/provisioning");
    for (const folder of ["./deploy/mosquitto", "./deploy/influxdb/init", "./dashboards/provisioning"]) {
      expect(statSync(join(root, folder)).isDirectory(), folder).toBe(true);
    }
  });

  it("gives every long-running service a healthcheck with sane timings", () => {
    for (const [name, s] of services) {
      if (name === "simulator") continue;
      const check = s.healthcheck;
      expect(check, name).toBeDefined();
      if (!check) continue;
      expect(Array.isArray(check.test) ? check.test[0] : "CMD-SHELL", name).toMatch(/^CMD(-SHELL)?$/);
      expect(seconds(check.interval), name).toBeGreaterThanOrEqual(5);
      expect(seconds(check.interval), name).toBeLessThanOrEqual(120);
      expect(seconds(check.timeout), name).toBeLessThan(seconds(check.interval));
      expect(check.retries, name).toBeGreaterThanOrEqual(2);
      expect(check.retries, name).toBeLessThanOrEqual(10);
      expect(s.restart, name).toBe("unless-stopped");
    }
    // The broker's check must not need a password: it expects the refusal of an anonymous client.
    expect([service("mosquitto").healthcheck?.test ?? ""].flat().join(" ")).toMatch(
      /mosquitto_sub .*test \$\? -eq 5/,
    );
  });

  it("starts services only after what they depend on is healthy", () => {
    for (const [name, s] of services) {
      for (const [dependency, { condition }] of Object.entries(s.depends_on ?? {})) {
        expect(compose.services[dependency], `${name} → ${dependency}`).toBeDefined();
        expect(condition, `${name} → ${dependency}`).toBe("service_healthy");
        expect(compose.services[dependency]?.healthcheck, `${dependency} has a healthcheck`).toBeDefined();
        expect(
          compose.services[dependency]?.profiles,
          `${dependency} runs without a profile`,
        ).toBeUndefined();
      }
    }
    expect(Object.keys(service("ingest").depends_on ?? {}).sort()).toEqual(["influxdb", "mosquitto"]);
    // The simulator publishes only once ingest's session exists, so the broker queues for it.
    expect(Object.keys(service("simulator").depends_on ?? {})).toContain("ingest");
    expect(service("simulator").profiles).toEqual(["demo"]);
  });

  it("keeps secrets in .env: no literal password, token or secret in the file", () => {
    for (const [name, s] of Object.entries(declared.services)) {
      for (const [key, value] of Object.entries(s.environment ?? {})) {
        if (!/PASSWORD|TOKEN|SECRET/.test(key)) continue;
        expect(value, `${name}: ${key}`).toMatch(/^\$\{[A-Z_]+(:\?[^}]*|:-)?\}$/);
      }
    }
    expect(service("grafana").environment?.GF_AUTH_ANONYMOUS_ENABLED).toBe("false");
    expect(service("influxdb").environment?.INFLUXDB_HTTP_AUTH_ENABLED).toBe("true");
  });
});

describe(".env.example", () => {
  const uses = variableUses(text);

  it("defines every variable the compose file needs and nothing it does not use", () => {
    const required = uses.filter((u) => u.operator === "" || u.operator.endsWith("?")).map((u) => u.name);
    for (const name of required) expect(Object.keys(envExample), name).toContain(name);
    const used = new Set(uses.map((u) => u.name));
    for (const name of Object.keys(envExample)) expect(used.has(name), `${name} is used`).toBe(true);
  });

  it("gives each variable a comment-documented default equal to the compose file's fallback", () => {
    for (const use of uses.filter((u) => u.operator === ":-")) {
      const value = envExample[use.name];
      // Empty in .env.example means "use the fallback" (e.g. no simulator password off-demo).
      if (value !== undefined && value !== "") expect(value, use.name).toBe(use.argument);
    }
  });
});

describe("Dockerfile", () => {
  const dockerfile = read("Dockerfile");
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runtime = stages.at(-1) ?? "";

  it("runs node 24 on Debian slim as an unprivileged user, with production dependencies only", () => {
    expect(runtime).toMatch(/^node:24-bookworm-slim\b/);
    const user = /^USER (\S+)/m.exec(runtime)?.[1];
    expect(user).toBeDefined();
    expect(["root", "0"]).not.toContain(user);
    expect(dockerfile).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/^COPY --from=deps \/app\/node_modules /m);
  });

  it("runs the bundle that its build stage makes with scripts/build.mjs, without tsx", () => {
    // dist/ is build output, absent from the repository: what must exist is the script that
    // writes it, run by a build stage whose dist/ the runtime copies.
    const entrypoint = JSON.parse(/^ENTRYPOINT (\[.*\])$/m.exec(runtime)?.[1] ?? "null") as string[] | null;
    expect(entrypoint?.[0]).toBe("node");
    expect(entrypoint?.join(" ")).not.toMatch(/tsx/);
    const file = entrypoint?.find((arg) => /\.(c|m)?js$/.test(arg)) ?? "";
    expect(file).toMatch(/^dist\//);
    expect(existsSync(join(root, "scripts/build.mjs"))).toBe(true);
    // cli/main.ts bundled into outdir dist/ with .mjs files is the entry file dist/main.mjs.
    const script = read("scripts/build.mjs");
    expect(file).toBe("dist/main.mjs");
    expect(script).toContain('entryPoints: ["cli/main.ts"]');
    expect(script).toContain('outdir: "dist"');
    expect(script).toContain('outExtension: { ".js": ".mjs" }');
    const build = stages.find((stage) => /^\S+ AS build\b/m.test(stage)) ?? "";
    expect(build).toMatch(/^RUN node scripts\/build\.mjs$/m);
    expect(runtime).toMatch(/^COPY --from=build \/app\/dist \.\/dist$/m);
    const locked = JSON.parse(read("package-lock.json")) as { packages: Record<string, unknown> };
    expect(locked.packages).toHaveProperty(["node_modules/esbuild"]);
    // A service that overrides the entrypoint to give node flags still runs the same bundle,
    // with flags this Node (the image's major) accepts.
    for (const name of APP_SERVICES) {
      const own = service(name).entrypoint;
      if (own === undefined) continue;
      expect(own[0], name).toBe("node");
      expect(own.at(-1), name).toBe(file);
      const flags = own.slice(1, -1);
      for (const flag of flags) expect(flag, name).toMatch(/^--[a-z][a-z0-9-]*(=\S+)?$/);
      expect(
        () => execFileSync(process.execPath, [...flags, "-e", "0"]),
        `${name}: ${flags.join(" ")}`,
      ).not.toThrow();
    }
    expect(service("ingest").entrypoint).toContain("--max-semi-space-size=8");
  });

  it("keeps the build's inputs in the context and local output, secrets and modules out", () => {
    const ignored = read(".dockerignore")
      .split("\n")
      .map((line) => line.trim())
      .filter((line) => line !== "" && !line.startsWith("#"));
    for (const kept of ["scripts", "cli", "tsconfig.json", "package-lock.json"])
      expect(ignored).not.toContain(kept);
    expect(ignored).toContain("dist");
    expect(ignored).toContain(".env");
    expect(ignored).toContain("node_modules");
    for (const name of APP_SERVICES)
      expect(service(name).command?.[0], name).toMatch(/^(ingest|api|simulate)$/);
  });
});

describe("deploy/mosquitto", () => {
  const directives = read("deploy/mosquitto/mosquitto.conf")
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"))
    .map((line) => line.split(/\s+/));
  const value = (key: string) => directives.filter(([k]) => k === key).map((d) => d.slice(1).join(" "));

  it("refuses anonymous clients, listens on 1883 and reads its accounts from the mounted folder", () => {
    expect(value("allow_anonymous")).toEqual(["false"]);
    // Sessions belong to accounts: no device can take over ingest's by sending its client id.
    expect(value("use_username_as_clientid")).toEqual(["true"]);
    expect(value("listener")).toEqual(["1883"]);
    expect(value("password_file")[0]).toMatch(/^\/mosquitto\/config\/\w+$/);
    expect(value("acl_file")[0]).toMatch(/^\/mosquitto\/config\/\w+$/);
  });

  it("keeps QoS 1 backlogs across restarts, on the data volume", () => {
    expect(value("persistence")).toEqual(["true"]);
    const mounts = (service("mosquitto").volumes ?? []).map(splitVolume);
    const data = mounts.find((m) => m.source === "mosquitto-data");
    expect(value("persistence_location")[0]?.startsWith(`${data?.target}/`)).toBe(true);
    expect(Number(value("max_queued_messages")[0])).toBeGreaterThan(1000);
  });

  it("saves what it acknowledged after a bounded number of queued messages, not of seconds", () => {
    // Time-based autosave lost every message queued in the last interval on a crash.
    expect(value("autosave_on_changes")).toEqual(["true"]);
    const changes = Number(value("autosave_interval")[0]);
    expect(changes).toBeGreaterThanOrEqual(1);
    expect(changes).toBeLessThanOrEqual(5000);
  });

  it("lets through messages too large for ingest, which dead-letters them with the reason", () => {
    const brokerLimit = Number(value("max_packet_size")[0]);
    const ingestLimit = loadConfig({}).INGEST_MAX_PAYLOAD_BYTES;
    expect(brokerLimit).toBeGreaterThanOrEqual(4 * ingestLimit);
  });

  it("acl.example is what `cli mqtt-auth` generates: each device writes only under its building or space", () => {
    const site = { ...loadSiteFile(join(root, "examples/site.yaml")), allowAnonymous: false };
    const generated = renderMosquittoAuth({
      site,
      ingest: { username: "ingest", password: "x" },
      simulator: { username: "simulator", password: "y" },
    }).acl;
    const example = read("deploy/mosquitto/acl.example");
    expect(example.endsWith(generated)).toBe(true);
    const rules = new Map<string, string[]>();
    let user = "";
    for (const line of generated.split("\n")) {
      const [word, ...rest] = line.trim().split(/\s+/);
      if (word === "user") user = rest.join(" ");
      else if (word === "topic") rules.set(user, [...(rules.get(user) ?? []), rest.join(" ")]);
    }
    expect(rules.get("")).toBeUndefined();
    expect(rules.get("ingest")).toContain("read telemetry/#");
    for (const device of site.devices) {
      const prefix = `write telemetry/${device.building}/${device.space ?? "+"}/#`;
      expect(rules.get(device.id), device.id).toEqual([prefix]);
    }
  });
});

describe("deploy/influxdb/init", () => {
  it("creates the policies the adapter writes to, as the admin the image provides", () => {
    const script = read("deploy/influxdb/init/10-retention-policies.sh");
    expect(script).toMatch(new RegExp(`CREATE RETENTION POLICY \\\\"${RAW_POLICY}\\\\" .* DEFAULT`));
    expect(script).toMatch(/CREATE DATABASE \\"\$\{ROLLUP_DB\}\\"/);
    expect(script).toMatch(/CREATE RETENTION POLICY \\"forever\\" ON \\"\$\{ROLLUP_DB\}\\" DURATION INF/);
    expect(script).toMatch(/GRANT ALL ON \\"\$\{ROLLUP_DB\}\\" TO \\"\$\{INFLUXDB_USER\}\\"/);
    expect(script).toMatch(/GRANT READ ON \\"\$\{ROLLUP_DB\}\\" TO \\"\$\{INFLUXDB_READ_USER\}\\"/);
    expect(script).toMatch(/^ROLLUP_DB="\$\{INFLUX_ROLLUP_DATABASE:-/m);
    expect(script).toMatch(/^\$INFLUX_CMD /m);
  });
});

describe("deploy/compose.influx-external.yml", () => {
  // Compose's !override and !reset tags are left unresolved here: their values are what we check.
  const override = composeSchema.parse(
    parse(read("deploy/compose.influx-external.yml"), { merge: true, logLevel: "error" }),
  );
  const external = { INFLUX_URL: "https://influx.example.org:8086", INFLUX_DATABASE: "telemetry" };

  it("points ingest and api at an external server, by token or by v1 user, and stops depending on the bundled one", () => {
    for (const name of ["ingest", "api"]) {
      const merged = { ...declared.services[name]?.environment, ...override.services[name]?.environment };
      for (const key of Object.keys(merged)) expect(CONFIG_KEYS, `${name}: ${key}`).toContain(key);
      const choices: Record<string, string>[] = [
        { INFLUX_TOKEN: "a-token" },
        { INFLUX_V1_USERNAME: "app", INFLUX_V1_PASSWORD: "pw" },
      ];
      for (const credentials of choices) {
        const config = loadConfig(interpolateAll(merged, { ...envExample, ...external, ...credentials }));
        expect(config.INFLUX_URL).toBe(external.INFLUX_URL);
        expect(config.INFLUX_CREATE_DATABASE).toBe(false);
        // The adapter refuses a token together with a user name.
        expect(config.INFLUX_TOKEN === undefined || config.INFLUX_USERNAME === undefined, name).toBe(true);
      }
      expect(Object.keys(override.services[name]?.depends_on ?? {}), name).not.toContain("influxdb");
    }
    expect(override.services.influxdb?.profiles).toEqual(["bundled-influxdb"]);
    expect(Object.keys(override.services.grafana?.depends_on ?? {})).toEqual([]);
  });
});
