// The access matrix: every route the app registers (walked from the onRoute table), every kind
// of caller, ids swapped in path, query and body. Outside its scope a caller gets 401/403/404
// as application/problem+json carrying no data; hostile ids never reach a query; bodies are
// strict; oversized bodies get 413 and floods 429.
import { Writable } from "node:stream";
import Fastify from "fastify";
import { SignJWT } from "jose";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CALLERS, type CallerName, createTestApp, T0, type TestApp } from "../test/support/app.ts";
import { AccessDeclarationError, installAccessControl, routeAccessTable } from "./auth/access.ts";
import { EMBEDDED_AUDIENCE, EMBEDDED_ISSUER } from "./auth/tokens.ts";

let t: TestApp;
beforeAll(async () => {
  // The matrix sends thousands of requests from one address; the flood test below has its own app.
  t = await createTestApp({ rateLimit: { max: 1_000_000, windowMs: 60_000 } });
});
afterAll(async () => t.close());

/** What each caller may see, stated here independently of api/auth/access.ts. */
const MAY_SEE: Record<
  CallerName,
  { buildings: string[] | "all"; dwelling?: [string, string] | "all" | "in-buildings" }
> = {
  admin: { buildings: "all", dwelling: "all" },
  managerA: { buildings: ["bA"], dwelling: "in-buildings" },
  managerB: { buildings: ["bB"], dwelling: "in-buildings" },
  tenantA101: { buildings: ["bA"], dwelling: ["bA", "apt-101"] },
  tenantA102: { buildings: ["bA"], dwelling: ["bA", "apt-102"] },
  boardA: { buildings: ["bA"] },
};

function mayReach(caller: CallerName, scope: string, building: string, dwelling: string): boolean {
  const may = MAY_SEE[caller];
  const inBuilding = may.buildings === "all" || may.buildings.includes(building);
  if (scope === "building") return inBuilding;
  if (scope === "dwelling") {
    if (may.dwelling === undefined) return false;
    if (may.dwelling === "all") return true;
    if (may.dwelling === "in-buildings") return inBuilding;
    return may.dwelling[0] === building && may.dwelling[1] === dwelling;
  }
  return true;
}

/** Query or body a route needs to answer 200, so "allowed" can be told from "refused";
 * `scope` when the query names the building the caller must be allowed. */
const NEEDS: Record<string, { query?: (building: string) => string; body?: unknown; scope?: "building" }> = {
  "/buildings/:building/series": { query: () => `quantity=temperature&from=${T0}&to=${T0 + 86_400_000}` },
  "/buildings/:building/dwellings/:dwelling/series": {
    query: () => `quantity=temperature&from=${T0}&to=${T0 + 86_400_000}`,
  },
  "POST /buildings/:building/dwellings/:dwelling/consents": {
    body: { purpose: "fine_history", granted: true },
  },
  "/dead-letters": { query: (building) => `building=${building}`, scope: "building" },
};

const TARGETS: [string, string][] = [
  ["bA", "apt-101"],
  ["bA", "apt-102"],
  ["bB", "apt-101"],
];

const PROBLEM_KEYS = ["type", "title", "status", "detail", "instance", "code", "reason", "errors"];

function expectNoData(response: {
  statusCode: number;
  headers: Record<string, unknown>;
  body: string;
  json(): unknown;
}) {
  if (String(response.headers["content-type"]).startsWith("text/html")) {
    // Pages answer people with a sign-in or error page: it may repeat the path asked for, never a figure.
    expect(response.body).not.toMatch(/kWh|m³|€/);
    return;
  }
  expect(response.headers["content-type"]).toMatch(/^application\/problem\+json/);
  const body = response.json() as Record<string, unknown>;
  for (const key of Object.keys(body)) expect(PROBLEM_KEYS).toContain(key);
}

