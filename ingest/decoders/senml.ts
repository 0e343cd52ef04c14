// Decodes a SenML pack (RFC 8428, JSON representation) into readings. Base fields (bn, bt, bu,
// bv, bs) apply to their record and every later one until replaced; names are bn + n; times are
// seconds, bt + t, and below 2^28 they are relative to the time of receipt. Only numeric values
// (v) are readings: vs, vb and vd records, and sums alone, are refused one by one.
import type { DecodeContext, DecodedItem, DecodedReading, DecodeResult } from "./types.ts";
import { quote, tooMany } from "./types.ts";

/** RFC 8428 §4.5.3: smaller times are seconds relative to "now". */
const RELATIVE_BELOW = 2 ** 28;
/** The SenML version this decoder implements (RFC 8428). */
const VERSION = 10;
/** A "time" in seconds this large is surely milliseconds (year 5138). */
const MILLISECONDS_SUSPECT_S = 1e11;

const BASE_NUMBERS = ["bt", "bv", "bs"] as const;
const BASE_STRINGS = ["bn", "bu"] as const;
/** Fields that make a record more than a carrier of base fields. */
const RECORD_FIELDS = ["n", "u", "v", "vs", "vb", "vd", "s", "t", "ut"] as const;
const BASE_FIELDS = ["bn", "bt", "bu", "bv", "bs", "bver"] as const;

/** `text` starts (after blanks) with "[". */
export function decodeSenml(text: string, ctx: DecodeContext): DecodeResult {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    return malformed(
      `the payload is not valid JSON (${(err as Error).message}); a SenML pack is a JSON array of records such as [{"bt": 1732800000, "bu": "Cel", "v": 19.5}]`,
    );
  }
  if (!Array.isArray(parsed))
    return malformed("the payload is JSON but not an array; a SenML pack is an array of records");
  const records: unknown[] = parsed;
  if (records.length === 0)
    return malformed('the SenML pack is empty; send at least one record with a numeric "v"');
  if (records.length > ctx.maxReadings) return tooMany(records.length, "SenML records", ctx.maxReadings);

  let bn = "";
  let bu: string | undefined;
  let bt = 0;
  let bv = 0;
  const items: DecodedItem[] = [];
  const count = records.length;
  for (let i = 0; i < count; i++) {
    const record = records[i];
    const where = `record ${i + 1} of ${count}`;
    if (typeof record !== "object" || record === null || Array.isArray(record)) {
      items.push(refuse(where, "a SenML record must be a JSON object"));
      continue;
    }
    const r = record as Record<string, unknown>;
    // Base fields first: later records depend on them, so a bad one refuses the whole pack.
    for (const key in r) {
      if (key.endsWith("_")) {
        return malformed(
          `${where}: field ${quote(key)} must be understood (RFC 8428 §4.4) and this receiver does not know it; the pack is refused`,
        );
      }
    }
    for (const key of BASE_STRINGS) {
      if (r[key] !== undefined && typeof r[key] !== "string")
        return malformed(`${where}: base field "${key}" must be a string`);
    }
    for (const key of BASE_NUMBERS) {
      if (r[key] !== undefined && typeof r[key] !== "number")
        return malformed(`${where}: base field "${key}" must be a number`);
    }
    if (r.bver !== undefined) {
      const bver = r.bver;
      if (typeof bver !== "number" || !Number.isInteger(bver) || bver < 1) {
        return malformed(`${where}: "bver" must be a positive integer (the SenML version, ${VERSION})`);
      }
      if (bver > VERSION)
        return malformed(
          `${where}: SenML version ${bver} is newer than the version ${VERSION} this receiver reads (RFC 8428); the pack is refused`,
        );
    }
    if (r.bn !== undefined) bn = r.bn as string;
    if (r.bu !== undefined) bu = r.bu as string;
    if (r.bt !== undefined) bt = r.bt as number;
    if (r.bv !== undefined) bv = r.bv as number;

    if (!RECORD_FIELDS.some((k) => r[k] !== undefined)) {
      // A record of base fields only sets them for the records after it; anything else is empty.
      if (BASE_FIELDS.some((k) => r[k] !== undefined)) continue;
      items.push(refuse(where, `the record has no value; send the measurement as a number in "v"`));
      continue;
    }
    items.push(recordItem(r, where, bn, bu, bt, bv, ctx.receivedAt));
  }
  if (items.length === 0)
    return malformed(
      'the SenML pack holds only base fields and no record with a value; add records with a numeric "v"',
    );
  return { ok: true, items };
}

function recordItem(
  r: Record<string, unknown>,
  where: string,
  bn: string,
  bu: string | undefined,
  bt: number,
  bv: number,
  receivedAt: number,
): DecodedItem {
  const { n, u, v, t } = r;
  if (n !== undefined && typeof n !== "string") return refuse(where, `"n" must be a string`);
  if (u !== undefined && typeof u !== "string") return refuse(where, `"u" must be a string`);
  if (t !== undefined && typeof t !== "number") return refuse(where, `"t" must be a number of seconds`);
  if (v === undefined) {
    if (r.vs !== undefined || r.vb !== undefined || r.vd !== undefined) {
      return refuse(
        where,
        `a string, boolean or data value (vs, vb, vd) is not a reading; send the measurement as a number in "v"`,
      );
    }
    if (r.s !== undefined)
      return refuse(where, `a sum ("s") alone is not a reading; send the meter index as "v"`);
    return refuse(where, `the record has no value; send the measurement as a number in "v"`);
  }
  if (typeof v !== "number") return refuse(where, `"v" must be a number`);
  if (r.vs !== undefined || r.vb !== undefined || r.vd !== undefined) {
    return refuse(where, `a record carries one value: "v", or one of vs, vb, vd, not both`);
  }
  const seconds = bt + ((t as number | undefined) ?? 0);
  if (!Number.isFinite(seconds)) return refuse(where, `the time (bt + t) is not a finite number of seconds`);
  const ms = seconds < RELATIVE_BELOW ? receivedAt + Math.round(seconds * 1000) : Math.round(seconds * 1000);
  if (seconds >= MILLISECONDS_SUSPECT_S) {
    return {
      ok: false,
      where,
      reason: "timestamp_in_future",
      detail: `the time ${seconds} (bt + t) looks like milliseconds; SenML times are seconds since the epoch (RFC 8428), such as 1732800000.5`,
    };
  }
  const item: DecodedReading = {
    ok: true,
    where,
    sensor: bn + ((n as string | undefined) ?? ""),
    unit: (u as string | undefined) ?? bu,
    t: ms,
    v: bv + v,
  };
  if (seconds < RELATIVE_BELOW) item.atReceipt = true;
  return item;
}

function refuse(where: string, detail: string): DecodedItem {
  return { ok: false, where, reason: "malformed_payload", detail };
}

function malformed(detail: string): DecodeResult {
  return { ok: false, reason: "malformed_payload", detail };
}
