// Bounds what one sender can leave in the dead-letter store: at most `perHour` letters per
// source per clock hour. A source is a known building and space of the topic; every unknown
// space of a building is one source, and every topic naming no known building is one more, so
// inventing names buys no budget. Letters past that are counted, not kept, and one summary
// letter per source and hour says how many and of which reasons, once that hour is over.
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
  /** In the order they were opened: the oldest first. */
  readonly #windows = new Map<string, Window>();
  /** The hour of the last sweep for due summaries: one sweep an hour, not one a letter. */
  #sweptHour = Number.NEGATIVE_INFINITY;

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
        this.#windows.delete(source);
        this.#windows.set(source, window);
        if (this.#windows.size > MAX_SOURCES) kept.push(...this.#evictOldest());
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
    const space = levels[2];
    return space !== undefined && this.registry.hasSpace(building, space)
      ? `${building}/${space}`
      : `${building}/?`;
  }

  /** Once an hour: the summaries of every source whose hour is over (windows are in the order
   * they were opened, so the sweep stops at the first of the current hour). */
  #dueSummaries(now: number): DeadLetter[] {
    const hour = Math.floor(now / HOUR) * HOUR;
    if (hour === this.#sweptHour) return [];
    this.#sweptHour = hour;
    const out: DeadLetter[] = [];
    for (const [source, window] of this.#windows) {
      if (window.hour === hour) break;
      const summary = summaryOf(source, window);
      if (summary) out.push(summary);
      this.#windows.delete(source);
    }
    return out;
  }

  /** Too many sources at once: the oldest window goes, with its summary. */
  #evictOldest(): DeadLetter[] {
    const [source, window] = this.#windows.entries().next().value as [string, Window];
    this.#windows.delete(source);
    const summary = summaryOf(source, window);
    return summary ? [summary] : [];
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
