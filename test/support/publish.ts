// Publishing a test's messages to a broker at QoS 1 without flooding the client's queue.
import type { MqttClient } from "mqtt";

/** Publishes every message at QoS 1 in order, 500 at a time: each round awaits its PUBACKs. */
export async function publishAll(
  client: MqttClient,
  messages: readonly { topic: string; payload: string | Buffer }[],
): Promise<void> {
  for (let i = 0; i < messages.length; i += 500) {
    await Promise.all(
      messages.slice(i, i + 500).map((m) => client.publishAsync(m.topic, m.payload, { qos: 1 })),
    );
  }
}
