// Tenant and board routes through app.inject on real SQLite stores with simulated readings and
// real guard verdicts, signed with real tokens: what each caller sees, what they never see,
// the JSON twins against the store, cookies for pages, and the OpenAPI examples.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPageFixture, MONTH, type PageFixture } from "../../test/support/browser.ts";
import type { PrincipalClaims } from "../auth/principal.ts";
import { monthPeriods } from "../views/periods.ts";
import type { TenantDevices } from "../views/tenant-devices.ts";
import type { TenantUsage } from "../views/tenant-usage.ts";

let fx: PageFixture;

beforeAll(async () => {
  fx = await createPageFixture({ stepMs: 3 * 3_600_000 });
}, 120_000);

afterAll(async () => {
  await fx?.close();
});

const pilotTenant = (): PrincipalClaims => ({
  role: "tenant",
  sub: "t1",
  building: "b01",
  dwelling: fx.dwellings.pilot,
});
const smallTenant = (): PrincipalClaims => ({
  role: "tenant",
  sub: "t2",
  building: "b02",
  dwelling: fx.dwellings.small,
});

async function get(url: string, who?: PrincipalClaims, via: "bearer" | "cookie" = "bearer") {
  const headers: Record<string, string> = {};
  if (who) {
    const token = await fx.token(who);
    if (via === "bearer") headers.authorization = `Bearer ${token}`;
    else headers.cookie = `other=1; cg_session=${token}`;
  }
  return fx.app.inject({ url, headers });
}

describe("tenant JSON twins", () => {
  it("a tenant's month: their own meters, priced at the site's tariffs, compared with 29 similar dwellings", async () => {
    const res = await get(`/tenant/api/usage?month=${MONTH}`, pilotTenant());
    expect(res.statusCode).toBe(200);
    const usage = res.json() as TenantUsage;
    expect(usage.dwelling.id).toBe(fx.dwellings.pilot);
    expect(usage.quantities.map((q) => q.quantity)).toEqual([
      "heating_energy",
      "hot_water",
      "cold_water",
      "electricity",
    ]);
    const period = monthPeriods(MONTH, Date.now(), "Europe/Paris").current;
    for (const q of usage.quantities) {
      const [stored] = await fx.telemetry.consumption({
        building: "b01",
        space: fx.dwellings.pilot,
        quantity: q.quantity,
        from: period.fromMs,
        to: period.toMs,
        every: "1mo",
      });
      expect(q.current?.value).toBeCloseTo(stored!.value, 3);
      expect(q.comparison).toMatchObject({ status: "compared", peers: 29 });
    }
    const heat = usage.quantities[0]!;
    expect(heat.current!.cents).toBe(Math.round(heat.current!.value * 10.28));
    expect(usage.total).toEqual({
      currentCents: usage.quantities.reduce((s, q) => s + q.current!.cents!, 0),
      complete: true,
    });
  });

  it("with fewer than 10 other dwellings, says so and shows no comparison figure", async () => {
    const usage = (await get(`/tenant/api/usage?month=${MONTH}`, smallTenant())).json() as TenantUsage;
    for (const q of usage.quantities)
      expect(q.comparison).toEqual({ status: "too_few", peers: 5, needed: 10 });
  });

  it("lists the devices of the tenant's dwelling with their cost and measured saving, none elsewhere", async () => {
    const mine = (await get("/tenant/api/devices", pilotTenant())).json() as TenantDevices;
    expect(mine.devices).toHaveLength(1);
    expect(mine.devices[0]).toMatchObject({
      proposalId: fx.proposals.valves,
      installDate: "2025-10-01",
      costToYouCentsPerYear: 1200,
      costLines: [{ payer: "tenant_charges", centsPerYear: 1200 }],
    });
    expect(mine.devices[0]!.savingCentsPerYear!.lower).toBeLessThan(
      mine.devices[0]!.savingCentsPerYear!.upper,
    );
    const none = (await get("/tenant/api/devices", smallTenant())).json() as TenantDevices;
    expect(none.devices).toEqual([]);
  });

  it("refuses a month not started (400), other roles (403) and no token (401), as problems", async () => {
    const future = await get("/tenant/api/usage?month=2999-01", pilotTenant());
    expect(future.statusCode).toBe(400);
    expect(future.headers["content-type"]).toMatch(/application\/problem\+json/);
    expect((await get("/tenant/api/usage", { role: "board", sub: "b", buildings: ["b01"] })).statusCode).toBe(
      403,
    );
    expect((await get("/tenant/api/usage")).statusCode).toBe(401);
    // The JSON twins take a bearer token only.
    expect((await get("/tenant/api/usage", pilotTenant(), "cookie")).statusCode).toBe(401);
  });

  it("documents the twins in the OpenAPI with examples", async () => {
    const doc = (await fx.app.inject({ url: "/docs/json" })).json() as {
      paths: Record<string, { get: { responses: Record<string, { content: Record<string, unknown> }> } }>;
    };
    const usage = JSON.stringify(doc.paths["/tenant/api/usage"]!.get.responses["200"]);
    expect(usage).toContain("Résidence Les Tilleuls");
    expect(doc.paths["/tenant/api/devices"]).toBeDefined();
  });
});

const post = (body: string) =>
  fx.app.inject({
    method: "POST",
    url: "/login",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body,
  });