describe("access control", () => {
  it("declares access on every route, and the table covers every route module", () => {
    const table = routeAccessTable(t.app);
    const urls = new Set(table.map((r) => r.url));
    for (const url of [
      "/healthz",
      "/buildings",
      "/buildings/:building/series",
      "/portfolio",
      "/buildings/:building/alerts",
    ]) {
      expect(urls).toContain(url);
    }
    for (const r of table)
      expect(["public", "authenticated", "building", "dwelling"]).toContain(r.access.scope);
  });

  it("refuses to build an app with a route that declares no access", async () => {
    const app = Fastify();
    installAccessControl(app, {});
    const build = async () => {
      await app.register(async (child) => {
        child.get("/undeclared", async () => ({ secret: 1 }));
      });
      await app.ready();
    };
    await expect(build()).rejects.toBeInstanceOf(AccessDeclarationError);
  });

  it("answers 401 to every non-public route without a valid token, before reading anything", async () => {
    const forged = await new SignJWT({ role: "admin" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("x")
      .setIssuer(EMBEDDED_ISSUER)
      .setAudience(EMBEDDED_AUDIENCE)
      .setExpirationTime("1h")
      .sign(new Uint8Array(32));
    const unsigned = `${Buffer.from('{"alg":"none"}').toString("base64url")}.${Buffer.from('{"role":"admin","sub":"x"}').toString("base64url")}.`;
    for (const route of routeAccessTable(t.app)) {
      if (route.access.scope === "public" || route.method === "HEAD") continue;
      const url = route.url.replace(":building", "bA").replace(":dwelling", "apt-101").replace(/:\w+/g, "1");
      for (const authorization of [
        undefined,
        "Bearer ",
        "Basic YWRtaW46YWRtaW4=",
        `Bearer ${forged}`,
        `Bearer ${unsigned}`,
      ]) {
        const response = await t.app.inject({
          method: route.method as "GET",
          url,
          headers: authorization === undefined ? {} : { authorization },
        });
        expect(response.statusCode, `${route.method} ${url} with ${authorization}`).toBe(401);
        expectNoData(response);
      }
    }
  });

  it("refuses (401) a token with an unknown role, a missing scope, or an expiry in the past", async () => {
    const sign = (claims: Record<string, unknown>, exp: number | string = "1h") =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "HS256" })
        .setSubject("someone")
        .setIssuer(EMBEDDED_ISSUER)
        .setAudience(EMBEDDED_AUDIENCE)
        .setExpirationTime(exp)
        .sign(t.secret);
    const bad = [
      await sign({ role: "superuser" }),
      await sign({ role: "manager" }),
      await sign({ role: "manager", buildings: [] }),
      await sign({ role: "tenant", building: "bA" }),
      await sign({ role: "board", buildings: "bA" }),
      await sign({ role: "admin" }, Math.floor(Date.now() / 1000) - 3_600),
    ];
    for (const token of bad) {
      const response = await t.app.inject({
        url: "/buildings",
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.statusCode).toBe(401);
      expectNoData(response);
    }
  });

  it("lets each caller reach exactly its scope on every route; outside it, 403/404 and no data", async () => {
    let checked = 0;
    for (const route of routeAccessTable(t.app)) {
      if (route.access.scope === "public" || route.method === "HEAD") continue;
      const needs = NEEDS[`${route.method} ${route.url}`] ?? NEEDS[route.url] ?? {};
      for (const caller of Object.keys(CALLERS) as CallerName[]) {
        for (const [building, dwelling] of TARGETS) {
          const path = route.url
            .replace(":building", building)
            .replace(":dwelling", dwelling)
            .replace(/:\w+/g, "1");
          const url = needs.query ? `${path}?${needs.query(building)}` : path;
          const response = await t.app.inject({
            method: route.method as "GET",
            url,
            headers: { authorization: `Bearer ${await t.token(caller)}` },
            ...(needs.body ? { payload: needs.body as object } : {}),
          });
          const role = CALLERS[caller].role;
          const allowed =
            route.access.roles.includes(role) &&
            mayReach(caller, needs.scope ?? route.access.scope, building, dwelling);
          const label = `${caller} ${route.method} ${url}`;
          if (
            allowed &&
            (/:(?!building|dwelling)\w+/.test(route.url) || (route.method === "POST" && !needs.body))
          ) {
            // Other ids (a proposal, a verdict) name nothing here, and other bodies are not
            // built: past the access check the handler answers, and what it filters is that
            // module's own tests' business.
            expect([200, 201, 400, 404], `${label}: ${response.body}`).toContain(response.statusCode);
          } else if (allowed) {
            expect([200, 201], `${label}: ${response.body}`).toContain(response.statusCode);
          } else {
            expect([403, 404], label).toContain(response.statusCode);
            expectNoData(response);
            if (String(response.headers["content-type"]).startsWith("application/problem+json")) {
              // Nothing but what the caller sent (the URL, echoed as `instance`) names a dwelling.
              const { instance: _echo, ...rest } = response.json() as Record<string, unknown>;
              expect(JSON.stringify(rest), label).not.toContain("apt-");
            }
          }
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it("filters the lists of authenticated routes to the caller's buildings", async () => {
    const list = async (caller: CallerName, url: string) =>
      t.app.inject({ url, headers: { authorization: `Bearer ${await t.token(caller)}` } });
    const ids = (r: { json(): unknown }, key: "buildings") =>
      (r.json() as Record<string, { id?: string; building?: string }[]>)[key]!.map((b) => b.id ?? b.building);
    expect(ids(await list("managerA", "/buildings"), "buildings")).toEqual(["bA"]);
    expect(ids(await list("boardA", "/buildings"), "buildings")).toEqual(["bA"]);
    expect(ids(await list("admin", "/buildings"), "buildings")).toEqual(["bA", "bB"]);
    expect(ids(await list("managerB", `/portfolio?from=2025-01-10&to=2025-01-12`), "buildings")).toEqual([
      "bB",
    ]);
  });

  it("refuses ids swapped in the query string", async () => {
    const get = async (caller: CallerName, url: string) =>
      t.app.inject({ url, headers: { authorization: `Bearer ${await t.token(caller)}` } });
    // Another landlord's building through ?building=.
    const swapped = await get("managerA", "/dead-letters?building=bB");
    expect(swapped.statusCode).toBe(404);
    expectNoData(swapped);
    expect((await get("managerA", "/dead-letters")).statusCode).toBe(400);
    expect((await get("managerA", "/dead-letters?building=bA")).statusCode).toBe(200);
    expect((await get("admin", "/dead-letters")).statusCode).toBe(200);
    // A space of another building through ?space= on one's own building.
    const otherSpace = await get("managerB", `/buildings/bB/series?quantity=temperature&space=apt-102`);
    expect(otherSpace.statusCode).toBe(404);
    expectNoData(otherSpace);
  });

  it("never stores fields a body may not set (role, building, dwelling): strict bodies", async () => {
    const token = await t.token("tenantA101");
    const response = await t.app.inject({
      method: "POST",
      url: "/buildings/bA/dwellings/apt-101/consents",
      headers: { authorization: `Bearer ${token}` },
      payload: { purpose: "fine_history", granted: true, role: "admin", building: "bB", dwelling: "apt-101" },
    });
    expect(response.statusCode).toBe(400);
    expectNoData(response);
    // (Other tests record consents as other callers; none may come from this one outside its dwelling.)
    expect(
      (await t.consents.current("bB", "apt-101")).filter(
        (c) => c.recordedBy === `tenant:${CALLERS.tenantA101.sub}`,
      ),
    ).toEqual([]);
    // The path names the dwelling: a tenant cannot record for a neighbour by any field.
    const neighbour = await t.app.inject({
      method: "POST",
      url: "/buildings/bA/dwellings/apt-102/consents",
      headers: { authorization: `Bearer ${token}` },
      payload: { purpose: "fine_history", granted: true },
    });
    expect(neighbour.statusCode).toBe(404);
    expect(
      (await t.consents.current("bA", "apt-102")).filter(
        (c) => c.recordedBy === `tenant:${CALLERS.tenantA101.sub}`,
      ),
    ).toEqual([]);
  });

  it("answers 404 or 400, never 500, to ids built to break a query", async () => {
    const hostile = [
      "a'b",
      'a"b',
      "a\\b",
      "a,b=c d",
      "a\nb",
      "x' OR '1'='1",
      '"; DROP MEASUREMENT telemetry; --',
      "SELECT * FROM points; DELETE FROM series",
      "bA' OR building != '",
      "../bA",
      "bA%00",
      "é\u00a0ü",
    ];
    const admin = await t.token("admin");
    const before = await t.store.count({ building: "bA", quantity: "temperature", from: 0, to: 2e12 });
    for (const id of hostile) {
      const e = encodeURIComponent(id);
      for (const url of [
        `/buildings/${e}`,
        `/buildings/${e}/series?quantity=temperature`,
        `/buildings/bA/series?quantity=temperature&space=${e}`,
        `/buildings/bA/series?quantity=temperature&space=apt-101&sensor=${e}`,
        `/buildings/bA/latest?space=${e}`,
        `/buildings/bA/dwellings/${e}/series?quantity=cold_water`,
        `/buildings/${e}/alerts`,
        `/dead-letters?building=${e}`,
        `/buildings/bA/series?quantity=${e}`,
      ]) {
        const response = await t.app.inject({ url, headers: { authorization: `Bearer ${admin}` } });
        if (url.startsWith("/dead-letters")) {
          expect(response.statusCode, url).toBe(200);
          expect((response.json() as { items: unknown[] }).items).toEqual([]);
        } else {
          expect([400, 404], `${url}: ${response.body}`).toContain(response.statusCode);
          expectNoData(response);
        }
      }
    }
    expect(await t.store.count({ building: "bA", quantity: "temperature", from: 0, to: 2e12 })).toBe(before);
  });

  it("answers 413 as problem+json to an oversized body", async () => {
    const response = await t.app.inject({
      method: "POST",
      url: "/buildings/bA/dwellings/apt-101/consents",
      headers: { authorization: `Bearer ${await t.token("tenantA101")}`, "content-type": "application/json" },
      payload: JSON.stringify({ purpose: "fine_history", granted: true, pad: "x".repeat(100_000) }),
    });
    expect(response.statusCode).toBe(413);
    expectNoData(response);
  });

  it("sets security headers (helmet)", async () => {
    const response = await t.app.inject({ url: "/healthz" });
    expect(response.headers["x-content-type-options"]).toBe("nosniff");
    expect(response.headers["content-security-policy"]).toBeDefined();
  });
});

describe("floods and logs", () => {
  it("answers 429 with Retry-After as problem+json past the rate limit", async () => {
    const small = await createTestApp({ rateLimit: { max: 3, windowMs: 60_000 } });
    try {
      const statuses: number[] = [];
      let last: Awaited<ReturnType<typeof small.app.inject>> | undefined;
      for (let i = 0; i < 5; i++) {
        last = await small.app.inject({
          url: "/buildings",
          headers: { authorization: `Bearer ${await small.token("admin")}` },
        });
        statuses.push(last.statusCode);
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(Number(last!.headers["retry-after"])).toBeGreaterThan(0);
      expectNoData(last!);
      // A flood of bad tokens is limited too, before any verification.
      const anonymous = await small.app.inject({ url: "/buildings" });
      expect(anonymous.statusCode).toBe(429);
    } finally {
      await small.close();
    }
  });

  it("logs neither tokens nor dwelling ids at info level", async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await createTestApp({ logger: pino({ level: "info" }, sink) });
    try {
      const token = await logged.token("admin");
      await logged.app.inject({
        url: `/buildings/bA/dwellings/apt-101/series?quantity=temperature&from=${T0}&to=${T0 + 86_400_000}`,
        headers: { authorization: `Bearer ${token}` },
      });
      await logged.app.inject({
        url: "/buildings/bA/dwellings/apt-102/series",
        headers: { authorization: "Bearer nope" },
      });
      const text = lines.join("");
      expect(text).toContain("/buildings/:building/dwellings/:dwelling/series");
      expect(text).not.toContain("apt-10");
      expect(text).not.toContain(token.slice(0, 20));
      expect(text).not.toContain("nope");
    } finally {
      await logged.close();
    }
  });
});
