import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { progressDisplay } from "./progress.ts";

describe("import progress", () => {
  it("writes a plain line every 5 s when not on a terminal: rows, share, rate, refused, time left", () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    }) as unknown as NodeJS.WriteStream;
    let now = 0;
    const display = progressDisplay("big.csv", stream, () => now);
    now = 1_000;
    display.update({ rows: 1_000, stored: 990, refused: 10, bytesRead: 10, size: 100 });
    now = 10_000;
    display.update({ rows: 100_000, stored: 99_000, refused: 12, bytesRead: 25, size: 100 });
    now = 12_000;
    display.update({ rows: 120_000, stored: 119_000, refused: 12, bytesRead: 30, size: 100 });
    display.stop();
    expect(lines).toEqual([
      "big.csv: 100000 rows (25 %), 10000 rows/s, 99000 stored, 12 refused, about 30 s left\n",
    ]);
  });
});
