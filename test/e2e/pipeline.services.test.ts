// The whole embedded pipeline as a user runs it: aedes → ingest (journal, writer) → SQLite →
// API. 10 000 readings in the three payload formats land exactly once with the right
// aggregates; 500 bad readings each become a dead letter with the right reason.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt, { type MqttClient } from "mqtt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stringify } from "yaml";
import { loadOrCreateSecret } from "../../api/auth/secret.ts";
import { issueToken } from "../../api/auth/tokens.ts";
import type { EmbeddedStack } from "../../cli/commands/start.ts";
import type { RejectionReason } from "../../model/dead-letter.ts";
import { localMidnight } from "../../model/time-zone.ts";
import { generateSite } from "../../simulators/site-generator.ts";
import { startTestEmbedded } from "../support/embedded.ts";
import { publishAll } from "../support/publish.ts";
import { until } from "../support/wait.ts";

const site = generateSite({ seed: 1, buildings: 2, dwellingsPerBuilding: 10 });
const building = site.buildings[0]!;
const dwellings = building.dwellings.map((d) => d.id);
const T0 = localMidnight(2025, 1, 6, "Europe/Paris"); // January: no DST, every Paris day is 24 h
const STEP = 900_000;
const STEPS = 500;
const DAY = 86_400_000;

const temperature = (d: number, step: number) => 19 + ((step * 7 + d) % 10) * 0.25;
const heatIndex = (d: number, step: number) => 1000 * (d + 1) + step * 0.25;

interface Message {
  topic: string;
  payload: string | Buffer;
}

/** Every reading once: per series, chunks of 10 steps rotating JSON, SenML and line protocol. */
function goodMessages(): Message[] {
  const out: Message[] = [];
  dwellings.forEach((dwelling, d) => {
    for (const [sensor, quantity, unit, value] of [
      ["temp", "temperature", "Cel", temperature],
      ["heat", "heating_energy", "kWh", heatIndex],
    ] as const) {
      const topic = `telemetry/${building.id}/${dwelling}/${sensor}`;
      for (let chunk = 0; chunk < STEPS / 10; chunk++) {
        const steps = Array.from({ length: 10 }, (_, i) => chunk * 10 + i);
        const format = chunk % 3;
        if (format === 0) {
          for (const s of steps)
            out.push({ topic, payload: JSON.stringify({ t: T0 + s * STEP, v: value(d, s) }) });
        } else if (format === 1) {
          const bt = (T0 + steps[0]! * STEP) / 1000;
          const pack = steps.map((s, i) => ({
            ...(i === 0 ? { bt, bu: unit } : {}),
            t: ((s - steps[0]!) * STEP) / 1000,
            v: value(d, s),
          }));
          out.push({ topic, payload: JSON.stringify(pack) });
        } else {
          const lines = steps.map(
            (s) => `${quantity} value=${value(d, s)} ${BigInt(T0 + s * STEP) * 1_000_000n}`,
          );
          out.push({ topic, payload: lines.join("\n") });
        }
      }
    }
  });
  return out;
}

/** One bad reading per message, for every reason ingest can give at its edge. */
function badMessages(now: number): { reason: RejectionReason; message: Message }[] {
  const dwelling = dwellings[0]!;
  const temp = `telemetry/${building.id}/${dwelling}/temp`;
  const kinds: [RejectionReason, (i: number) => Message][] = [
    [
      "malformed_topic",
      (i) => ({ topic: `telemetry/${building.id}/${dwelling}/temp/extra${i}`, payload: '{"v": 20}' }),
    ],
    ["malformed_payload", (i) => ({ topic: temp, payload: `{"v": 20, broken ${i}` })],
    ["payload_too_large", () => ({ topic: temp, payload: Buffer.alloc(300 * 1024, 0x20) })],
    [
      "too_many_readings",
      (i) => ({
        topic: temp,
        payload: JSON.stringify(
          Array.from({ length: 1001 }, (_, k) => ({ t: (T0 + i * DAY) / 1000 + k, v: 20 })),
        ),
      }),
    ],
    ["unknown_building", (i) => ({ topic: `telemetry/nowhere${i}/${dwelling}/temp`, payload: '{"v": 20}' })],
    ["unknown_space", (i) => ({ topic: `telemetry/${building.id}/nobody${i}/temp`, payload: '{"v": 20}' })],
    [
      "unknown_sensor",
      (i) => ({ topic: `telemetry/${building.id}/${dwelling}/nothing${i}`, payload: '{"v": 20}' }),
    ],
    ["wrong_unit", (i) => ({ topic: temp, payload: JSON.stringify({ t: now - i * 1000, v: 20, u: "W" }) })],
    [
      "wrong_quantity",
      (i) => ({ topic: temp, payload: `co2 value=400 ${BigInt(now - i * 1000) * 1_000_000n}` }),
    ],
    ["non_finite_value", (i) => ({ topic: temp, payload: `{"t": ${now - i * 1000}, "v": 1e999}` })],
    ["out_of_range", (i) => ({ topic: temp, payload: JSON.stringify({ t: now - i * 1000, v: 500 }) })],
    [
      "timestamp_in_future",
      (i) => ({ topic: temp, payload: JSON.stringify({ t: now + DAY + i * 1000, v: 20 }) }),
    ],
    [
      "timestamp_too_old",
      (i) => ({ topic: temp, payload: JSON.stringify({ t: Date.UTC(2001, 0, 1) + i * 1000, v: 20 }) }),
    ],
  ];
  const out: { reason: RejectionReason; message: Message }[] = [];
  for (let i = 0; out.length < 500; i++) {
    const [reason, make] = kinds[i % kinds.length]!;
    out.push({ reason, message: make(Math.floor(i / kinds.length)) });
  }
  return out;
}

