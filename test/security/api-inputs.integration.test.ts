// Extreme and hostile time inputs on the real API (SQLite stores): each a 400 problem that says
// what is expected, never a 500 and never a date guessed by Date.parse.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type CallerName, createTestApp, type TestApp } from "../support/app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp({ rateLimit: { max: 1_000_000, windowMs: 60_000 } });
});
afterAll(async () => t.close());

const BAD_INSTANTS = [
  "9999999999999999",
  "+275760-09-13T00:00:00.000Z",
  "-271821-04-20T00:00:00.000Z",
  "' OR '1'='1",
  "2025-13-01",
  "2025-01-01T00:00:00",
  "1e400",
];

async function get(caller: CallerName, url: string) {
  return t.app.inject({ url, headers: { authorization: `Bearer ${await t.token(caller)}` } });
}

describe("time inputs", () => {
  it("answers 400 with a reason for every extreme or malformed instant, on every route that takes one", async () => {
    const urls = BAD_INSTANTS.flatMap((bad) => {
      const q = encodeURIComponent(bad);
      return [
        `/buildings/bA/series?quantity=temperature&to=${q}`,
        `/buildings/bA/series?quantity=temperature&from=${q}`,
        `/buildings/bA/dwellings/apt-101/series?quantity=temperature&from=${q}`,
        `/buildings/bA/alerts?at=${q}`,
      ];
    });
    let answered = 0;
    for (const url of urls) {
      const res = await get("admin", url);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers["content-type"], url).toMatch(/application\/problem\+json/);
      expect(res.json().detail ?? res.json().title, url).toMatch(/expected|between/);
      answered++;
    }
    expect(answered).toBe(urls.length);
  });

  it("refuses months and days outside 1970-2199", async () => {
    for (const url of ["/tenant/api/usage?month=0000-01", "/tenant/api/usage?month=9999-12"]) {
      const res = await get("tenantA101", url);
      expect(res.statusCode, url).toBe(400);
    }
    for (const url of ["/buildings/bA/summary?from=0000-01-01", "/buildings/bA/summary?to=9999-12-31"]) {
      const res = await get("admin", url);
      expect(res.statusCode, url).toBe(400);
    }
  });
});
