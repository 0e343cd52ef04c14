// Tenant and board pages in real headless Chromium, served by the app on a loopback port and
// signed in through /login with real tokens: each page renders, axe-core finds no WCAG 2.2
// A/AA violation, it works with JavaScript off, nothing overflows at 320 px, and it prints on
// one A4 page. Screenshots go to test-artifacts/ for a person to look at.
import { mkdirSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { type Browser, type BrowserContext, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PrincipalClaims } from "../../api/auth/principal.ts";
import { createPageFixture, MONTH, type PageFixture } from "../support/browser.ts";

const ARTIFACTS = join(import.meta.dirname, "..", "..", "test-artifacts", "pages");
const AXE = createRequire(import.meta.url).resolve("axe-core/axe.min.js");
const WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];

let fx: PageFixture;
let browser: Browser;
let base: string;

beforeAll(async () => {
  mkdirSync(ARTIFACTS, { recursive: true });
  fx = await createPageFixture();
  base = await fx.app.listen({ port: 0, host: "127.0.0.1" });
  // launch() starts Chromium on a new, empty temporary profile (user-data-dir) each time.
  browser = await chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-quic",
      "--no-first-run",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
    ],
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await fx?.close();
});

interface PageCase {
  name: string;
  path: () => string;
  who: () => PrincipalClaims;
  /** Text the page must show (checked with JavaScript off). */
  expects: RegExp[];
}

const tenant = (): PrincipalClaims => ({
  role: "tenant",
  sub: "t-pilot",
  building: "b01",
  dwelling: fx.dwellings.pilot,
});
const small = (): PrincipalClaims => ({
  role: "tenant",
  sub: "t-small",
  building: "b02",
  dwelling: fx.dwellings.small,
});
const board = (): PrincipalClaims => ({ role: "board", sub: "ccl-b01", buildings: ["b01"] });
const manager = (): PrincipalClaims => ({ role: "manager", sub: "m-1", buildings: ["b01", "b02"] });

const CASES: PageCase[] = [
  {
    name: "tenant-usage",
    path: () => `/tenant?month=${MONTH}`,
    who: tenant,
    expects: [
      /Votre consommation en décembre 2025/,
      /Chauffage/,
      /logement de la même surface/,
      /Total estimé/,
    ],
  },
  {
    name: "tenant-usage-en",
    path: () => `/tenant?month=${MONTH}&lang=en`,
    who: tenant,
    expects: [/Your usage in December 2025/, /Heating/],
  },
  {
    name: "tenant-usage-too-few",
    path: () => `/tenant?month=${MONTH}`,
    who: small,
    expects: [/Trop peu de logements/],
  },
  {
    name: "tenant-devices",
    path: () => "/tenant/devices",
    who: tenant,
    expects: [/Robinets thermostatiques/, /Ce qu'il vous coûte : 12 € par an/],
  },
  {
    name: "tenant-devices-none",
    path: () => "/tenant/devices",
    who: small,
    expects: [/Aucun appareil connecté/],
  },
  {
    name: "tenant-statement",
    path: () => `/tenant/statement?month=${MONTH}`,
    who: tenant,
    expects: [/Relevé de consommation, décembre 2025/, /ce n'est pas une facture/],
  },
  {
    name: "caretaker-statement",
    path: () => `/buildings/b02/dwellings/${fx.dwellings.small}/statement?month=${MONTH}`,
    who: manager,
    expects: [/Relevé de consommation/, /Trop peu de logements/],
  },
  {
    name: "board-list",
    path: () => "/board",
    who: board,
    expects: [/Appareils connectés proposés/, /Robinets thermostatiques/, /Box domotique/],
  },
  {
    name: "board-valves",
    path: () => `/board/proposals/${fx.proposals.valves}`,
    who: board,
    expects: [/Preuves insuffisantes/, /Logements équipés \(10\)/, /Ce que ça coûte/],
  },
  {
    name: "board-gadget-en",
    path: () => `/board/proposals/${fx.proposals.gadget}?lang=en`,
    who: board,
    expects: [/Rejected/, /Even at its highest/],
  },
];

type ContextOptions = NonNullable<Parameters<Browser["newContext"]>[0]>;

/** Opens `path` as a person does from a sign-in link: the link fills in the code, "Entrer"
 * spends it, /login sets the cookie and moves on. */
async function openSignedIn(options: ContextOptions, who: PrincipalClaims, path: string) {
  const context: BrowserContext = await browser.newContext({ locale: "fr-FR", ...options });
  const page = await context.newPage();
  const link = `${base}/login?code=${await fx.signInCode(who)}&next=${encodeURIComponent(path)}`;
  await page.goto(link);
  const [res] = await Promise.all([
    page.waitForNavigation({ url: (u) => !u.pathname.startsWith("/login") }),
    page.click("button[type=submit]"),
  ]);
  return { context, page, res };
}

/** What axe-core finds against WCAG 2.2 A/AA on the page, one line per violation. */
async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE });
  const result = await page.evaluate(async (tags) => {
    // biome-ignore lint/suspicious/noExplicitAny: axe and the DOM live in the page, not in Node's types
    const g = globalThis as any;
    return g.axe.run(g.document, { runOnly: { type: "tag", values: tags } });
  }, WCAG);
  const violations = (result as { violations: { id: string; help: string; nodes: { target: string[] }[] }[] })
    .violations;
  return violations.map((v) => `${v.id}: ${v.help} at ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`);
}

