// The write path's byte encoding against the text encoding it replaces: the same lines, byte for
// byte, for any series, value and time, and any run of lines as a request body.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { LineBuffer } from "./line-buffer.ts";
import { encodePoint, encodeSeriesPrefix, encodeTagValue } from "./line-protocol.ts";

const point = fc.record({
  measurement: fc.constantFrom("temperature", "co2", "heat energy"),
  space: fc.string({ unit: "grapheme", maxLength: 12 }),
  value: fc.double({ noNaN: true, noDefaultInfinity: true }),
  time: fc.maxSafeInteger().filter((t) => t >= -Number.MAX_SAFE_INTEGER),
});

describe("LineBuffer", () => {
  it("encodes points exactly as encodePoint does, and any run of them as one body", () => {
    // One buffer for every example, reset in between as the store reuses it; small, so that
    // growing, and letting a grown buffer go, are exercised too.
    const buffer = new LineBuffer(16);
    fc.assert(
      fc.property(fc.array(point, { minLength: 1, maxLength: 30 }), fc.nat(), fc.nat(), (points, a, b) => {
        buffer.reset(256);
        const texts: string[] = [];
        for (const p of points) {
          const tags = { building: "b1", space: encodeTagValue(p.space) };
          buffer.appendPoint(Buffer.from(encodeSeriesPrefix(p.measurement, tags, "value")), p.value, p.time);
          texts.push(
            encodePoint({ measurement: p.measurement, tags, fields: { value: p.value }, time: p.time }),
          );
        }
        expect(buffer.count).toBe(points.length);
        const from = a % points.length;
        const to = from + 1 + (b % (points.length - from));
        expect(buffer.body(from, to).toString("utf8")).toBe(texts.slice(from, to).join("\n"));
        expect(buffer.line(from)).toBe(texts[from]);
      }),
    );
  });

  it("takes ready lines, and refuses what line protocol cannot carry", () => {
    const buffer = new LineBuffer();
    buffer.appendLine('dead_letter,reason=x detail="é \\"q\\"" 1');
    buffer.appendPoint(Buffer.from("m value="), 0.1, 0);
    expect(buffer.body(0, 2).toString("utf8")).toBe(
      'dead_letter,reason=x detail="é \\"q\\"" 1\nm value=0.1 0',
    );
    expect(() => buffer.appendPoint(Buffer.from("m value="), Number.POSITIVE_INFINITY, 1)).toThrow(
      RangeError,
    );
    expect(() => buffer.appendPoint(Buffer.from("m value="), 1, 1.5)).toThrow(RangeError);
    expect(() => buffer.appendPoint(Buffer.from("m value="), 1, 2 ** 60)).toThrow(RangeError);
    expect(buffer.count).toBe(2);
  });
});
