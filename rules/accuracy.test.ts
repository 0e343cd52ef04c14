// A fast slice of bench/guard-accuracy.ts: simulated pilots with a known truth, and the
// guard's decisions held to the targets (the full study prints its figures; this one fails).
import { describe, expect, it } from "vitest";
import { runCase, studyCases, summarise } from "../bench/guard-accuracy.ts";

describe("guard accuracy on simulated pilots", () => {
  const results = studyCases(24, 7).map((c) => runCase(c));
  const s = summarise(results);

  it("approves no harmful device and no zero-effect gadget", () => {
    expect(s.harmful).toBeGreaterThan(5);
    expect(s.harmfulApproved / s.harmful).toBeLessThanOrEqual(0.05);
    expect(s.gadgetsApproved).toBe(0);
  });

  it("approves most clearly beneficial devices", () => {
    expect(s.clearlyBeneficial).toBeGreaterThan(3);
    expect(s.clearlyBeneficialApproved / s.clearlyBeneficial).toBeGreaterThanOrEqual(0.6);
  });

  it("estimates the saving without bias and with honest intervals", () => {
    expect(Math.abs(s.relativeBias)).toBeLessThan(0.1);
    expect(s.relativeAbsError).toBeLessThan(0.15);
    expect(s.coverage).toBeGreaterThanOrEqual(0.75);
  });
});
