import { gzipSync } from "node:zlib";
import { parse } from "csv-parse/sync";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestApp, type TestApp } from "../../test/support/app.ts";

let t: TestApp;
beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t.close();
});

const FILE = `building;space;sensor;time;value;unit
bA;apt-101;cw;2024-03-01;10,5;m3
bA;apt-101;cw;2024-03-02;10,7;m3
bA;apt-101;cw;2024-03-03;9,9;m3
bB;apt-101;cw;2024-03-01;20;m3
bA;apt-102;temp;2024-03-01 12:00;190;Cel
`;

async function post(
  body: string | Buffer,
  query = "",
  caller: "managerA" | "admin" | "tenantA101" | "boardA" = "managerA",
  type = "text/csv",
) {
  return t.app.inject({
    method: "POST",
    url: `/imports${query}`,
    headers: { authorization: `Bearer ${await t.token(caller)}`, "content-type": type },
    payload: body,
  });
}

describe("POST /imports", () => {
  it("imports a manager's file, refuses other buildings' rows, and serves the refused rows as CSV", async () => {
    const res = await post(FILE, "?name=releves-mars.csv");
    expect(res.statusCode).toBe(200);
    const summary = res.json();
    expect(summary).toMatchObject({
      name: "releves-mars.csv",
      format: "long",
      state: "done",
      decimal: ",",
      counts: { rows: 5, stored: 2, refused: 3 },
      refusedRows: `/imports/${summary.id}/refused`,
    });
    expect(summary.identity).toBeUndefined();
    const csv = await t.app.inject({
      method: "GET",
      url: summary.refusedRows,
      headers: { authorization: `Bearer ${await t.token("managerA")}` },
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers["content-type"]).toMatch(/^text\/csv/);
    const lines = (parse(csv.body, { delimiter: ";" }) as string[][]).map((r) => r.slice(0, 4).join(";"));
    expect(lines[0]).toBe("file;line;column;reason");
    expect(lines.slice(1)).toEqual([
      "releves-mars.csv;4;;meter_backwards",
      "releves-mars.csv;5;;not_in_scope",
      "releves-mars.csv;6;;out_of_range",
    ]);
    const stored = await t.store.readRaw({
      building: "bA",
      quantity: "cold_water",
      space: "apt-101",
      from: Date.UTC(2024, 0, 1),
      to: Date.UTC(2024, 11, 1),
    });
    expect(stored.map((r) => r.v)).toEqual([10.5, 10.7]);
  });

  it("takes gzip bodies and declared options, and says when the same file comes again", async () => {
    const body = gzipSync(
      Buffer.from("building,space,sensor,time,value\nbA,apt-102,hw,2024-04-01T10:00:00Z,5.25\n"),
    );
    const first = await post(body, "?name=hw.csv.gz&delimiter=comma", "admin", "application/gzip");
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ compressed: true, delimiter: ",", counts: { stored: 1 } });
    const again = await post(body, "?name=hw.csv.gz&delimiter=comma", "admin", "application/gzip");
    expect(again.json().sameContentAs).toBe(first.json().id);
  });

  it("answers a problem for a file it cannot read, and 400 for a bad option", async () => {
    const res = await post("just one column\n1\n");
    expect(res.statusCode).toBe(400);
    expect(res.headers["content-type"]).toMatch(/problem\+json/);
    expect(res.json().detail).toMatch(/single column/);
    const bad = await post(FILE, "?decimal=x");
    expect(bad.statusCode).toBe(400);
    const empty = await t.app.inject({
      method: "POST",
      url: "/imports",
      headers: { authorization: `Bearer ${await t.token("managerA")}` },
    });
    expect(empty.statusCode).toBe(400);
  });

  it("refuses a body past IMPORT_MAX_BYTES with 413, keeping what came before", async () => {
    let big = "building;space;sensor;time;value\n";
    for (let i = 0; big.length < 1.5 * 1024 * 1024; i++) {
      big += `bA;apt-102;temp;${new Date(Date.UTC(2023, 0, 1) + i * 60_000).toISOString()};20\n`;
    }
    const res = await post(big, "?name=too-big.csv", "admin");
    expect(res.statusCode).toBe(413);
    expect(res.json().detail).toMatch(/larger than the 1048576 bytes .*IMPORT_MAX_BYTES/);
  });

  it("shows a manager no import of another, even one signed with the same subject", async () => {
    const secret = t.secret;
    const { issueToken } = await import("../auth/tokens.ts");
    // `token --role manager` gives every manager the subject "cli-manager".
    const alpha = await issueToken(secret, { role: "manager", sub: "cli-manager", buildings: ["bA"] }, 3600);
    const beta = await issueToken(secret, { role: "manager", sub: "cli-manager", buildings: ["bB"] }, 3600);
    const posted = await t.app.inject({
      method: "POST",
      url: "/imports?name=beta.csv",
      headers: { authorization: `Bearer ${beta}`, "content-type": "text/csv" },
      payload: "building;space;sensor;time;value\nbB;apt-101;cw;2024-05-01;30\nbA;apt-101;cw;2024-05-01;31\n",
    });
    expect(posted.json().counts).toMatchObject({ stored: 1, refused: 1 });
    const id = posted.json().id;
    const as = (token: string, url: string) =>
      t.app.inject({ method: "GET", url, headers: { authorization: `Bearer ${token}` } });
    expect((await as(alpha, `/imports/${id}`)).statusCode).toBe(404);
    expect((await as(alpha, `/imports/${id}/refused`)).statusCode).toBe(404);
    expect((await as(alpha, "/imports")).json().imports.map((i: { id: number }) => i.id)).not.toContain(id);
    expect((await as(beta, `/imports/${id}`)).statusCode).toBe(200);
    // Nor of another's import of the same content.
    const again = await t.app.inject({
      method: "POST",
      url: "/imports?name=beta.csv",
      headers: { authorization: `Bearer ${alpha}`, "content-type": "text/csv" },
      payload: "building;space;sensor;time;value\nbB;apt-101;cw;2024-05-01;30\nbA;apt-101;cw;2024-05-01;31\n",
    });
    expect(again.json().sameContentAs).toBeUndefined();
  });

  it("is for managers and admins only; a manager sees only their own imports", async () => {
    expect((await post(FILE, "", "tenantA101")).statusCode).toBe(403);
    expect((await post(FILE, "", "boardA")).statusCode).toBe(403);
    const list = await t.app.inject({
      method: "GET",
      url: "/imports",
      headers: { authorization: `Bearer ${await t.token("managerB")}` },
    });
    expect(list.json().imports).toEqual([]);
    const adminList = await t.app.inject({
      method: "GET",
      url: "/imports",
      headers: { authorization: `Bearer ${await t.token("admin")}` },
    });
    const someone = adminList.json().imports.find((i: { name: string }) => i.name === "releves-mars.csv");
    const other = await t.app.inject({
      method: "GET",
      url: `/imports/${someone.id}`,
      headers: { authorization: `Bearer ${await t.token("managerB")}` },
    });
    expect(other.statusCode).toBe(404);
    const refused = await t.app.inject({
      method: "GET",
      url: `/imports/${someone.id}/refused`,
      headers: { authorization: `Bearer ${await t.token("managerB")}` },
    });
    expect(refused.statusCode).toBe(404);
  });
});
