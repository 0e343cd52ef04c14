// Signing in from a link or a letter, as an attacker sees it: no URL takes a token, a code
// opens one session once (even under a burst of the same code), fetching a link spends
// nothing, guessing gets nowhere, and the code store's file holds neither codes nor tokens.
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueSignInCode, newSignInCode } from "../../api/auth/sign-in-code.ts";
import { issueToken } from "../../api/auth/tokens.ts";
import type { SignInCodeStore } from "../../storage/sign-in-code-store.ts";
import { createSqliteSignInCodeStore } from "../../storage/sqlite/sign-in-code-store.ts";
import { CALLERS, type CallerName, createTestApp, type TestApp } from "../support/app.ts";

let t: TestApp;
let codes: SignInCodeStore;
let folder: string;
let base: string;

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), "sign-in-"));
  codes = createSqliteSignInCodeStore({ path: join(folder, "sign-in-codes.db") });
  await codes.connect();
  t = await createTestApp({ rateLimit: { max: 1_000_000, windowMs: 60_000 } }, { signInCodes: codes });
  base = await t.app.listen({ host: "127.0.0.1", port: 0 });
});

afterAll(async () => {
  await t?.close();
  await codes?.close();
  rmSync(folder, { recursive: true, force: true });
});

async function codeFor(caller: CallerName, tokenTtlS = 3_600, codeTtlMs = 3_600_000): Promise<string> {
  const c = CALLERS[caller];
  const token = await issueToken(t.secret, c, tokenTtlS);
  return issueSignInCode(codes, token, { role: c.role, subject: c.sub }, Date.now() + codeTtlMs);
}