describe("embedded pipeline, end to end", () => {
  let dir: string;
  let stack: EmbeddedStack;
  let client: MqttClient;
  let authorization: string;
  const get = (url: string) => stack.app.inject({ url, headers: { authorization } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "e2e-"));
    const siteFile = join(dir, "site.yaml");
    writeFileSync(siteFile, stringify(site));
    ({ stack } = await startTestEmbedded(dir, { SITE_FILE: siteFile }));
    authorization = `Bearer ${await issueToken(loadOrCreateSecret(dir), { role: "admin", sub: "e2e" }, 3600)}`;
    client = await mqtt.connectAsync(stack.mqttUrl, { clientId: "e2e-publisher", reconnectPeriod: 0 });
  });

  afterAll(async () => {
    await client?.endAsync();
    await stack?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const countOf = (quantity: "temperature" | "heating_energy") =>
    stack.stores.telemetry.count({ building: building.id, quantity, from: T0, to: T0 + 6 * DAY });

  it("stores every one of 10 000 readings in three formats exactly once", async () => {
    const messages = goodMessages();
    await publishAll(client, messages);
    // Redelivery (a device that did not see its PUBACK) must not duplicate anything.
    await publishAll(client, messages.slice(0, 300));
    await until(
      "all readings stored",
      60_000,
      async () => (await countOf("temperature")) + (await countOf("heating_energy")) >= 10_000,
    );
    expect(await countOf("temperature")).toBe(5_000);
    expect(await countOf("heating_energy")).toBe(5_000);
    const raw = await stack.stores.telemetry.readRaw({
      building: building.id,
      quantity: "heating_energy",
      space: dwellings[3],
      from: T0,
      to: T0 + 6 * DAY,
    });
    expect(raw).toHaveLength(STEPS);
    expect(raw.map((r) => r.v)).toEqual(Array.from({ length: STEPS }, (_, s) => heatIndex(3, s)));
  });

  it("answers the right daily consumption and means through the API", async () => {
    const heat = await get(
      `/buildings/${building.id}/series?quantity=heating_energy&every=1d&from=${T0}&to=${T0 + 6 * DAY}`,
    );
    expect(heat.statusCode).toBe(200);
    // 10 dwellings × 0.25 kWh per 15 min; the first point of each meter has no increase before it.
    expect(heat.json().points.map((p: { value: number }) => p.value)).toEqual([
      237.5, 240, 240, 240, 240, 50,
    ]);
    expect(heat.json().fn).toBe("consumption");

    const d = 2;
    const temp = await get(
      `/buildings/${building.id}/series?quantity=temperature&space=${dwellings[d]}&every=1d&from=${T0}&to=${T0 + 6 * DAY}`,
    );
    const expected = Array.from({ length: 6 }, (_, day) => {
      const steps = Array.from({ length: 96 }, (_, i) => day * 96 + i).filter((s) => s < STEPS);
      return steps.reduce((sum, s) => sum + temperature(d, s), 0) / steps.length;
    });
    const got: number[] = temp.json().points.map((p: { value: number }) => p.value);
    expect(got).toHaveLength(6);
    for (const [i, v] of got.entries()) expect(v).toBeCloseTo(expected[i]!, 9);
  });

  it("turns each of 500 bad readings into a dead letter with the right reason", async () => {
    const bad = badMessages(Date.now());
    const expected: Partial<Record<RejectionReason, number>> = {};
    for (const b of bad) expected[b.reason] = (expected[b.reason] ?? 0) + 1;
    await publishAll(
      client,
      bad.map((b) => b.message),
    );
    await until("all dead letters recorded", 60_000, async () => {
      const counts = (await get("/dead-letters?limit=1")).json().counts as Record<string, number>;
      return Object.values(counts).reduce((a, b) => a + b, 0) >= 500;
    });
    const body = (await get("/dead-letters?limit=500")).json();
    expect(body.counts).toEqual(expected);
    expect(body.items).toHaveLength(500);
    for (const item of body.items) expect(item.detail.length).toBeGreaterThan(10);
    // Nothing bad reached the store.
    expect(await countOf("temperature")).toBe(5_000);
  });
});
