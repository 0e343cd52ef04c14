// MQTT publishers for the ingest benches, in a child process (the bench's own file run again
// with --publisher) so they do not share the event loop of the process being measured.
import { fork } from "node:child_process";
import mqtt from "mqtt";

/** What the ingest benches publish: one JSON reading per message, or SenML packs. */
export type PublishMode = "single" | "senml";
/** Readings per SenML pack in every bench. */
export const SENML_PACK = 50;

export interface Message {
  topic: string;
  payload: string;
}

/** What every publisher run needs; a bench adds what its messages are made of. */
export interface PublisherPlan {
  url: string;
  connections: number;
  /** Messages in flight (sent, not yet acknowledged) per connection. */
  window: number;
}

export interface Publishers {
  ready: Promise<void>;
  /** Every PUBACK from the broker received (the broker's side, not ingest's); resolves with the
   * CPU seconds the publishers spent from go() until then. */
  done: Promise<number>;
  go(): void;
}

/** Parent side: forks `script --publisher <plan as JSON>`; the clock starts at go(). */
export function forkPublishers<P extends PublisherPlan>(script: string, plan: P): Publishers {
  const child = fork(script, ["--publisher", JSON.stringify(plan)]);
  const ready = new Promise<void>((r) => child.once("message", () => r()));
  const done = new Promise<number>((resolve, reject) => {
    child.on("message", (m: { done?: boolean; cpuSeconds?: number }) => m.done && resolve(m.cpuSeconds ?? 0));
    child.once("exit", (code) => (code ? reject(new Error(`publisher exited with ${code}`)) : resolve(0)));
  });
  return { ready, done, go: () => child.send("go") };
}

/** Child side: the plan forkPublishers passed, or undefined when this process is not a publisher. */
export function publisherPlan<P extends PublisherPlan>(): P | undefined {
  return process.argv[2] === "--publisher" ? (JSON.parse(process.argv[3]!) as P) : undefined;
}

/** Child side: connects the clients, builds connection c's messages with `queueOf(c)` before
 * the clock starts, says ready, and on go publishes them at QoS 1 within the window. */
export async function runPublishers(plan: PublisherPlan, queueOf: (c: number) => Message[]): Promise<void> {
  const clients = await Promise.all(
    Array.from({ length: plan.connections }, (_, c) =>
      mqtt.connectAsync(plan.url, {
        clientId: `bench-pub-${process.pid}-${c}`,
        protocolVersion: 4,
        reconnectPeriod: 200,
      }),
    ),
  );
  const queues = clients.map((_, c) => queueOf(c));
  process.send?.({ ready: true });
  await new Promise<void>((r) => process.once("message", () => r()));
  const cpu = process.cpuUsage();
  await Promise.all(
    clients.map(
      (client, c) =>
        new Promise<void>((resolve, reject) => {
          const queue = queues[c]!;
          let next = 0;
          let inFlight = 0;
          const pump = () => {
            while (inFlight < plan.window && next < queue.length) {
              const m = queue[next++]!;
              inFlight++;
              client.publish(m.topic, m.payload, { qos: 1 }, (err) => {
                if (err) return reject(err);
                inFlight--;
                if (next === queue.length && inFlight === 0) resolve();
                else pump();
              });
            }
          };
          pump();
        }),
    ),
  );
  const used = process.cpuUsage(cpu);
  await Promise.all(clients.map((c) => c.endAsync()));
  process.send?.({ done: true, cpuSeconds: (used.user + used.system) / 1e6 });
}

/** Runs a bench's entry point: exit 0 when it resolves, 1 with the error when it rejects. */
export function runScript(main: () => Promise<void>): void {
  main().then(
    () => process.exit(0),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}
