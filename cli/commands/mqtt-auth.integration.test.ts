import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { verifySecret } from "../../model/device-credentials.ts";
import { ConfigError, loadConfig } from "../config.ts";
import { mqttAuth } from "./mqtt-auth.ts";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("cli mqtt-auth", () => {
  it("writes passwd and acl for examples/site.yaml with ingest's account from the configuration", async () => {
    const out = mkdtempSync(join(tmpdir(), "mqtt-auth-cli-"));
    dirs.push(out);
    const config = loadConfig({ MQTT_USERNAME: "ingest-1", MQTT_PASSWORD: "ingest-secret-xyz" });
    await mqttAuth(config, { site: "examples/site.yaml", out });
    const passwd = readFileSync(join(out, "passwd"), "utf8").trim().split("\n");
    expect(passwd.map((l) => l.split(":")[0])).toEqual([
      "gw-tilleuls",
      "meter-tilleuls-001",
      "gw-glycines",
      "ingest-1",
    ]);
    expect(await verifySecret("demo-meter-tilleuls-001", passwd[1]!.split(":")[1]!)).toBe(true);
    expect(await verifySecret("ingest-secret-xyz", passwd[3]!.split(":")[1]!)).toBe(true);
    const acl = readFileSync(join(out, "acl"), "utf8");
    expect(acl).toContain("user meter-tilleuls-001\ntopic write telemetry/tilleuls/001/#\n");
    expect(acl).toContain("user ingest-1\ntopic read telemetry/#\n");
    expect(statSync(join(out, "passwd")).mode & 0o777).toBe(0o644);
  });

  it("says what is missing", async () => {
    const withPassword = loadConfig({ MQTT_PASSWORD: "p" });
    await expect(
      mqttAuth(loadConfig({}), { site: "examples/site.yaml", out: "/nonexistent" }),
    ).rejects.toThrow(/MQTT_PASSWORD/);
    await expect(mqttAuth(withPassword, { out: "/nonexistent" })).rejects.toBeInstanceOf(ConfigError);
    await expect(mqttAuth(withPassword, { site: "examples/site.yaml" })).rejects.toThrow(/--out/);
  });
});
