// Who may connect to the embedded broker and where each client may publish telemetry: device
// accounts from the site file (hashed secrets), each scoped to its building and space by the
// same topic filter the Mosquitto ACL carries. A refused publish becomes a dead letter.
import type { Logger } from "pino";
import { DEAD_LETTER_PAYLOAD_EXCERPT, type DeadLetter, topicExcerpt } from "../model/dead-letter.ts";
import { verifyDecoy, verifySecret } from "../model/device-credentials.ts";
import type { SiteRegistry } from "../model/registry.ts";
import type { DeviceAccount } from "../model/site.ts";
import { filterCovers, topicMatches } from "../model/topic-filter.ts";
import type { Journal } from "./journal.ts";
import type { LetterBudget } from "./letter-budget.ts";
import { countDeadLetter, type IngestMetrics } from "./metrics.ts";

export { filterCovers, topicMatches };

const TELEMETRY_PREFIX = "telemetry/";

/** The filter a device may publish under: `telemetry/{building}/{space}/#`, or `…/{building}/+/#` without a space. */
export function deviceTopicFilter(
  device: Pick<DeviceAccount, "building" | "space">,
  prefix = TELEMETRY_PREFIX,
): string {
  return `${prefix}${device.building}/${device.space ?? "+"}/#`;
}

/** Who a connected client is: a device account, or anonymous (allowed only when the site says so). */
export type Identity = { kind: "device"; device: DeviceAccount } | { kind: "anonymous" };

export type LoginOutcome =
  | { ok: true; identity: Identity }
  | { ok: false; reason: "anonymous_refused" | "bad_credentials" };

export interface DeviceAccessDeps {
  registry: SiteRegistry;
  /** Refused publishes are appended here as dead letters, as the pipeline appends its own. */
  journal: Journal;
  metrics: IngestMetrics;
  logger: Logger;
  /** The same bound on dead letters per source as the pipeline's. */
  letterBudget?: LetterBudget;
}

export class DeviceAccess {
  readonly #deps: DeviceAccessDeps;
  readonly #prefix: string;
  #lastRefusalLog = 0;
  /** The source topics of each device account, computed at its first publish. */
  readonly #granted = new Map<string, string[]>();

  constructor(deps: DeviceAccessDeps, options: { telemetryPrefix?: string } = {}) {
    this.#deps = deps;
    this.#prefix = options.telemetryPrefix ?? TELEMETRY_PREFIX;
  }

  get allowsAnonymous(): boolean {
    return this.#deps.registry.allowsAnonymous;
  }

  /** Whether a client id is a device account's (its session is reserved to that device). */
  isDeviceId(clientId: string): boolean {
    return this.#deps.registry.device(clientId) !== undefined;
  }

  /** Checks a CONNECT's credentials. A user name not in the site costs as much as a wrong secret. */
  async login(username: string | undefined, password: Buffer | undefined): Promise<LoginOutcome> {
    const outcome = await this.#check(username, password);
    if (!outcome.ok) this.#deps.metrics.loginsRefused++;
    return outcome;
  }

