// The embedded secret file (created once, mode 0600) and the tokens signed with it.
import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadOrCreateSecret, SECRET_FILE } from "./secret.ts";
import { createTokenVerifier, issueToken, MAX_TOKEN_LIFETIME_S, parseTtl } from "./tokens.ts";

const folder = mkdtempSync(join(tmpdir(), "auth-secret-"));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe("embedded secret and tokens", () => {
  it("creates the secret once, readable by its owner only, and keeps it", () => {
    const dir = join(folder, "data");
    const first = loadOrCreateSecret(dir);
    expect(first.length).toBe(32);
    expect(statSync(join(dir, SECRET_FILE)).mode & 0o777).toBe(0o600);
    expect(loadOrCreateSecret(dir)).toEqual(first);
  });

  it("tightens a secret file others could read, and refuses a short one", () => {
    const dir = join(folder, "loose");
    loadOrCreateSecret(dir);
    chmodSync(join(dir, SECRET_FILE), 0o644);
    loadOrCreateSecret(dir);
    expect(statSync(join(dir, SECRET_FILE)).mode & 0o777).toBe(0o600);
    writeFileSync(join(dir, SECRET_FILE), "c2hvcnQ", { mode: 0o600 });
    expect(() => loadOrCreateSecret(dir)).toThrow(/fewer than 32 bytes/);
  });

  it("issues tokens the verifier turns back into the principal, until they expire", async () => {
    const secret = loadOrCreateSecret(join(folder, "data"));
    const verify = createTokenVerifier({ secret, clockToleranceS: 0 });
    const token = await issueToken(
      secret,
      { role: "tenant", sub: "t1", building: "b01", dwelling: "001" },
      60,
    );
    expect(await verify(token)).toEqual({ role: "tenant", subject: "t1", building: "b01", dwelling: "001" });
    const old = await issueToken(secret, { role: "admin", sub: "a" }, 60, Date.now() - 3_600_000);
    await expect(verify(old)).rejects.toMatchObject({ code: "token_expired" });
    await expect(verify("not.a.jwt")).rejects.toMatchObject({ code: "token_invalid" });
  });

  it("reads TTLs in seconds, minutes, hours and days", () => {
    expect(parseTtl("30d")).toBe(30 * 86_400);
    expect(parseTtl("12h")).toBe(43_200);
    expect(parseTtl("15m")).toBe(900);
    expect(parseTtl("3600s")).toBe(3_600);
    expect(() => parseTtl("1y")).toThrow(/TTL/);
    expect(() => parseTtl("0d")).toThrow(/positive/);
    expect(() => parseTtl("999999d")).toThrow(/at most 366d/);
    expect(parseTtl("366d")).toBe(MAX_TOKEN_LIFETIME_S);
  });

  it("refuses a token that lives longer than a year, however it was signed", async () => {
    const secret = loadOrCreateSecret(join(folder, "data"));
    const verify = createTokenVerifier({ secret });
    const forever = await issueToken(secret, { role: "admin", sub: "a" }, 999_999 * 86_400);
    await expect(verify(forever)).rejects.toMatchObject({ code: "token_invalid" });
    const year = await issueToken(secret, { role: "admin", sub: "a" }, MAX_TOKEN_LIFETIME_S);
    expect(await verify(year)).toMatchObject({ role: "admin" });
  });
});
