import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { idSchema } from "../model/ids.ts";
import { isValidId, parseTopic } from "./topic.ts";

describe("parseTopic", () => {
  it("reads building, space and sensor", () => {
    expect(parseTopic("telemetry/b1/common/outdoor")).toEqual({
      ok: true,
      building: "b1",
      space: "common",
      sensor: "outdoor",
    });
    expect(parseTopic("telemetry/Bât A, n°2/lgt 3/t=1")).toEqual({
      ok: true,
      building: "Bât A, n°2",
      space: "lgt 3",
      sensor: "t=1",
    });
  });

  it("reads a two-level topic, whose payload names its sensors", () => {
    expect(parseTopic("telemetry/b1/d1")).toEqual({
      ok: true,
      building: "b1",
      space: "d1",
      sensor: undefined,
    });
  });

  it.each([
    ["telemetry/b1", "b1"],
    ["telemetry/b1/d1/t/extra", "b1"],
    ["telemetry/b1/d1/", "b1"],
    ["telemetry//d1/t", undefined],
    ["telemetry/b1/#", "b1"],
    ["telemetry/b1/d\u0000/t", "b1"],
    [`telemetry/b1/${"x".repeat(65)}/t`, "b1"],
    ["Telemetry/b1/d1/t", undefined],
    ["", undefined],
  ])("refuses %j, keeping the building when there is one", (topic, building) => {
    const parsed = parseTopic(topic);
    expect(parsed).toMatchObject({ ok: false, building });
    if (!parsed.ok) expect(parsed.detail).toMatch(/telemetry\/\{building\}\/\{space\}\/\{sensor\}/);
  });
});

describe("isValidId", () => {
  it("agrees with idSchema", () => {
    const chars = fc.oneof(
      fc.constantFrom("/", "#", "+", "\u0000", "\u001f", "\u007f", " ", ",", "=", '"', "\\", "é", "🍭", "a"),
      fc.string({ maxLength: 1, unit: "grapheme" }),
    );
    fc.assert(
      fc.property(fc.array(chars, { maxLength: 70 }), (parts) => {
        const s = parts.join("");
        expect(isValidId(s)).toBe(idSchema.safeParse(s).success);
      }),
      { numRuns: 2000 },
    );
  });
});
