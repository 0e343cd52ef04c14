import { describe, expect, it } from "vitest";
import { signInLink } from "./token.ts";

describe("sign-in links", () => {
  it("put /login under the base and the code as the only parameter", () => {
    const code = "7K3M-Q9XD-2HVA-PB4T";
    expect(signInLink("https://charges.example.org", code)).toBe(
      `https://charges.example.org/login?code=${code}`,
    );
    expect(signInLink("https://charges.example.org/", code)).toBe(
      `https://charges.example.org/login?code=${code}`,
    );
    expect(signInLink("https://example.org/hlm", code)).toBe(`https://example.org/hlm/login?code=${code}`);
    expect(signInLink("http://[::1]:3000/", code)).toBe(`http://[::1]:3000/login?code=${code}`);
  });
});
