// The dead letters of one message: they share its topic, time of receipt, payload excerpt and,
// once the message is resolved to a building of the site, that building.
import type { DeadLetter, RejectionReason } from "../model/dead-letter.ts";
import { DEAD_LETTER_PAYLOAD_EXCERPT, topicExcerpt } from "../model/dead-letter.ts";
import type { Reading } from "../model/reading.ts";

/** What acceptMessage yields for one message (re-exported by accept.ts). */
export interface Accepted {
  accepted: Reading[];
  rejected: DeadLetter[];
  /** Indices in `accepted` of the readings timed from the time of receipt (receipt-clock.ts). */
  atReceipt?: number[];
}

/** Dead letters of one message: same topic, time, excerpt and building. */
export class Letters {
  readonly list: DeadLetter[] = [];
  building: string | undefined;
  #excerpt: string | undefined;

  constructor(
    readonly topic: string,
    readonly payload: Buffer,
    readonly receivedAt: number,
  ) {}

  add(reason: RejectionReason, detail: string): void {
    this.#excerpt ??= this.payload.subarray(0, DEAD_LETTER_PAYLOAD_EXCERPT).toString("utf8");
    const letter: DeadLetter = {
      receivedAt: this.receivedAt,
      topic: topicExcerpt(this.topic),
      reason,
      detail,
      payload: this.#excerpt,
    };
    if (this.building !== undefined) letter.building = this.building;
    this.list.push(letter);
  }

  only(reason: RejectionReason, detail: string): Accepted {
    this.list.length = 0;
    this.add(reason, detail);
    return { accepted: [], rejected: this.list };
  }
}
