import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createClientRateLimiter } from "./client-rate.ts";

describe("per-client message rate", () => {
  it("lets a burst through, then spaces messages at the sustained rate", () => {
    const limiter = createClientRateLimiter({ perSecond: 10, burst: 3 });
    expect([0, 0, 0].map(() => limiter.reserve("a", 1_000))).toEqual([0, 0, 0]);
    expect(limiter.reserve("a", 1_000)).toBe(100);
    expect(limiter.reserve("a", 1_000)).toBe(200);
    // Another client has its own bucket.
    expect(limiter.reserve("b", 1_000)).toBe(0);
    // After the waits it was told, the first client is back to one token a tenth of a second.
    expect(limiter.reserve("a", 1_200)).toBe(100);
  });

  it("is off at 0", () => {
    const limiter = createClientRateLimiter({ perSecond: 0, burst: 1 });
    for (let i = 0; i < 100; i++) expect(limiter.reserve("a", 0)).toBe(0);
  });

  it("never lets a client exceed burst + rate × elapsed, whatever the arrival times", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 1, maxLength: 300 }), (gaps) => {
        const limiter = createClientRateLimiter({ perSecond: 20, burst: 5 });
        let now = 0;
        const sentAt: number[] = [];
        for (const gap of gaps) {
          now += gap;
          sentAt.push(now + limiter.reserve("c", now));
        }
        // Messages leave at their reserved times; count how many leave within any span.
        sentAt.sort((a, b) => a - b);
        for (let i = 0; i < sentAt.length; i++) {
          for (let j = i; j < sentAt.length; j++) {
            const span = sentAt[j]! - sentAt[i]!;
            expect(j - i + 1).toBeLessThanOrEqual(5 + Math.floor((span * 20) / 1000) + 1);
          }
        }
      }),
    );
  });
});
