// One source's dead letters per hour are bounded; the rest are summarised in one letter.
import { describe, expect, it } from "vitest";
import type { DeadLetter } from "../model/dead-letter.ts";
import { registry } from "../test/support/payloads.ts";
import { LetterBudget } from "./letter-budget.ts";

const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 0, 10, 8);
const letter = (
  topic: string,
  i: number,
  reason: DeadLetter["reason"] = "malformed_payload",
): DeadLetter => ({
  receivedAt: T0 + i,
  topic,
  reason,
  detail: `bad ${i}`,
  payload: "x",
  building: "b1",
});

describe("LetterBudget", () => {
  it("keeps perHour letters per source and hour, then summarises the rest once the hour is over", () => {
    const budget = new LetterBudget(10, registry);
    let kept = 0;
    let summarised = 0;
    for (let i = 0; i < 50; i++) {
      const r = budget.admit(
        [letter("telemetry/b1/d1/t", i, i % 2 ? "out_of_range" : "malformed_payload")],
        T0 + i,
      );
      kept += r.kept.length;
      summarised += r.summarised;
    }
    expect([kept, summarised]).toEqual([10, 40]);
    // Another source has its own budget; unknown buildings share one.
    expect(budget.admit([letter("telemetry/b1/d2/t", 0)], T0).kept).toHaveLength(1);
    for (let i = 0; i < 30; i++) budget.admit([letter(`telemetry/nowhere-${i}/x/y`, i)], T0 + i);
    // The next hour: the summaries come first, then the letter itself.
    const next = budget.admit([letter("telemetry/b1/d1/t", 99)], T0 + HOUR);
    const summaries = next.kept.filter((l) => l.reason === "rate_limited");
    expect(summaries.map((l) => l.topic).sort()).toEqual([
      "telemetry/(unknown buildings)",
      "telemetry/b1/d1",
    ]);
    const d1 = summaries.find((l) => l.topic === "telemetry/b1/d1")!;
    expect(d1.detail).toMatch(/^40 more dead letters .* \(10 kept\): 20 malformed_payload, 20 out_of_range/);
    expect(next.kept.at(-1)!.detail).toBe("bad 99");
  });

  it("gives invented spaces of a building one budget, not one each", () => {
    const budget = new LetterBudget(10, registry);
    let kept = 0;
    for (let i = 0; i < 1000; i++)
      kept += budget.admit([letter(`telemetry/b1/nobody-${i}/t`, i)], T0 + i).kept.length;
    expect(kept).toBe(10);
  });
});
