import { parse } from "csv-parse/sync";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { csvRecords } from "./csv-records.ts";

async function records(text: string, delimiter: string, chunk = 7) {
  async function* chunks() {
    for (let i = 0; i < text.length; i += chunk) yield text.slice(i, i + chunk);
  }
  const out = [];
  for await (const group of csvRecords(chunks(), delimiter)) out.push(...group);
  return out;
}

const cell = fc.string({
  unit: fc.constantFrom("a", "é", "1", ",", ";", '"', "\n", " ", "\t", "x"),
  maxLength: 8,
});
const quoteIfNeeded = (c: string, d: string) =>
  c.includes(d) || c.includes('"') || c.includes("\n") ? `"${c.replaceAll('"', '""')}"` : c;

describe("csvRecords", () => {
  it("reads what an RFC 4180 writer wrote, as csv-parse does, with the line each record starts on", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(cell, { minLength: 2, maxLength: 5 }), { minLength: 1, maxLength: 12 }),
        fc.constantFrom(";", ",", "\t"),
        fc.constantFrom("\n", "\r\n"),
        fc.integer({ min: 1, max: 40 }),
        async (rows, d, eol, chunk) => {
          // A record whose cells are all blank is a blank line, which both readers skip.
          const kept = rows.filter(
            (r) =>
              r.join("").trim() !== "" || r.some((c) => c.includes('"') || c.includes(d) || c.includes("\n")),
          );
          const text = kept.map((r) => r.map((c) => quoteIfNeeded(c, d)).join(d)).join(eol) + eol;
          const ours = await records(text, d, chunk);
          const reference = parse(text, {
            delimiter: d,
            relax_column_count: true,
            skip_empty_lines: true,
            record_delimiter: ["\n", "\r\n"],
          }) as string[][];
          expect(ours.map((r) => r.cells)).toEqual(
            reference.map((r) => r.map((c) => c.replaceAll("\r\n", "\n"))),
          );
          let line = 1;
          const starts: number[] = [];
          for (const r of kept) {
            const written = r.map((c) => quoteIfNeeded(c, d)).join(d);
            if (written.trim() !== "") starts.push(line);
            line += written.split("\n").length;
          }
          expect(ours.map((r) => r.line)).toEqual(starts);
        },
      ),
      { numRuns: 300 },
    );
  });

  it("refuses a quote left open instead of swallowing the rest of the file", async () => {
    const text = `a;b\n"open;1\n${"x;2\n".repeat(250)}`;
    const out = await records(text, ";", 64);
    expect(out[1]).toMatchObject({
      line: 2,
      malformed: expect.stringMatching(/quote opened on line 2 is not closed/),
    });
    expect(out).toHaveLength(252);
    expect(out.at(-1)).toMatchObject({ cells: ["x", "2"], line: 252 });
  });

  it("refuses a line longer than 1 MiB, however it is cut into chunks, and reads on after it", async () => {
    const text = `a;b\n${"x".repeat(2_500_000)}\n1;2\n`;
    for (const chunk of [65_536, 1_000_003]) {
      const out = await records(text, ";", chunk);
      expect(out.map((r) => [r.line, r.malformed === undefined])).toEqual([
        [1, true],
        [2, false],
        [3, true],
      ]);
      expect(out[2]!.cells).toEqual(["1", "2"]);
    }
  });

  it("drops a byte-order mark and reads the last line without a line break", async () => {
    expect(await records("\ufeffa;b\n1;2", ";")).toEqual([
      { cells: ["a", "b"], line: 1 },
      { cells: ["1", "2"], line: 2 },
    ]);
  });
});
