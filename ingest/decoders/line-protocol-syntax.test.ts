import { describe, expect, it } from "vitest";
import { type ParsedLine, parseLineProtocol } from "./line-protocol-syntax.ts";

function lines(text: string) {
  const body = parseLineProtocol(text, 1000);
  if (body.tooMany) throw new Error("too many");
  return body.lines;
}

function one(text: string): ParsedLine {
  const [line, ...rest] = lines(text);
  expect(rest).toEqual([]);
  if (!line?.ok) throw new Error(line?.detail ?? "no line");
  return line;
}

describe("parseLineProtocol", () => {
  it("reads measurement, tags, fields and timestamp", () => {
    expect(one("temperature,building=b1,sensor=t value=19.5,rssi=-70i 1732800000000000000")).toEqual({
      ok: true,
      line: 1,
      measurement: "temperature",
      tags: new Map([
        ["building", "b1"],
        ["sensor", "t"],
      ]),
      fields: new Map([
        ["value", { type: "float", value: 19.5 }],
        ["rssi", { type: "integer", value: -70 }],
      ]),
      timestamp: "1732800000000000000",
    });
  });

  it.each([
    ["1", { type: "float", value: 1 }],
    ["-1.5e3", { type: "float", value: -1500 }],
    ["+.5", { type: "float", value: 0.5 }],
    ["1.", { type: "float", value: 1 }],
    ["1e+21", { type: "float", value: 1e21 }],
    ["12i", { type: "integer", value: 12 }],
    ["-12i", { type: "integer", value: -12 }],
    ["12u", { type: "unsigned", value: 12 }],
    ["t", { type: "boolean", value: true }],
    ["FALSE", { type: "boolean", value: false }],
    ['"a, b=c d"', { type: "string", value: "a, b=c d" }],
    ['"say \\"hi\\" \\\\ \\n"', { type: "string", value: 'say "hi" \\ \\n' }],
  ])("reads the field value %s", (text, value) => {
    expect(one(`m f=${text}`).fields.get("f")).toEqual(value);
  });

  it("unescapes commas, spaces, equals signs and backslashes where line protocol escapes them", () => {
    const line = one("my\\ temp\\,x\\=1,tag\\ key\\,\\==a\\ b\\,c\\=d\\\\,lit=a\\b f\\=x\\ y=1");
    expect(line.measurement).toBe("my temp,x\\=1");
    expect(line.tags).toEqual(
      new Map([
        ["tag key,=", "a b,c=d\\"],
        ["lit", "a\\b"],
      ]),
    );
    expect(line.fields).toEqual(new Map([["f=x y", { type: "float", value: 1 }]]));
  });

  it("reads backslashes as the InfluxDB reference says: \\\\ is one, a lone one is literal", () => {
    const values = ["\\", "\\\\", "\\\\\\", "\\\\\\\\", "\\\\\\\\\\"].map((v) =>
      one(`m,k=x${v}y f=1`).tags.get("k"),
    );
    expect(values).toEqual(["x\\y", "x\\y", "x\\\\y", "x\\\\y", "x\\\\\\y"]);
    expect(one("m,k=x\\\\ f=1").tags.get("k")).toBe("x\\");
  });

  it("keeps quotes and non-ASCII in names as they are", () => {
    const line = one("m,\"k\"='é\\ 🍭' f=1");
    expect(line.tags.get('"k"')).toBe("'é 🍭'");
  });

  it("skips blank lines and comments, tolerates CRLF and trailing spaces, and counts lines", () => {
    const parsed = lines('\n# comment\n  m f=1 10\r\n\r\nm f=2  \nm f="two\nlines"\nm f=3\n');
    expect(parsed.map((l) => l.ok && [l.line, l.fields.get("f")?.value, l.timestamp])).toEqual([
      [3, 1, "10"],
      [5, 2, undefined],
      [6, "two\nlines", undefined],
      [8, 3, undefined],
    ]);
  });

  it.each([
    ["m", /no fields/],
    ["m,t=1", /no fields/],
    [",t=1 f=1", /no measurement/],
    ["m,t f=1", /has no "=value"/],
    ["m,=1 f=1", /has no key/],
    ["m,t= f=1", /empty value/],
    ["m,t=1,t=2 f=1", /given twice/],
    ["m f=1,f=2", /given twice/],
    ["m f", /field such as value=12.5/],
    ["m =1", /field such as value=12.5/],
    ["m f=", /neither a number/],
    ["m f=abc", /neither a number/],
    ["m f=1.2.3", /neither a number/],
    ["m f=NaN", /neither a number/],
    ["m f=-1u", /neither a number/],
    ['m f="open', /no closing double quote/],
    ["m f=1 10 20", /unexpected "20"/],
  ])("refuses %j", (text, detail) => {
    const [line] = lines(text);
    expect(line).toMatchObject({ ok: false, line: 1 });
    expect(line?.ok === false && line.detail).toMatch(detail);
  });

  it("resumes at the next line after a bad one", () => {
    const parsed = lines("m f=1\nm f=oops\nm f=3");
    expect(parsed.map((l) => (l.ok ? l.fields.get("f")?.value : `line ${l.line} bad`))).toEqual([
      1,
      "line 2 bad",
      3,
    ]);
  });

  it("stops counting past the limit", () => {
    expect(parseLineProtocol("m f=1\n# c\n\nm f=2\n", 2).tooMany).toBe(false);
    expect(parseLineProtocol("m f=1\nm f=2\nm f=3", 2).tooMany).toBe(true);
  });
});