function pdfPages(pdf: Buffer): number {
  return pdf.toString("latin1").match(/\/Type\s*\/Page(?![s\w])/g)?.length ?? 0;
}

describe.each(CASES)("page $name", (c) => {
  it("renders, passes axe-core (WCAG 2.2 A/AA) and prints on one A4 page", async () => {
    const { context, page, res } = await openSignedIn(
      { viewport: { width: 1024, height: 800 }, bypassCSP: true },
      c.who(),
      c.path(),
    );
    try {
      expect(res?.status()).toBe(200);
      expect(res?.headers()["content-security-policy"]).toContain("default-src 'none'");
      await page.screenshot({ path: join(ARTIFACTS, `${c.name}.png`), fullPage: true });
      expect(await axeViolations(page)).toEqual([]);
      await page.emulateMedia({ media: "print" });
      await page.screenshot({ path: join(ARTIFACTS, `${c.name}-print.png`), fullPage: true });
      const pdf = await page.pdf({ format: "A4", printBackground: true });
      writeFileSync(join(ARTIFACTS, `${c.name}.pdf`), pdf);
      expect(pdfPages(pdf)).toBe(1);
    } finally {
      await context.close();
    }
  });

  it("works with JavaScript disabled and does not overflow at 320 px", async () => {
    const { context, page, res } = await openSignedIn(
      { viewport: { width: 320, height: 640 }, javaScriptEnabled: false, isMobile: true },
      c.who(),
      c.path(),
    );
    try {
      expect(res?.status()).toBe(200);
      // biome-ignore lint/performance/useDomNodeTextContent: the text a reader sees is what counts
      const text = await page.locator("main").innerText();
      for (const e of c.expects) expect(text).toMatch(e);
      await page.screenshot({ path: join(ARTIFACTS, `${c.name}-320.png`), fullPage: true });
      // Playwright evaluates in its own isolated world, which still runs with page scripts off.
      const widths = await page
        .locator("html")
        .evaluate((el) => ({ scroll: el.scrollWidth, client: el.clientWidth }));
      expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    } finally {
      await context.close();
    }
  });
});

describe("sign-in", () => {
  it("a page without a session offers the sign-in form (401), a bad or spent link says so", async () => {
    const context = await browser.newContext({ locale: "fr-FR", bypassCSP: true });
    try {
      const page = await context.newPage();
      const res = await page.goto(`${base}/tenant`);
      expect(res?.status()).toBe(401);
      await expect(page.locator("h1").textContent()).resolves.toMatch(/Se connecter/);
      await page.screenshot({ path: join(ARTIFACTS, "login-401.png"), fullPage: true });
      const old = await page.goto(`${base}/login?token=${await fx.token(tenant())}`);
      expect(old?.status()).toBe(400);
      await expect(page.locator("main").textContent()).resolves.toMatch(/n'est plus accepté/);
      const code = await fx.signInCode(tenant());
      await page.goto(`${base}/login?code=${code}`);
      await expect(page.locator("#code").inputValue()).resolves.toBe(code);
      await page.screenshot({ path: join(ARTIFACTS, "login-link.png"), fullPage: true });
      expect(await axeViolations(page)).toEqual([]);
      await page.click("button[type=submit]");
      await page.waitForURL(/\/tenant/);
      // The link used again, from the history or the paper: the code is spent.
      await context.clearCookies();
      await page.goto(`${base}/login?code=${code}`);
      const [spent] = await Promise.all([page.waitForNavigation(), page.click("button[type=submit]")]);
      expect(spent?.status()).toBe(401);
      await expect(page.locator("[role=alert]").textContent()).resolves.toMatch(/déjà servi/);
      await page.screenshot({ path: join(ARTIFACTS, "login-spent.png"), fullPage: true });
      expect(await axeViolations(page)).toEqual([]);
      expect(await context.cookies()).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it("the form signs in without JavaScript and lands on the tenant's page; sign-out forgets the cookie", async () => {
    const context = await browser.newContext({ locale: "fr-FR", javaScriptEnabled: false });
    try {
      const page = await context.newPage();
      await page.goto(`${base}/login?next=${encodeURIComponent(`/tenant?month=${MONTH}`)}`);
      await page.fill("#code", await fx.signInCode(tenant()));
      await page.click("button[type=submit]");
      await page.waitForURL(/\/tenant\?month=2025-12/);
      await expect(page.locator("h1").textContent()).resolves.toMatch(/décembre 2025/);
      const cookie = (await context.cookies()).find((c) => c.name === "cg_session");
      expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict" });
      await page.click("text=Se déconnecter");
      await page.waitForLoadState();
      expect((await context.cookies()).find((c) => c.name === "cg_session")).toBeUndefined();
      const again = await page.goto(`${base}/tenant`);
      expect(again?.status()).toBe(401);
    } finally {
      await context.close();
    }
  });
});
