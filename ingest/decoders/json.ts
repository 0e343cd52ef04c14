// Decodes a single reading sent as a JSON object: {"v": 12.5}, {"t": 1732800000000, "v": 12.5},
// optionally with "u" (the unit, checked against the catalogue). t is milliseconds since the
// epoch or an RFC 3339 string; without t the reading takes the time of receipt.

import { parseRfc3339, SECONDS_SUSPECT_MS } from "./time.ts";
import { type DecodeContext, type DecodedReading, type DecodeResult, quote } from "./types.ts";

const KEYS = new Set(["t", "v", "u"]);

/** `text` starts (after blanks) with "{". */
export function decodeJsonObject(text: string, ctx: DecodeContext): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return malformed(
      `the payload is not valid JSON (${(err as Error).message}); send an object such as {"t": 1732800000000, "v": 12.5}`,
    );
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    return malformed(`the payload is JSON but not an object; send {"t": 1732800000000, "v": 12.5}`);
  }
  const obj = parsed as Record<string, unknown>;
  for (const key in obj) {
    if (!KEYS.has(key)) {
      return malformed(
        `unknown field ${quote(key)}; a JSON reading has only "v" (the value), "t" (ms since the epoch or an RFC 3339 string) and "u" (the unit)`,
      );
    }
  }
  const { v, u } = obj;
  if (typeof v !== "number") {
    return malformed(
      v === undefined
        ? `the object has no "v"; send the value as a number: {"v": 12.5}`
        : `"v" is ${describe(v)}, not a number; send the value as a JSON number: {"v": 12.5}`,
    );
  }
  if (u !== undefined && typeof u !== "string") {
    return malformed(`"u" is ${describe(u)}; send the unit as a string such as "Cel", or leave it out`);
  }
  const t = timeOf(obj.t, ctx.receivedAt);
  if (typeof t === "string") return malformed(t);
  const item: DecodedReading = { ok: true, where: "", t, v, unit: u };
  if (obj.t === undefined) item.atReceipt = true;
  return { ok: true, items: [item] };
}

/** Integer ms, or the sentence that refuses it. */
function timeOf(t: unknown, receivedAt: number): number | string {
  if (t === undefined) return receivedAt;
  if (typeof t === "string") {
    const ms = parseRfc3339(t);
    return (
      ms ??
      `"t" ${quote(t)} is not an RFC 3339 date-time such as "2024-11-28T14:00:00Z"; or send milliseconds since the epoch as a number`
    );
  }
  if (typeof t !== "number")
    return `"t" is ${describe(t)}; send milliseconds since the epoch as a number, or an RFC 3339 string`;
  if (!Number.isFinite(t)) return `"t" is not a finite number; send milliseconds since the epoch`;
  if (t < SECONDS_SUSPECT_MS) {
    return t >= 0
      ? `"t" ${t} looks like seconds since the epoch; send milliseconds (${Math.round(t * 1000)}) or an RFC 3339 string`
      : `"t" ${t} is negative; send milliseconds since the epoch`;
  }
  return Math.round(t);
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "string") return `the string ${quote(value, 40)}`;
  return `a ${typeof value}`;
}

function malformed(detail: string): DecodeResult {
  return { ok: false, reason: "malformed_payload", detail };
}
