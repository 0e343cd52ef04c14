// Bounds what one sender can leave in the dead-letter store: at most `perHour` letters per
// source (the topic's building and space, or one source for every topic naming no known
// building) per clock hour. Letters past that are counted, not kept, and one summary letter
// per source and hour says how many and of which reasons, once that hour is over.
import { type DeadLetter, type RejectionReason, topicExcerpt } from "../model/dead-letter.ts";
import type { SiteRegistry } from "../model/registry.ts";

const HOUR = 3_600_000;
/** Sources remembered at once; past it the oldest hour's are summarised early. */
const MAX_SOURCES = 50_000;

interface Window {
  hour: number;
  kept: number;
  over: Partial<Record<RejectionReason, number>>;
  building: string | undefined;
}

export class LetterBudget {
  readonly #windows = new Map<string, Window>();

  constructor(
    readonly perHour: number,
    private readonly registry: SiteRegistry,
  ) {}

  /** The letters to keep of `letters` (of one message), plus the summaries of past hours that
   * are due; `summarised` is how many were counted instead of kept. */
  admit(letters: readonly DeadLetter[], now: number): { kept: DeadLetter[]; summarised: number } {
    const kept = this.#dueSummaries(now);
    let summarised = 0;
    for (const letter of letters) {
      const source = this.#sourceOf(letter);
      const hour = Math.floor(now / HOUR) * HOUR;
      let window = this.#windows.get(source);
      if (window !== undefined && window.hour !== hour) {
        const summary = summaryOf(source, window);
        if (summary) kept.push(summary);
        window = undefined;
      }
      if (window === undefined) {
        window = { hour, kept: 0, over: {}, building: letter.building };
        this.#windows.set(source, window);
      }
      if (window.kept < this.perHour) {
        window.kept++;
        kept.push(letter);
      } else {
        window.over[letter.reason] = (window.over[letter.reason] ?? 0) + 1;
        summarised++;
      }
    }
    return { kept, summarised };
  }

  #sourceOf(letter: DeadLetter): string {
    const levels = letter.topic.split("/", 3);
    const building = levels[1];
    if (levels[0] !== "telemetry" || building === undefined || !this.registry.building(building)) return "";
    return `${building}/${levels[2] ?? ""}`;
  }

  /** Summaries of every source whose hour is over and that went over its budget. */
  #dueSummaries(now: number): DeadLetter[] {
    const out: DeadLetter[] = [];
    const hour = Math.floor(now / HOUR) * HOUR;
    const crowded = this.#windows.size > MAX_SOURCES;
    for (const [source, window] of this.#windows) {
      if (window.hour === hour && !crowded) continue;
      if (Object.keys(window.over).length === 0 && window.hour === hour) continue;
      const summary = summaryOf(source, window);
      if (summary) out.push(summary);
      this.#windows.delete(source);
    }
    return out;
  }
}

function summaryOf(source: string, window: Window): DeadLetter | undefined {
  const reasons = Object.entries(window.over) as [RejectionReason, number][];
  const total = reasons.reduce((n, [, k]) => n + k, 0);
  if (total === 0) return undefined;
  const from = new Date(window.hour).toISOString();
  const letter: DeadLetter = {
    receivedAt: window.hour + HOUR - 1,
    topic: topicExcerpt(source === "" ? "telemetry/(unknown buildings)" : `telemetry/${source}`),
    reason: "rate_limited",
    detail: `${total} more dead letters from this source in the hour from ${from} were counted, not kept (${window.kept} kept): ${reasons.map(([r, k]) => `${k} ${r}`).join(", ")}. Fix the sender; the counts are in ingest_dead_letters_summarised_total.`,
    payload: "",
  };
  if (window.building !== undefined) letter.building = window.building;
  return letter;
}