const postCode = (code: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/login`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ code }).toString(),
    redirect: "manual",
  });

const cookieOf = (res: Response) => res.headers.get("set-cookie")?.split(";")[0] ?? "";

describe("sign-in links", () => {
  it("no URL signs anyone in with a token, under any parameter name", async () => {
    const token = await t.token("tenantA101");
    const urls = [
      `/login?token=${token}`,
      `/login?code=${token}`,
      `/login?token=${token}&next=/tenant`,
      `/tenant?token=${token}`,
      `/tenant?access_token=${token}`,
      `/buildings?access_token=${token}`,
      `/buildings/bA/latest?token=${token}`,
    ];
    for (const url of urls) {
      const res = await fetch(`${base}${url}`, { redirect: "manual" });
      expect(res.status, url).toBeGreaterThanOrEqual(400);
      expect(res.headers.get("set-cookie"), url).toBeNull();
    }
  });

  it("fetching a link (GET, HEAD, a previewer, a reload) spends nothing; the post spends it", async () => {
    const code = await codeFor("tenantA101");
    for (let i = 0; i < 5; i++) {
      const shown = await fetch(`${base}/login?code=${code}`);
      expect(shown.status).toBe(200);
      expect(shown.headers.get("set-cookie")).toBeNull();
      expect(shown.headers.get("referrer-policy")).toBe("no-referrer");
      expect(shown.headers.get("cache-control")).toBe("no-store");
    }
    expect((await fetch(`${base}/login?code=${code}`, { method: "HEAD" })).status).toBe(200);
    const signedIn = await postCode(code);
    expect(signedIn.status).toBe(200);
    const cookie = signedIn.headers.get("set-cookie")?.split(";")[0] ?? "";
    const page = await fetch(`${base}/tenant`, { headers: { cookie } });
    expect(page.status).toBe(200);
    // The session is the code's own tenant's, nobody else's.
    const other = await fetch(`${base}/buildings/bA/dwellings/apt-102/statement`, { headers: { cookie } });
    expect(other.status).toBeGreaterThanOrEqual(403);
  });

  it("a burst of 50 posts of one code opens exactly one session", async () => {
    const code = await codeFor("tenantA102");
    const answers = await Promise.all(Array.from({ length: 50 }, () => postCode(code)));
    const cookies = answers.filter((a) => a.headers.get("set-cookie")?.startsWith("cg_session="));
    expect(cookies).toHaveLength(1);
    expect(answers.filter((a) => a.status === 401)).toHaveLength(49);
  });

  it("guessing gets nowhere: 2 000 wrong codes, 0 sessions, one answer for unknown and expired", async () => {
    const answers = await Promise.all(Array.from({ length: 2_000 }, () => postCode(newSignInCode())));
    expect(answers.filter((a) => a.headers.get("set-cookie"))).toHaveLength(0);
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([401]));
    const unknownBody = await (await postCode(newSignInCode())).text();
    const expired = await codeFor("tenantA101", 3_600, -1);
    const expiredBody = await (await postCode(expired)).text();
    expect(expiredBody).toBe(unknownBody);
  });

  it("a code whose token has expired signs nobody in", async () => {
    const c = CALLERS.tenantA101;
    // Signed two hours ago for one hour: expired beyond the verifier's clock tolerance.
    const token = await issueToken(t.secret, c, 3_600, Date.now() - 7_200_000);
    const code = await issueSignInCode(codes, token, { role: c.role, subject: c.sub }, Date.now() + 60_000);
    const res = await postCode(code);
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
  });

  it("the code store's file holds neither a code nor a token", async () => {
    const c = CALLERS.managerA;
    const token = await issueToken(t.secret, c, 3_600);
    const code = await issueSignInCode(codes, token, { role: c.role, subject: c.sub }, Date.now() + 60_000);
    const bytes = Buffer.concat(
      ["", "-wal"].map((suffix) => {
        try {
          return readFileSync(join(folder, `sign-in-codes.db${suffix}`));
        } catch {
          return Buffer.alloc(0);
        }
      }),
    );
    for (const secret of [token, token.split(".")[1]!, token.split(".")[2]!, code, code.replace(/-/g, "")])
      expect(bytes.includes(Buffer.from(secret))).toBe(false);
  });

  it("takes a sign-in or a sign-out only from this site's own pages (no login CSRF)", async () => {
    const token = await t.token("tenantA101");
    const foreign: Record<string, string>[] = [
      { "sec-fetch-site": "cross-site" },
      { "sec-fetch-site": "same-site" },
      { origin: "http://evil.example" },
      { origin: "null" },
    ];
    for (const headers of foreign) {
      const signIn = await postCode(token, headers);
      expect(signIn.status, JSON.stringify(headers)).toBe(403);
      expect(signIn.headers.get("set-cookie")).toBeNull();
      const signOut = await fetch(`${base}/logout`, { method: "POST", headers, redirect: "manual" });
      expect(signOut.status, JSON.stringify(headers)).toBe(403);
      expect(signOut.headers.get("set-cookie")).toBeNull();
    }
    // The site's own form: Sec-Fetch-Site same-origin, or an Origin naming this host.
    expect((await postCode(token, { "sec-fetch-site": "same-origin" })).status).toBe(200);
    expect((await postCode(token, { origin: base })).status).toBe(200);
  });

  it("a code posted twice by the browser that already holds its session signs in, not 'already used'", async () => {
    const code = await codeFor("tenantA101");
    const first = await postCode(code);
    const cookie = cookieOf(first);
    expect(cookie).toMatch(/^cg_session=/);
    const again = await postCode(code, { cookie });
    expect(again.status).toBe(200);
    expect(again.headers.get("set-cookie")).toBeNull();
    // Another person's session does not make the spent code theirs.
    const other = cookieOf(await postCode(await codeFor("tenantA102")));
    const stolen = await postCode(code, { cookie: other });
    expect(stolen.status).toBe(401);
    expect(await stolen.text()).toContain("déjà servi");
  });

  it("the signed-in page says whose account it opened", async () => {
    const res = await postCode(await codeFor("tenantA101"));
    expect(await res.text()).toContain("Compte du logement apt-101, immeuble bA");
  });

  it("never repeats a token from the URL in the page it answers", async () => {
    const token = await t.token("tenantA101");
    const res = await fetch(`${base}/login?token=${token}&lang=en`);
    expect(res.status).toBe(400);
    expect(await res.text()).not.toContain(token.split(".")[2]!);
    // A doubled or unknown parameter in a link still gets the page, not raw JSON.
    const odd = await fetch(`${base}/login?lang=de&next=/a&next=/b`);
    expect(odd.status).toBe(200);
    expect(odd.headers.get("content-type")).toMatch(/^text\/html/);
  });
});

describe("sign-in behind a TLS proxy (PUBLIC_URL https)", () => {
  it("sets a Secure cookie", async () => {
    const folder2 = mkdtempSync(join(tmpdir(), "sign-in-"));
    const store = createSqliteSignInCodeStore({ path: join(folder2, "codes.db") });
    await store.connect();
    const app = await createTestApp(
      { rateLimit: { max: 1_000_000, windowMs: 60_000 }, publicUrl: "https://charges.example.org" },
      { signInCodes: store },
    );
    try {
      const res = await app.app.inject({
        method: "POST",
        url: "/login",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          origin: "https://charges.example.org",
        },
        payload: `code=${await app.token("tenantA101")}`,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers["set-cookie"]).toMatch(/; Secure$/);
    } finally {
      await app.close();
      await store.close();
      rmSync(folder2, { recursive: true, force: true });
    }
  });
});
