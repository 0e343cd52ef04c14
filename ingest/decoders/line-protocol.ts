// Decodes InfluxDB line protocol (what Telegraf emits) into readings, one per line: the
// measurement names the quantity, field "value" (or "v") holds the number, tags building,
// space, sensor and unit are optional, and the timestamp is in nanoseconds (the default
// precision) or absent (time of receipt).

import type { ParsedLine } from "./line-protocol-syntax.ts";
import { parseLineProtocol } from "./line-protocol-syntax.ts";
import { nanosecondsToMs, SECONDS_SUSPECT_MS } from "./time.ts";
import type { DecodeContext, DecodedItem, DecodedReading, DecodeResult } from "./types.ts";
import { quote, tooMany } from "./types.ts";

export function decodeLineProtocol(text: string, ctx: DecodeContext): DecodeResult {
  const body = parseLineProtocol(text, ctx.maxReadings);
  if (body.tooMany) return tooMany(ctx.maxReadings + 1, "or more lines", ctx.maxReadings);
  if (body.lines.length === 0) {
    return {
      ok: false,
      reason: "malformed_payload",
      detail:
        "the payload holds no line-protocol data line (only blanks or comments); send e.g. temperature value=19.5",
    };
  }
  const items: DecodedItem[] = [];
  for (const line of body.lines) {
    const where = `line ${line.line}`;
    items.push(line.ok ? lineItem(line, where, ctx.receivedAt) : refuse(where, line.detail));
  }
  return { ok: true, items };
}

function lineItem(line: ParsedLine, where: string, receivedAt: number): DecodedItem {
  const value = line.fields.get("value");
  const v = line.fields.get("v");
  if (value && v)
    return refuse(where, `the line has both fields "value" and "v"; send the reading in one of them`);
  const field = value ?? v;
  if (!field) {
    return refuse(
      where,
      `the line has no field "value" (or "v"); found ${[...line.fields.keys()].map((k) => quote(k, 30)).join(", ")}. With Telegraf, rename the field to "value"`,
    );
  }
  if (field.type === "string" || field.type === "boolean") {
    return refuse(
      where,
      `field "${value ? "value" : "v"}" is a ${field.type}; send a number (12.5, 12i or 12u)`,
    );
  }
  let t = receivedAt;
  if (line.timestamp !== undefined) {
    const ms = nanosecondsToMs(line.timestamp);
    if (ms === undefined) {
      return refuse(
        where,
        `the timestamp ${quote(line.timestamp, 30)} is not an integer number of nanoseconds`,
      );
    }
    if (ms < SECONDS_SUSPECT_MS) {
      return refuse(
        where,
        `the timestamp ${line.timestamp} is before 1973 as nanoseconds: it looks like seconds, milliseconds or microseconds; send nanoseconds, as Telegraf's influx data format does, or no timestamp`,
      );
    }
    t = ms;
  }
  const item: DecodedReading = {
    ok: true,
    where,
    building: line.tags.get("building"),
    space: line.tags.get("space"),
    sensor: line.tags.get("sensor"),
    quantity: line.measurement,
    unit: line.tags.get("unit"),
    t,
    v: field.value,
  };
  if (line.timestamp === undefined) item.atReceipt = true;
  return item;
}

function refuse(where: string, detail: string): DecodedItem {
  return { ok: false, where, reason: "malformed_payload", detail };
}
