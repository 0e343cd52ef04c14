// The OpenAPI document served at /docs/json, linted by a real linter (Redocly CLI, redocly.yaml's
// ruleset) and held to what the app really answers: every operation has a unique operationId,
// public ones ask for no token, and every status a caller receives is one its operation declares,
// with the declared content type.
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CALLERS, type CallerName, createTestApp, T0, type TestApp } from "../test/support/app.ts";
import { routeAccessTable } from "./auth/access.ts";
import { openapiPath, PROBLEM_SCHEMA } from "./openapi.ts";

/** Checks a problem+json body against the shared schema's members. */
function expectProblem(body: Record<string, unknown>, label: string) {
  for (const key of PROBLEM_SCHEMA.required) expect(body, label).toHaveProperty([key]);
  for (const key of Object.keys(body)) expect(Object.keys(PROBLEM_SCHEMA.properties), label).toContain(key);
}

const ROOT = resolve(import.meta.dirname, "..");
/** REDOCLY_BIN overrides where the linter is (a checkout whose node_modules is shared). */
const REDOCLY = process.env.REDOCLY_BIN ?? join(ROOT, "node_modules", ".bin", "redocly");

interface Response {
  description: string;
  content?: Record<string, unknown>;
}
interface Operation {
  operationId?: string;
  security?: unknown[];
  responses: Record<string, Response>;
}
interface Document {
  servers: { url: string }[];
  paths: Record<string, Record<string, Operation>>;
}

let t: TestApp;
let doc: Document;
let folder: string;
beforeAll(async () => {
  t = await createTestApp({ rateLimit: { max: 1_000_000, windowMs: 60_000 } });
  const response = await t.app.inject({ url: "/docs/json" });
  expect(response.statusCode).toBe(200);
  doc = response.json() as Document;
  folder = mkdtempSync(join(tmpdir(), "openapi-"));
});
afterAll(async () => {
  await t.close();
  rmSync(folder, { recursive: true, force: true });
});

const operations = () =>
  Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, op })),
  );

describe("the OpenAPI document", () => {
  it("passes Redocly's lint with no error and no warning", async () => {
    expect(existsSync(REDOCLY), `${REDOCLY}: run npm ci (or set REDOCLY_BIN)`).toBe(true);
    const file = join(folder, "openapi.json");
    writeFileSync(file, JSON.stringify(doc));
    const result = await promisify(execFile)(
      REDOCLY,
      ["lint", file, "--format=json", `--config=${join(ROOT, "redocly.yaml")}`],
      {
        cwd: folder,
        env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true" },
      },
    ).catch((error: { stdout?: string; stderr?: string }) => error);
    const report = JSON.parse(result.stdout ?? "") as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string }[];
    };
    expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 120_000);

  it("documents every route, each with a unique operationId, and public ones without a token", () => {
    const ids = operations().map(({ op }) => op.operationId);
    expect(ids.every((id) => typeof id === "string" && /^[a-z][A-Za-z]*$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    const documented = new Set(operations().map(({ key }) => key));
    for (const route of routeAccessTable(t.app)) {
      if (route.method === "HEAD" || route.url === "/docs" || route.url.startsWith("/docs/")) continue;
      const key = `${route.method} ${openapiPath(route.url)}`;
      expect(documented, key).toContain(key);
      const op = doc.paths[openapiPath(route.url)]?.[route.method.toLowerCase()];
      if (route.access.scope === "public") expect(op?.security, key).toEqual([]);
      else expect(op?.security, key).toBeUndefined();
    }
    expect(doc.paths["/metrics"]?.get?.responses["200"]?.content).toHaveProperty(["text/plain"]);
    expect(doc.servers).toEqual([{ url: "/" }]);
  });

  it("declares, for its operation, every status and content type a caller receives", async () => {
    const seen = new Map<string, Set<number>>();
    const callers: (CallerName | undefined)[] = [undefined, ...(Object.keys(CALLERS) as CallerName[])];
    for (const route of routeAccessTable(t.app)) {
      if (route.method === "HEAD" || route.url === "/docs" || route.url.startsWith("/docs/")) continue;
      const key = `${route.method} ${openapiPath(route.url)}`;
      const op = doc.paths[openapiPath(route.url)]?.[route.method.toLowerCase()];
      expect(op, key).toBeDefined();
      if (!op) continue;
      for (const caller of callers) {
        for (const [building, dwelling] of [
          ["bA", "apt-101"],
          ["bB", "apt-101"],
        ] as const) {
          const path = route.url
            .replace(":building", building)
            .replace(":dwelling", dwelling)
            .replace(/:\w+/g, "1");
          const queries = ["", `?quantity=temperature&from=${T0}&to=${T0 + 86_400_000}&building=${building}`];
          for (const query of queries) {
            const bodies: (string | undefined)[] =
              route.method === "POST" ? ["{}", "x".repeat(2 * 1024 * 1024)] : [undefined];
            for (const payload of bodies) {
              const response = await t.app.inject({
                method: route.method as "GET",
                url: `${path}${query}`,
                headers: {
                  ...(caller ? { authorization: `Bearer ${await t.token(caller)}` } : {}),
                  ...(payload ? { "content-type": "application/json" } : {}),
                },
                ...(payload ? { payload } : {}),
              });
              const label = `${caller ?? "anonymous"} ${route.method} ${path}${query} → ${response.statusCode}`;
              const declared = op.responses[String(response.statusCode)];
              expect(declared, `${label} is not documented`).toBeDefined();
              const type = String(response.headers["content-type"] ?? "").split(";")[0] ?? "";
              if (declared?.content && response.statusCode >= 400)
                expect(Object.keys(declared.content), label).toContain(type);
              if (type === "application/problem+json")
                expectProblem(response.json() as Record<string, unknown>, label);
              seen.set(key, (seen.get(key) ?? new Set()).add(response.statusCode));
            }
          }
        }
      }
    }
    // The walk reached refusals of each kind, not only 400s.
    const all = new Set([...seen.values()].flatMap((s) => [...s]));
    for (const status of [200, 400, 401, 403, 404, 413]) expect(all).toContain(status);
  }, 120_000);

  it("names PUBLIC_URL as the server, and documents the 429 a flood gets", async () => {
    const flooded = await createTestApp({
      rateLimit: { max: 2, windowMs: 60_000 },
      publicUrl: "https://guard.example.org",
    });
    try {
      const served = (await flooded.app.inject({ url: "/docs/json" })).json() as Document;
      expect(served.servers).toEqual([{ url: "https://guard.example.org" }]);
      let response = await flooded.app.inject({ url: "/healthz" });
      while (response.statusCode === 200) response = await flooded.app.inject({ url: "/healthz" });
      expect(response.statusCode).toBe(429);
      expect(served.paths["/healthz"]?.get?.responses["429"]?.content).toHaveProperty([
        "application/problem+json",
      ]);
      expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
      expectProblem(response.json() as Record<string, unknown>, "429");
    } finally {
      await flooded.close();
    }
  });
});