describe("pages", () => {
  it("serve HTML with the session cookie, a strict CSP and no caching", async () => {
    const res = await get(`/tenant?month=${MONTH}`, pilotTenant(), "cookie");
    expect(res.statusCode).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/html/);
    expect(res.headers["content-security-policy"]).toMatch(/default-src 'none'; style-src 'sha256-/);
    expect(res.headers["cache-control"]).toBe("no-store");
    expect(res.body).toContain('<html lang="fr">');
    expect(res.body).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    // An icon in the page itself, so no browser asks for /favicon.ico (a 404 on every page).
    expect(res.body).toMatch(/<link rel="icon" href="data:image\/svg\+xml,/);
    // A past month is named by itself, never "this month".
    expect(res.body).not.toContain("Ce mois-ci");
  });

  it("answer a caller without a session with the sign-in page (401), and out-of-scope dwellings with 404", async () => {
    const anonymous = await get("/tenant");
    expect(anonymous.statusCode).toBe(401);
    expect(anonymous.body).toContain('action="/login"');
    const other = await get(
      `/buildings/b01/dwellings/${fx.dwellings.pilot}/statement?month=${MONTH}`,
      smallTenant(),
      "cookie",
    );
    expect(other.statusCode).toBe(404);
    expect(other.headers["content-type"]).toMatch(/^text\/html/);
    const manager = { role: "manager", sub: "m", buildings: ["b02"] } satisfies PrincipalClaims;
    expect(
      (await get(`/buildings/b01/dwellings/${fx.dwellings.pilot}/statement`, manager, "cookie")).statusCode,
    ).toBe(404);
    expect(
      (
        await get(
          `/buildings/b02/dwellings/${fx.dwellings.small}/statement?month=${MONTH}`,
          manager,
          "cookie",
        )
      ).statusCode,
    ).toBe(200);
  });

  it("boards see only the proposals of their buildings, and never a tenant page", async () => {
    const b01 = { role: "board", sub: "b1", buildings: ["b01"] } satisfies PrincipalClaims;
    const b02 = { role: "board", sub: "b2", buildings: ["b02"] } satisfies PrincipalClaims;
    expect((await get("/board", b01, "cookie")).body).toContain("Box domotique");
    expect((await get("/board", b02, "cookie")).body).not.toContain("Box domotique");
    expect((await get(`/board/proposals/${fx.proposals.gadget}`, b02, "cookie")).statusCode).toBe(404);
    expect((await get(`/tenant?month=${MONTH}`, b01, "cookie")).statusCode).toBe(403);
    const page = await get(`/board/proposals/${fx.proposals.gadget}`, b01, "cookie");
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Refusé<");
    expect(page.body).toMatch(/<svg[^>]+role="img"/);
  });

  it("signs in with a one-time code: the link only fills the form, the post spends the code and sets an HttpOnly SameSite=Strict cookie", async () => {
    const code = await fx.signInCode(pilotTenant());
    const next = encodeURIComponent("//evil.example");
    const shown = await fx.app.inject({ url: `/login?code=${code}&next=${next}` });
    expect(shown.statusCode).toBe(200);
    expect(shown.headers["set-cookie"]).toBeUndefined();
    expect(shown.headers["referrer-policy"]).toBe("no-referrer");
    expect(shown.body).toContain(`value="${code}"`);
    // Fetched again (a link previewer, a reload), the link still only shows the form.
    expect((await fx.app.inject({ url: `/login?code=${code}` })).statusCode).toBe(200);

    // Typed from paper: lower case, spaces instead of dashes, O for 0 and l for 1.
    const typed = code.toLowerCase().replace(/-/g, " ").replace(/0/g, "O").replace(/1/g, "l");
    const res = await post(`code=${encodeURIComponent(typed)}&next=${next}`);
    expect(res.statusCode).toBe(200);
    const cookie = String(res.headers["set-cookie"]);
    expect(cookie).toMatch(/^cg_session=[^;]+; Path=\/; HttpOnly; SameSite=Strict; Max-Age=\d+$/);
    // The cookie lives as long as the token (one hour here), not longer.
    const maxAge = Number(/Max-Age=(\d+)/.exec(cookie)?.[1]);
    expect(maxAge).toBeGreaterThan(3_500);
    expect(maxAge).toBeLessThanOrEqual(3_600);
    expect(res.body).toContain('<meta http-equiv="refresh" content="0; url=/tenant?lang=fr">');
    const session = /^cg_session=([^;]+)/.exec(cookie)?.[1];
    expect(
      (await fx.app.inject({ url: "/tenant", headers: { cookie: `cg_session=${session}` } })).statusCode,
    ).toBe(200);

    const again = await post(`code=${code}`);
    expect(again.statusCode).toBe(401);
    expect(again.headers["set-cookie"]).toBeUndefined();
    expect(again.body).toMatch(/Ce code a déjà servi, le \d{1,2}(er)? \p{L}+ \d{4}\./u);
  });

  it("takes no token from a URL, and answers a wrong code as one that is not valid", async () => {
    const token = await fx.token(pilotTenant());
    const inUrl = await fx.app.inject({ url: `/login?token=${token}` });
    expect(inUrl.statusCode).toBe(400);
    expect(inUrl.headers["set-cookie"]).toBeUndefined();
    expect(inUrl.body).toContain("Ce lien de connexion n&#39;est plus accepté");
    const wrong = await post("code=AAAA-BBBB-CCCC-DDDD");
    expect(wrong.statusCode).toBe(401);
    expect(wrong.body).toContain("Ce code n&#39;est pas valable");
    expect((await post("code=nope")).statusCode).toBe(401);
    expect((await fx.app.inject({ url: "/login?code=nope" })).statusCode).toBe(400);
    // A token pasted into the form still signs in (the field's former name too).
    expect((await post(`code=${token}`)).headers["set-cookie"]).toMatch(/^cg_session=/);
    expect((await post(`token=${token}`)).headers["set-cookie"]).toMatch(/^cg_session=/);
  });
});
