import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { SignInCodeStore } from "../../storage/sign-in-code-store.ts";
import {
  newSignInCode,
  normaliseSignInCode,
  redeemSignInCode,
  sealToken,
  signInCodeId,
  unsealToken,
} from "./sign-in-code.ts";

describe("sign-in codes", () => {
  it("are 16 Crockford base32 characters in four groups, and differ", () => {
    const codes = new Set(Array.from({ length: 2_000 }, newSignInCode));
    expect(codes.size).toBe(2_000);
    for (const code of codes) expect(code).toMatch(/^([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}$/);
  });

  it("read the same however they are typed", () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...Array.from({ length: 50 }, newSignInCode)),
        fc.boolean(),
        (code, lower) => {
          const typed = code
            .replace(/-/g, " ")
            .replace(/0/g, "O")
            .replace(/1/g, lower ? "l" : "I");
          expect(normaliseSignInCode(lower ? typed.toLowerCase() : typed)).toBe(code);
          expect(normaliseSignInCode(code.replace(/-/g, ""))).toBe(code);
        },
      ),
    );
  });

  it("are told apart from anything else, without throwing", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (text) => {
        const code = normaliseSignInCode(text);
        if (code !== undefined) expect(normaliseSignInCode(code)).toBe(code);
      }),
    );
    expect(normaliseSignInCode("eyJhbGciOiJIUzI1NiJ9.e30.sig")).toBeUndefined();
    expect(normaliseSignInCode("AAAA-BBBB-CCCC-DDD")).toBeUndefined();
    expect(normaliseSignInCode("AAAA-BBBB-CCCC-DDDU")).toBeUndefined();
  });

  it("seal a token that only the same code opens", () => {
    const code = newSignInCode();
    const sealed = sealToken("a.b.c", code);
    expect(sealed.includes(Buffer.from("a.b.c"))).toBe(false);
    expect(unsealToken(sealed, code)).toBe("a.b.c");
    expect(() => unsealToken(sealed, newSignInCode())).toThrow();
    const tampered = Buffer.from(sealed);
    tampered[tampered.length - 1]! ^= 1;
    expect(() => unsealToken(tampered, code)).toThrow();
    expect(signInCodeId(code)).toMatch(/^[0-9a-f]{64}$/);
    expect(signInCodeId(code)).not.toContain(code.replace(/-/g, "").toLowerCase());
  });

  it("are redeemed through the store under their id, typed in any form", async () => {
    const code = newSignInCode();
    const taken: string[] = [];
    const store: Pick<SignInCodeStore, "put" | "take"> = {
      async put() {},
      async take(id) {
        taken.push(id);
        return { state: "taken", sealed: sealToken("tok", code) };
      },
    };
    expect(await redeemSignInCode(store, code.toLowerCase())).toEqual({ state: "token", token: "tok" });
    expect(taken).toEqual([signInCodeId(code)]);
    expect(await redeemSignInCode(store, "not a code")).toEqual({ state: "invalid" });
    expect(taken).toHaveLength(1);
  });
});
