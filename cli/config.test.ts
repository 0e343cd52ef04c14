import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { CONFIG_KEYS, ConfigError, configTable, loadConfig } from "./config.ts";

describe("configuration", () => {
  it("has defaults that make `npm start` work with no environment at all", () => {
    const config = loadConfig({});
    expect(config.STORE).toBe("sqlite");
    expect(config.MQTT_PORT).toBe(1883);
    expect(config.API_PORT).toBe(3000);
    expect(config.SQLITE_PATH.endsWith("data/telemetry.db")).toBe(true);
  });

  it("lets flags override the environment", () => {
    expect(loadConfig({ API_PORT: "4000" }, { API_PORT: "5000" }).API_PORT).toBe(5000);
  });

  it("names every bad variable in one clear error", () => {
    let message = "";
    try {
      loadConfig({ API_PORT: "http", STORE: "postgres", SIMULATE: "maybe" });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toContain("API_PORT");
    expect(message).toContain("STORE");
    expect(message).toContain("SIMULATE");
  });

  it("is documented, every variable, in the README's table", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    for (const row of configTable()) {
      expect(readme.split(`| \`${row.name}\` |`).length - 1, `README rows for ${row.name}`).toBe(1);
    }
    expect(configTable().map((r) => r.name)).toEqual(CONFIG_KEYS);
  });
});
