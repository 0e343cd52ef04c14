// What one credential can leave behind: dead letters bounded in size and number per source and
// hour (on the embedded stack and SQLite), and no InfluxDB series chosen by a sender's topics.
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import mqtt from "mqtt";
import { afterAll, describe, expect, it } from "vitest";
import { hashSecret } from "../../model/device-credentials.ts";
import { startTestEmbedded } from "../support/embedded.ts";
import { influxDeadLetters, influxQuery } from "../support/fault-stores.ts";
import { type FaultFixture, openFixture } from "../support/faults.ts";
import { waitFor } from "../support/wait.ts";

const SECRET = "meter-d1-secret-0123";

describe("one credential", () => {
  let fx: FaultFixture | undefined;
  afterAll(async () => {
    await fx?.close();
  });

  it("cannot grow the dead letters past its hourly budget, nor by long topics", async () => {
    const dir = mkdtempSync(join(tmpdir(), "one-credential-"));
    try {
      const site = {
        id: "s",
        name: "Site",
        buildings: [
          {
            id: "b1",
            name: "B1",
            dwellings: [{ id: "d1", areaM2: 40, sensors: [{ id: "t", quantity: "temperature" }] }],
          },
        ],
        devices: [{ id: "meter-d1", building: "b1", space: "d1", secretHash: hashSecret(SECRET) }],
      };
      const siteFile = join(dir, "site.json");
      writeFileSync(siteFile, JSON.stringify(site));
      const { stack, config } = await startTestEmbedded(join(dir, "data"), { SITE_FILE: siteFile });
      try {
        const client = await mqtt.connectAsync(`mqtt://127.0.0.1:${config.MQTT_PORT}`, {
          username: "meter-d1",
          password: SECRET,
          protocolVersion: 4,
          reconnectPeriod: 0,
        });
        const long = "x".repeat(65_000);
        for (let i = 0; i < 3000; i += 100)
          await Promise.all(
            Array.from({ length: 100 }, (_, k) =>
              client.publishAsync(`telemetry/b1/d1/${long}${i + k}`, "{}", { qos: 1 }),
            ),
          );
        await client.endAsync();
        await waitFor("all stored", 20_000, () =>
          stack.core.metrics.deadLettersStored >= 1000 ? true : undefined,
        );
        expect(stack.core.metrics.deadLettersSummarised).toBe(2000);
        const counts = await stack.stores.deadLetters.countByReason();
        expect(counts).toEqual({ malformed_topic: 1000 });
        const [one] = await stack.stores.deadLetters.list({ limit: 1 });
        expect(one!.topic.length).toBeLessThan(300);
        await stack.stop();
        const db = join(config.DATA_DIR, "dead-letters.db");
        const bytes = statSync(db).size + (statSync(`${db}-wal`, { throwIfNoEntry: false })?.size ?? 0);
        console.log(
          JSON.stringify({ published: 3000, kept: 1000, summarised: 2000, deadLetterBytes: bytes }),
        );
        expect(bytes).toBeLessThan(8 * 1024 * 1024);
      } catch (error) {
        await stack.stop().catch(() => {});
        throw error;
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("cannot make InfluxDB series with the buildings its topics name", async () => {
    fx = await openFixture(2);
    await fx.worker("ingest-series");
    const client = await mqtt.connectAsync(fx.mosquitto.url, { protocolVersion: 5, reconnectPeriod: 0 });
    for (let i = 0; i < 500; i += 50)
      await Promise.all(
        Array.from({ length: 50 }, (_, k) =>
          client.publishAsync(`telemetry/attacker-${i + k}/d/t`, '{"v": 1}', { qos: 1 }),
        ),
      );
    await client.endAsync();
    const influx = fx.influx;
    await waitFor("the dead letters", 20_000, async () => {
      const letters = await influxDeadLetters(influx.url);
      return (letters.unknown_building ?? 0) >= 500 ? true : undefined;
    });
    const series = await influxQuery(influx.url, 'SHOW SERIES FROM "dead_letter"', { database: "telemetry" });
    const keys = (series.series?.[0]?.values ?? []).map((row) => String(row[0]));
    console.log(JSON.stringify({ published: 500, deadLetterSeries: keys.length }));
    expect(keys).toEqual(["dead_letter,reason=unknown_building"]);
  });
});
