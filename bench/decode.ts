// acceptMessage alone, on the hot path's shapes: a single JSON reading, a SenML pack of 50, the
// same in line protocol, and refused messages. Prints µs per message and readings per second of
// one core (best of several rounds); never fails a build.
//
//   npx tsx bench/decode.ts [--messages 50000] [--rounds 5]
import { acceptMessage } from "../ingest/accept.ts";
import { ingestLimitsSchema } from "../ingest/limits.ts";
import { SiteRegistry } from "../model/registry.ts";
import { siteSchema } from "../model/site.ts";
import { argNumber } from "./lib/args.ts";
import { SENML_PACK } from "./lib/publishers.ts";

const MESSAGES = argNumber("messages", 50_000);
const ROUNDS = argNumber("rounds", 5);
const SPACES = 500;
const NOW = Date.now();

const registry = new SiteRegistry(
  siteSchema.parse({
    id: "bench",
    name: "Bench",
    buildings: [
      {
        id: "b1",
        name: "Résidence",
        dwellings: Array.from({ length: SPACES }, (_, i) => ({
          id: `d${i}`,
          areaM2: 50,
          sensors: [
            { id: "t", quantity: "temperature" },
            { id: "elec", quantity: "electricity" },
          ],
        })),
      },
    ],
  }),
);
const limits = ingestLimitsSchema.parse({});

interface Message {
  topic: string;
  payload: Buffer;
}

/** A thousand distinct messages of a shape, cycled through, so no payload is parsed from a warm cache. */
function shape(make: (i: number) => Message): Message[] {
  return Array.from({ length: 1000 }, (_, i) => make(i));
}

const base = NOW - 86_400_000;
const shapes: Record<string, { messages: Message[]; readings: number }> = {
  "JSON single reading": {
    readings: 1,
    messages: shape((i) => ({
      topic: `telemetry/b1/d${i % SPACES}/t`,
      payload: Buffer.from(JSON.stringify({ t: base + i * 1000, v: 18 + (i % 50) / 10 })),
    })),
  },
  "SenML pack of 50": {
    readings: SENML_PACK,
    messages: shape((i) => {
      const records = Array.from({ length: SENML_PACK }, (_, k) =>
        k === 0
          ? { bt: Math.floor(base / 1000) + i, bu: "Cel", t: 0, v: 19.5 }
          : { t: k * 900, v: 19 + (k % 20) / 10 },
      );
      return { topic: `telemetry/b1/d${i % SPACES}/t`, payload: Buffer.from(JSON.stringify(records)) };
    }),
  },
  "line protocol, 1 line": {
    readings: 1,
    messages: shape((i) => ({
      topic: `telemetry/b1/d${i % SPACES}/t`,
      payload: Buffer.from(
        `temperature,building=b1,sensor=t,host=gw value=${18 + (i % 50) / 10} ${base + i * 1000}000000\n`,
      ),
    })),
  },
  "line protocol, 50 lines": {
    readings: SENML_PACK,
    messages: shape((i) => {
      const lines = Array.from(
        { length: SENML_PACK },
        (_, k) =>
          `temperature,sensor=t,host=gw value=${19 + (k % 20) / 10} ${base + (i * SENML_PACK + k) * 1000}000000`,
      );
      return { topic: `telemetry/b1/d${i % SPACES}`, payload: Buffer.from(`${lines.join("\n")}\n`) };
    }),
  },
  "refused: unknown sensor": {
    readings: 0,
    messages: shape((i) => ({
      topic: `telemetry/b1/d${i % SPACES}/nope`,
      payload: Buffer.from('{"v": 20}'),
    })),
  },
  "refused: malformed JSON": {
    readings: 0,
    messages: shape((i) => ({ topic: `telemetry/b1/d${i % SPACES}/t`, payload: Buffer.from('{"v": 20,}') })),
  },
};

function round(messages: Message[], expected: number): number {
  const start = process.hrtime.bigint();
  let accepted = 0;
  for (let m = 0; m < MESSAGES; m++) {
    const msg = messages[m % messages.length]!;
    accepted += acceptMessage(msg.topic, msg.payload, NOW, registry, limits).accepted.length;
  }
  const ns = Number(process.hrtime.bigint() - start);
  if (accepted !== expected * MESSAGES)
    throw new Error(`accepted ${accepted}, expected ${expected * MESSAGES}`);
  return ns;
}

console.log(
  `acceptMessage: ${MESSAGES} messages per round, best of ${ROUNDS} rounds, Node ${process.version}`,
);
console.log("shape                       µs/message   µs/reading   messages/s   readings/s");
for (const [name, { messages, readings }] of Object.entries(shapes)) {
  round(messages, readings); // warm-up: JIT
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < ROUNDS; r++) best = Math.min(best, round(messages, readings));
  const usPerMessage = best / 1000 / MESSAGES;
  const perReading = readings > 0 ? (usPerMessage / readings).toFixed(3) : "-";
  const perSecond = Math.round(1e6 / usPerMessage);
  console.log(
    `${name.padEnd(27)} ${usPerMessage.toFixed(2).padStart(10)} ${perReading.padStart(12)} ${String(perSecond).padStart(12)} ${String(perSecond * readings).padStart(12)}`,
  );
}
