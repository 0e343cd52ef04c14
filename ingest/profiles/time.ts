// Times as third-party payloads write them: RFC 3339 strings (ChirpStack, The Things Stack,
// wmbusmeters, zigbee2mqtt's ISO_8601 last_seen), epoch milliseconds (zigbee2mqtt's epoch
// last_seen), and the unix formats of Telegraf's json_v2 timestamp_format.
import type { TimeFormat } from "../../model/source.ts";
import { nanosecondsToMs, parseRfc3339 } from "../decoders/time.ts";
import { describeValue } from "./path.ts";

export type TimeResult = { ok: true; t: number | undefined } | { ok: false; detail: string };

const NUMERIC = /^-?\d+(\.\d+)?$/;

/** An RFC 3339 date-time, also with a "+0100" offset (ISO 8601's basic form, as some bridges write). */
export function isoTime(value: string): number | undefined {
  return parseRfc3339(value) ?? parseRfc3339(value.replace(/([+-]\d{2})(\d{2})$/, "$1:$2"));
}

/** The time at `where` of a value in the given format; `undefined` value: none given. */
export function readTime(value: unknown, format: TimeFormat, where: string): TimeResult {
  if (value === undefined) return { ok: true, t: undefined };
  if (format === "rfc3339") {
    const t = typeof value === "string" ? isoTime(value) : undefined;
    return t === undefined
      ? {
          ok: false,
          detail: `${where} is ${describeValue(value)}, not an RFC 3339 date-time with a zone ("2024-02-08T09:07:22Z")`,
        }
      : { ok: true, t };
  }
  const text = typeof value === "number" && Number.isFinite(value) ? String(value) : value;
  if (typeof text !== "string" || !(NUMERIC.test(text) || (typeof value === "number" && /e/i.test(text)))) {
    return {
      ok: false,
      detail: `${where} is ${describeValue(value)}, not a number of ${UNIT[format]} since 1970`,
    };
  }
  if (format === "unix_ns" && /^-?\d{1,19}$/.test(text)) return { ok: true, t: nanosecondsToMs(text) };
  return { ok: true, t: Math.round(Number(text) * SCALE[format]) };
}

const UNIT: Record<Exclude<TimeFormat, "rfc3339">, string> = {
  unix: "seconds",
  unix_ms: "milliseconds",
  unix_us: "microseconds",
  unix_ns: "nanoseconds",
};
const SCALE: Record<Exclude<TimeFormat, "rfc3339">, number> = {
  unix: 1000,
  unix_ms: 1,
  unix_us: 1e-3,
  unix_ns: 1e-6,
};
