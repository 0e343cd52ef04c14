// How an import shows it is moving: a bar on a terminal (rows, rate, refused, ETA), and plain
// lines every few seconds otherwise (a log file, CI, a pipe).
import { SingleBar } from "cli-progress";
import type { ImportProgress } from "./run-import.ts";

export interface ProgressDisplay {
  update(progress: ImportProgress): void;
  stop(): void;
}

const PLAIN_EVERY_MS = 5_000;

export function progressDisplay(
  name: string,
  stream: NodeJS.WriteStream,
  now: () => number = Date.now,
): ProgressDisplay {
  const started = now();
  const rate = (rows: number) => Math.round(rows / Math.max((now() - started) / 1000, 1e-3));
  const eta = (p: ImportProgress) => {
    if (p.size === undefined || p.bytesRead === 0) return undefined;
    const elapsed = (now() - started) / 1000;
    return Math.max(0, Math.round((elapsed * (p.size - p.bytesRead)) / p.bytesRead));
  };
  if (stream.isTTY) {
    const bar = new SingleBar({
      stream,
      format: `${name} {bar} {percentage}% | {rows} rows | {rate} rows/s | {refused} refused | ETA {eta_formatted}`,
      hideCursor: true,
      etaBuffer: 50,
    });
    let total = 0;
    return {
      update(p) {
        if (total === 0) {
          total = p.size ?? Math.max(p.bytesRead, 1);
          bar.start(total, 0, { rows: 0, rate: 0, refused: 0 });
        }
        if (p.size === undefined && p.bytesRead > total) {
          total = p.bytesRead * 2;
          bar.setTotal(total);
        }
        bar.update(p.bytesRead, {
          rows: p.rows.toLocaleString("en"),
          rate: rate(p.rows).toLocaleString("en"),
          refused: p.refused,
        });
      },
      stop() {
        if (total > 0) bar.stop();
      },
    };
  }
  let last = started;
  return {
    update(p) {
      const t = now();
      if (t - last < PLAIN_EVERY_MS) return;
      last = t;
      const left = eta(p);
      const percent = p.size ? ` (${Math.floor((100 * p.bytesRead) / p.size)} %)` : "";
      stream.write(
        `${name}: ${p.rows} rows${percent}, ${rate(p.rows)} rows/s, ${p.stored} stored, ${p.refused} refused${left === undefined ? "" : `, about ${left} s left`}\n`,
      );
    },
    stop() {},
  };
}
