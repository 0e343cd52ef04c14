// Line protocol and InfluxQL escaping, checked on the text they produce (the services test
// checks the same against a real influxd).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { quoteIdent, quoteString, timeLiteral } from "./influxql.ts";
import { decodeTagValue, encodePoint, encodeTagValue } from "./line-protocol.ts";

describe("encodePoint", () => {
  it("escapes measurement, tags and string fields", () => {
    expect(
      encodePoint({
        measurement: "a b,c",
        tags: { "k=,": "v 1,=2", a: "x" },
        fields: { value: 1.5, s: 'say "hi" \\ bye\n', ok: true },
        time: 1000,
      }),
    ).toBe('a\\ b\\,c,a=x,k\\=\\,=v\\ 1\\,\\=2 value=1.5,s="say \\"hi\\" \\\\ bye\n",ok=t 1000');
  });

  it("writes every float so that it parses back to the same double", () => {
    expect(encodePoint({ measurement: "m", tags: {}, fields: { value: 1e21 }, time: 1 })).toBe(
      "m value=1e+21 1",
    );
    expect(() =>
      encodePoint({ measurement: "m", tags: {}, fields: { value: Number.NaN }, time: 1 }),
    ).toThrow();
  });
});

describe("encodeTagValue", () => {
  it("leaves ordinary ids alone and encodes what line protocol cannot carry", () => {
    expect(encodeTagValue("dwelling 12, 'A'")).toBe("dwelling 12, 'A'");
    expect(encodeTagValue("a\\")).not.toMatch(/\\$/);
    expect(encodeTagValue("")).not.toBe("");
    expect(encodeTagValue("a\nb")).not.toContain("\n");
    // A backslash before what line protocol escapes is ambiguous: influxd split such a line
    // (found by the services property with seed -2056856409).
    expect(encodeTagValue("\\ \\, ")).not.toContain("\\");
    expect(encodeTagValue("a\\b")).toBe("a\\b");
  });

  it("is reversible and injective", () => {
    fc.assert(
      fc.property(fc.string({ unit: "grapheme" }), fc.string({ unit: "grapheme" }), (a, b) => {
        expect(decodeTagValue(encodeTagValue(a))).toBe(a);
        if (a !== b) expect(encodeTagValue(a)).not.toBe(encodeTagValue(b));
      }),
    );
    expect(decodeTagValue(encodeTagValue("\u{E000}x"))).toBe("\u{E000}x");
  });
});

describe("InfluxQL quoting", () => {
  it("escapes quotes, backslashes and line breaks", () => {
    expect(quoteString("x' OR 1=1 --")).toBe("'x\\' OR 1=1 --'");
    expect(quoteString("a\\")).toBe("'a\\\\'");
    expect(quoteIdent('my "db"\n')).toBe('"my \\"db\\"\\n"');
    expect(timeLiteral(-5)).toBe("-5ms");
    expect(() => timeLiteral(1.5)).toThrow();
  });
});