  async #check(username: string | undefined, password: Buffer | undefined): Promise<LoginOutcome> {
    if (username === undefined || username === "") {
      // A password without a user name is not a login MQTT 3.1.1 allows; treat it as anonymous.
      return this.allowsAnonymous
        ? { ok: true, identity: { kind: "anonymous" } }
        : { ok: false, reason: "anonymous_refused" };
    }
    const device = this.#deps.registry.device(username);
    const secret = password ?? Buffer.alloc(0);
    if (!device) {
      await verifyDecoy(secret);
      return { ok: false, reason: "bad_credentials" };
    }
    if (!(await verifySecret(secret, device.secretHash))) return { ok: false, reason: "bad_credentials" };
    return { ok: true, identity: { kind: "device", device } };
  }

  /** Whether this identity may publish on this telemetry or source topic; a device only within
   * its filter and its sources' topics (SiteRegistry.sourceTopicsOf). */
  mayPublish(identity: Identity | undefined, topic: string): boolean {
    if (identity === undefined || identity.kind === "anonymous") return this.allowsAnonymous;
    if (topic.startsWith(this.#prefix))
      return topicMatches(deviceTopicFilter(identity.device, this.#prefix), topic);
    return this.#sourceTopics(identity.device).some((filter) => topicMatches(filter, topic));
  }

  #sourceTopics(device: DeviceAccount): string[] {
    let topics = this.#granted.get(device.id);
    if (topics === undefined) {
      topics = this.#deps.registry.sourceTopicsOf(device);
      this.#granted.set(device.id, topics);
    }
    return topics;
  }

  /**
   * Whether this identity may subscribe to a filter. A device only where the site file grants it
   * (`subscribe`), never telemetry, which would show it other dwellings' readings. Anonymous
   * clients, when allowed, keep the open behaviour of a demo broker, but for $ topics ($SYS
   * lists every client's id).
   */
  maySubscribe(identity: Identity | undefined, filter: string): boolean {
    if (filter.startsWith("$")) return false;
    if (identity === undefined || identity.kind === "anonymous") return this.allowsAnonymous;
    return (identity.device.subscribe ?? []).some((granted) => filterCovers(granted, filter));
  }

  /** Whether this identity may publish on a topic outside telemetry (relayed to subscribers):
   * anonymous clients of an open site only; devices publish telemetry. */
  mayRelay(identity: Identity | undefined): boolean {
    return (identity === undefined || identity.kind === "anonymous") && this.allowsAnonymous;
  }

  /**
   * Keeps a refused publish as a `not_authorised` dead letter in the journal and counts it.
   * False when the journal is full or failing: the caller must not acknowledge (as for readings).
   */
  refuse(identity: Identity | undefined, topic: string, payload: Buffer, receivedAt: number): boolean {
    const sources = identity?.kind === "device" ? this.#sourceTopics(identity.device) : [];
    const who =
      identity?.kind === "device"
        ? `device "${identity.device.id}" may publish only under ${deviceTopicFilter(identity.device, this.#prefix)}${sources.length > 0 ? ` and its sources' topics (${sources.slice(0, 5).join(", ")}${sources.length > 5 ? ", …" : ""})` : ""}`
        : "this site refuses clients without a user name";
    const letter: DeadLetter = {
      receivedAt,
      topic: topicExcerpt(topic),
      reason: "not_authorised",
      detail: `${who}; the message was acknowledged and not stored. Fix the device's topic or its account in the site file (devices, sources).`,
      payload: payload.subarray(0, DEAD_LETTER_PAYLOAD_EXCERPT).toString("utf8"),
    };
    const building = topic.startsWith(this.#prefix)
      ? topic.slice(this.#prefix.length).split("/")[0]
      : undefined;
    if (building && this.#deps.registry.building(building)) letter.building = building;
    const { journal, metrics, logger, letterBudget } = this.#deps;
    const admitted = letterBudget
      ? letterBudget.admit([letter], receivedAt)
      : { kept: [letter], summarised: 0 };
    let appended: "ok" | "full";
    try {
      appended = journal.append({ receivedAt, readings: [], deadLetters: admitted.kept });
    } catch {
      metrics.messagesRefused++;
      return false;
    }
    if (appended === "full") {
      metrics.messagesRefused++;
      return false;
    }
    countDeadLetter(metrics, "not_authorised");
    metrics.deadLettersSummarised += admitted.summarised;
    if (receivedAt - this.#lastRefusalLog > 10_000) {
      this.#lastRefusalLog = receivedAt;
      // The device id is an equipment name, not personal data; the topic stays in the dead letter.
      logger.warn(
        { device: identity?.kind === "device" ? identity.device.id : null },
        "publish outside the client's scope refused (dead letter not_authorised); further ones logged at most every 10 s",
      );
    }
    return true;
  }
}

export function createDeviceAccess(
  deps: DeviceAccessDeps,
  options?: { telemetryPrefix?: string },
): DeviceAccess {
  return new DeviceAccess(deps, options);
}
