// Retention applies to reads, not only to the job that prunes: a dwelling's data finer than
// daily, older than RETENTION_FINE_DAYS, is not served without the occupant's consent, even
// while its raw points are still in the store (the job runs every 6 h). Daily data stays.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, T0, type TestApp } from "../support/app.ts";

let t: TestApp;
beforeAll(async () => {
  // The sample readings are two days from T0, long before the 3-day cutoff.
  t = await createTestApp({ rateLimit: { max: 1_000_000, windowMs: 60_000 } }, { fineDays: 3 });
});
afterAll(async () => t.close());

const range = `from=${T0}&to=${T0 + 2 * 86_400_000}`;

async function windows(caller: "admin" | "managerA" | "tenantA101", url: string): Promise<number> {
  const res = await t.app.inject({ url, headers: { authorization: `Bearer ${await t.token(caller)}` } });
  expect(res.statusCode, url).toBe(200);
  return (res.json() as { points: unknown[] }).points.length;
}

describe("retention on reads", () => {
  it("serves no fine data of a dwelling past the cutoff, to managers or tenants; daily data and common areas stay", async () => {
    const fine = [
      `/buildings/bA/series?quantity=temperature&space=apt-101&every=1h&${range}`,
      `/buildings/bA/dwellings/apt-101/series?quantity=temperature&every=15m&${range}`,
    ];
    for (const url of fine) expect(await windows("managerA", url)).toBe(0);
    expect(await windows("tenantA101", fine[1]!)).toBe(0);
    expect(
      await windows("admin", `/buildings/bA/dwellings/apt-101/series?quantity=temperature&every=1d&${range}`),
    ).toBe(3);
    expect(
      await windows(
        "admin",
        `/buildings/bA/series?quantity=outdoor_temperature&space=common&every=1h&${range}`,
      ),
    ).toBe(48);
  });

  it("serves it again once the occupant consented to a longer history", async () => {
    await t.consents.record({
      building: "bA",
      dwelling: "apt-102",
      purpose: "fine_history",
      granted: true,
      recordedBy: "tenant-a102",
    });
    expect(
      await windows("admin", `/buildings/bA/dwellings/apt-102/series?quantity=temperature&every=1h&${range}`),
    ).toBe(48);
    expect(
      await windows("admin", `/buildings/bA/dwellings/apt-101/series?quantity=temperature&every=1h&${range}`),
    ).toBe(0);
  });
});
