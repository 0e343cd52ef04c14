// What the memory stores promise beyond the contracts: use while closed is refused as by a
// real store, what they hold outlives close and connect, and options are checked at creation.
import { describe, expect, it } from "vitest";
import { createMemoryConsentStore } from "./consent-store.ts";
import { createMemoryDeadLetterStore } from "./dead-letter-store.ts";
import { createMemoryDecisionStore } from "./decision-store.ts";
import { createMemoryImportLedger } from "./import-ledger.ts";
import { createMemorySignInCodeStore } from "./sign-in-code-store.ts";
import { createMemoryTelemetryStore } from "./telemetry-store.ts";

describe("memory stores", () => {
  it("refuse use before connect and after close, with a typed error", async () => {
    const telemetry = createMemoryTelemetryStore();
    await expect(telemetry.ping()).rejects.toMatchObject({ code: "memory_not_connected" });
    await telemetry.connect();
    await telemetry.close();
    await expect(telemetry.count({ building: "b", quantity: "co2", from: 0, to: 1 })).rejects.toMatchObject({
      code: "memory_not_connected",
    });
    await expect(createMemoryDeadLetterStore().list({ limit: 1 })).rejects.toMatchObject({
      code: "memory_not_connected",
    });
    await expect(createMemoryConsentStore().current("b", "d")).rejects.toMatchObject({
      code: "memory_not_connected",
    });
    await expect(createMemorySignInCodeStore().take("x", 0)).rejects.toMatchObject({
      code: "memory_not_connected",
    });
    await expect(createMemoryImportLedger().list(1)).rejects.toMatchObject({ code: "memory_not_connected" });
    await expect(createMemoryDecisionStore().listProposals()).rejects.toMatchObject({
      code: "decision_store_not_connected",
    });
  });

  it("keep what they hold across close and connect, as a file would", async () => {
    const store = createMemoryTelemetryStore();
    await store.connect();
    const reading = { building: "b", space: "d", sensor: "s", quantity: "co2" as const, t: 1000, v: 400 };
    await store.write([reading]);
    await store.close();
    await store.connect();
    expect(await store.readRaw({ building: "b", quantity: "co2", from: 0, to: 2000 })).toEqual([reading]);
  });

  it("check the time zone at creation", () => {
    expect(() => createMemoryTelemetryStore({ timeZone: "Europe/Atlantis" })).toThrow(
      expect.objectContaining({ code: "memory_bad_config", message: expect.stringMatching(/Atlantis/) }),
    );
    expect(() => createMemoryTelemetryStore({ timeZone: "indian/reunion" })).not.toThrow();
  });
});
