// Runs the SignInCodeStore contract against the SQLite adapter on temporary files, plus what
// only this adapter promises: with the codes of api/auth/sign-in-code.ts, a spent code's token is
// zeroed on disk, the file is the owner's only, a code goes once across two connections.
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Database from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { issueSignInCode, redeemSignInCode } from "../../api/auth/sign-in-code.ts";
import { vitestKit } from "../../test/support/contract-kit.ts";
import { signInCodeStoreContract } from "../contract/sign-in-code-store.contract.ts";
import type { SignInCodeStore } from "../sign-in-code-store.ts";
import { createSqliteSignInCodeStore } from "./sign-in-code-store.ts";

let folder: string;
let path: string;
let stores: SignInCodeStore[];

async function open(): Promise<SignInCodeStore> {
  const store = createSqliteSignInCodeStore({ path });
  await store.connect();
  stores.push(store);
  return store;
}

beforeEach(() => {
  folder = mkdtempSync(join(tmpdir(), "codes-"));
  path = join(folder, "sign-in-codes.db");
  stores = [];
});

afterEach(async () => {
  for (const s of stores) await s.close();
  rmSync(folder, { recursive: true, force: true });
});

signInCodeStoreContract(vitestKit, "sqlite (file)", async () => {
  const store = await open();
  return { store, teardown: () => store.close() };
});

const who = { role: "tenant", subject: "t-1" };
const T = Date.parse("2026-12-07T09:00:00Z");

describe("SQLite sign-in code store", () => {
  it("gives a code's token once, then says when it was used", async () => {
    const store = await open();
    const code = await issueSignInCode(store, "tok.en.1", who, T + 3_600_000, T);
    expect(await redeemSignInCode(store, code, T + 1_000)).toEqual({ state: "token", token: "tok.en.1" });
    expect(await redeemSignInCode(store, code, T + 2_000)).toEqual({
      state: "used",
      usedAt: T + 1_000,
      subject: "t-1",
    });
  });

  it("keeps nothing of a spent code's token, and lets only its owner read the file", async () => {
    const store = await open();
    const code = await issueSignInCode(store, "tok.en.2", who, T + 3_600_000, T);
    await redeemSignInCode(store, code, T + 1);
    await store.close();
    const db = new Database(path, { readonly: true });
    const rows = db.prepare("SELECT length(sealed) AS n, used_at FROM sign_in_codes").all();
    db.close();
    expect(rows).toEqual([{ n: 0, used_at: T + 1 }]);
    for (const file of [path, `${path}-wal`])
      if (existsSync(file)) expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it("answers a damaged row as a code that is not valid, and spends it", async () => {
    const store = await open();
    const code = await issueSignInCode(store, "tok.en.3", who, T + 3_600_000, T);
    const db = new Database(path);
    db.prepare("UPDATE sign_in_codes SET sealed = x'00112233'").run();
    db.close();
    expect(await redeemSignInCode(store, code, T + 1)).toEqual({ state: "invalid" });
    expect(await redeemSignInCode(store, code, T + 2)).toMatchObject({ state: "used" });
  });

  it("refuses a code after it expires, used or not", async () => {
    const store = await open();
    const unused = await issueSignInCode(store, "tok", who, T + 60_000, T);
    const used = await issueSignInCode(store, "tok", who, T + 60_000, T);
    await redeemSignInCode(store, used, T + 1);
    expect(await redeemSignInCode(store, unused, T + 60_000)).toEqual({ state: "invalid" });
    expect(await redeemSignInCode(store, used, T + 60_000)).toEqual({ state: "invalid" });
  });

  it("hands a code over once across two connections to the same file", async () => {
    const a = await open();
    const b = await open();
    for (let i = 0; i < 20; i++) {
      const code = await issueSignInCode(a, `tok-${i}`, who, T + 60_000, T);
      const results = await Promise.all([redeemSignInCode(a, code, T + 1), redeemSignInCode(b, code, T + 1)]);
      expect(results.filter((r) => r.state === "token")).toHaveLength(1);
      expect(results.filter((r) => r.state === "used")).toHaveLength(1);
    }
  });

  it("keeps neither the codes nor the tokens in its file, and forgets expired codes", async () => {
    const store = await open();
    const tokens = ["eyJhbGciOiJIUzI1NiJ9.secret-claims-1.sig", "eyJhbGciOiJIUzI1NiJ9.secret-claims-2.sig"];
    const codes = [
      await issueSignInCode(store, tokens[0]!, who, T + 60_000, T),
      await issueSignInCode(store, tokens[1]!, who, T + 600_000, T),
    ];
    await store.close();
    const bytes = Buffer.concat(
      ["", "-wal"].flatMap((suffix) => {
        try {
          return [readFileSync(path + suffix)];
        } catch {
          return [];
        }
      }),
    );
    for (const secret of [...tokens, "secret-claims", ...codes, ...codes.map((c) => c.replace(/-/g, ""))])
      expect(bytes.includes(Buffer.from(secret))).toBe(false);

    const reopened = await open();
    await issueSignInCode(reopened, "later", who, T + 10 * 60_000 + 1, T + 120_000);
    expect(await redeemSignInCode(reopened, codes[1]!, T + 130_000)).toMatchObject({ state: "token" });
    expect(await redeemSignInCode(reopened, codes[0]!, T + 30_000)).toEqual({ state: "invalid" });
  });
});
