// The broker-config check on real files and folders: the shipped config, a Debian-like one with
// an include_dir, and persistence folders the broker's user can or cannot write.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  type CheckEnvironment,
  checkMosquittoConfig,
  hostEnvironment,
  readMosquittoDirectives,
} from "./mosquitto-config-check.ts";

const dir = mkdtempSync(join(tmpdir(), "mosquitto-check-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const LIMIT = 256 * 1024;

/** The host's file system, with the broker's user given. */
const as = (uid: number, gid: number): CheckEnvironment => ({
  ...hostEnvironment,
  user: () => ({ uid, gid }),
});

function config(lines: string[]): string {
  const file = join(dir, `m-${Math.random().toString(36).slice(2)}.conf`);
  writeFileSync(file, `${lines.join("\n")}\n`);
  return file;
}

describe("checkMosquittoConfig", () => {
  it("finds the shipped config sound but for its container paths", () => {
    const directives = readMosquittoDirectives(
      new URL("../deploy/mosquitto/mosquitto.conf", import.meta.url).pathname,
    );
    const findings = checkMosquittoConfig(directives, as(1883, 1883), LIMIT);
    // /mosquitto/data/ exists only inside the image; nothing else is wrong.
    expect(findings).toEqual([
      { level: "error", message: "persistence_location /mosquitto/data/ is not a folder on this host" },
    ]);
  });

  it("says when the broker's user cannot write the persistence folder, and when it can", () => {
    const data = join(dir, "data-root-only");
    mkdirSync(data, { mode: 0o755 });
    const file = config([
      "persistence true",
      `persistence_location ${data}/`,
      "autosave_on_changes true",
      "autosave_interval 1000",
    ]);
    const directives = readMosquittoDirectives(file);
    const refused = checkMosquittoConfig(directives, as(4242, 4242), LIMIT);
    expect(refused[0]).toMatchObject({ level: "error" });
    expect(refused[0]!.message).toMatch(/"mosquitto" \(uid 4242\), which cannot write/);
    expect(checkMosquittoConfig(directives, as(0, 0), LIMIT)).toEqual([
      { level: "ok", message: `"mosquitto" can write ${data}/` },
    ]);
  });

  it("reads include_dir, warns of time-based snapshots and of a packet limit too close to ingest's", () => {
    const conf = join(dir, "conf.d");
    mkdirSync(conf);
    writeFileSync(join(conf, "ingest.conf"), "autosave_interval 30\nmax_packet_size 266240\n");
    const file = config([
      "persistence true",
      `persistence_location ${dir}/`,
      "user root",
      `include_dir ${conf}`,
    ]);
    const findings = checkMosquittoConfig(readMosquittoDirectives(file), hostEnvironment, LIMIT);
    expect(findings.map((f) => f.level)).toEqual(["ok", "warning", "warning"]);
    expect(findings[1]!.message).toContain("every 30 s");
    expect(findings[2]!.message).toContain("max_packet_size 266240");
  });

  it("refuses persistence off", () => {
    const findings = checkMosquittoConfig([["listener", "1883"]], hostEnvironment, LIMIT);
    expect(findings[0]).toMatchObject({ level: "error" });
  });
});
