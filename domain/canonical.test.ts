import { describe, expect, it } from "vitest";
import { canonicalJson, hashOf } from "./canonical.ts";

describe("canonical JSON and its hash", () => {
  it("does not depend on key order, keeps array order, drops undefined", () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: undefined } })).toBe('{"a":{"d":[2,1]},"b":1}');
    expect(hashOf({ x: 1, y: [1, 2] })).toBe(hashOf({ y: [1, 2], x: 1 }));
    expect(hashOf({ y: [2, 1] })).not.toBe(hashOf({ y: [1, 2] }));
    expect(hashOf({})).toMatch(/^[0-9a-f]{64}$/);
  });
});
