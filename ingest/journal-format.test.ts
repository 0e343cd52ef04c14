// The journal's records give back exactly the entry they were made of, whatever the ids hold.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Reading } from "../model/reading.ts";
import { decodeEntry, encodeRecord, type JournalEntry, RECORD_HEADER, records } from "./journal-format.ts";

// ASCII, Latin-1 and beyond ("é", "ß", "Ω"), and any grapheme, up to past the 32 characters
// copied one by one.
const latin = fc.integer({ min: 0x20, max: 0x3ff }).map((c) => String.fromCharCode(c));
const id = fc.oneof(
  fc.string({ maxLength: 8 }),
  fc.string({ unit: latin, maxLength: 12 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
);
const reading: fc.Arbitrary<Reading> = fc.record({
  building: id,
  space: id,
  sensor: id,
  quantity: fc.constantFrom("temperature", "co2", "heating_energy"),
  t: fc.integer({ min: 0, max: 8.64e15 }),
  v: fc.double({ noNaN: true }),
});

describe("journal records", () => {
  it("decode to the entry encoded, ASCII or not, short ids or long", () => {
    fc.assert(
      fc.property(
        fc.record({
          receivedAt: fc.integer({ min: 0, max: 8.64e15 }),
          // Runs of one series too, which the format writes once.
          readings: fc
            .array(reading, { maxLength: 6 })
            .chain((rs) =>
              fc.constant(rs.flatMap((r, i) => (i % 2 === 0 ? [r, { ...r, t: r.t + 1 }] : [r]))),
            ),
          deadLetters: fc.array(
            fc.record({
              receivedAt: fc.integer({ min: 0, max: 8.64e15 }),
              topic: id,
              reason: fc.constantFrom("malformed_payload" as const, "unknown_sensor" as const),
              detail: id,
              payload: id,
            }),
            { maxLength: 2 },
          ),
        }),
        (entry: JournalEntry) => {
          const record = encodeRecord(entry);
          const [first] = [...records(record, 0)];
          expect(first?.end).toBe(record.length);
          expect(record.readUInt32LE(0)).toBe(record.length - RECORD_HEADER);
          expect(decodeEntry(first!.payload)).toEqual(entry);
        },
      ),
    );
  });
});
