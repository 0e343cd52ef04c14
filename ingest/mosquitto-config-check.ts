// Checks a Mosquitto configuration against what ingest relies on, on the broker's own host:
// a persistence folder the broker's user can write (Mosquitto drops root to `user`, `mosquitto`
// by default, and a folder it cannot write makes every save fail, logged only when it saves),
// snapshots after a bounded number of changes rather than seconds, and a packet limit well above
// ingest's payload limit. Pure apart from the file system it is given.
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

export interface ConfigFinding {
  level: "error" | "warning" | "ok";
  message: string;
}

/** The directives of a config file and of the `*.conf` files its include_dir lines name, in
 * Mosquitto's order (a later directive overrides an earlier one for single-valued settings). */
export function readMosquittoDirectives(file: string): [string, string][] {
  const directives: [string, string][] = [];
  for (const raw of readFileSync(file, "utf8").split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const space = line.search(/\s/);
    const key = space < 0 ? line : line.slice(0, space);
    const value = space < 0 ? "" : line.slice(space + 1).trim();
    if (key === "include_dir") {
      const dir = resolve(file, "..", value);
      for (const name of readdirSync(dir)
        .filter((n) => n.endsWith(".conf"))
        .sort())
        directives.push(...readMosquittoDirectives(join(dir, name)));
    } else directives.push([key, value]);
  }
  return directives;
}

export interface CheckEnvironment {
  /** uid and gid of a user name (from /etc/passwd), undefined when there is none. */
  user(name: string): { uid: number; gid: number } | undefined;
  /** Owner, group and mode of a path, undefined when it does not exist. */
  stat(path: string): { uid: number; gid: number; mode: number; directory: boolean } | undefined;
}

export function checkMosquittoConfig(
  directives: readonly [string, string][],
  env: CheckEnvironment,
  ingestMaxPayloadBytes: number,
): ConfigFinding[] {
  const last = (key: string) => directives.filter(([k]) => k === key).at(-1)?.[1];
  const findings: ConfigFinding[] = [];
  if (last("persistence") !== "true") {
    findings.push({
      level: "error",
      message:
        "persistence is off: a broker restart loses ingest's session and every message queued for it; set `persistence true`",
    });
  } else {
    const location = last("persistence_location") ?? "/var/lib/mosquitto/";
    // Started as root, Mosquitto runs as `user` (default mosquitto); `user root` keeps root.
    const userName = last("user") ?? "mosquitto";
    const user = env.user(userName);
    const folder = env.stat(location);
    if (folder === undefined || !folder.directory) {
      findings.push({
        level: "error",
        message: `persistence_location ${location} is not a folder on this host`,
      });
    } else if (user === undefined) {
      findings.push({
        level: "warning",
        message: `the broker's user "${userName}" does not exist here; check that it can write ${location}`,
      });
    } else if (!canWrite(user, folder)) {
      findings.push({
        level: "error",
        message: `Mosquitto runs as "${userName}" (uid ${user.uid}), which cannot write ${location} (owner ${folder.uid}, mode ${(folder.mode & 0o777).toString(8)}): every save will fail. chown ${userName} ${location}`,
      });
    } else findings.push({ level: "ok", message: `"${userName}" can write ${location}` });
    if (last("autosave_on_changes") !== "true") {
      const seconds = last("autosave_interval") ?? "1800";
      findings.push({
        level: "warning",
        message: `snapshots are taken every ${seconds} s: a crash loses every message queued since; prefer autosave_on_changes true with autosave_interval 1000 (deploy/README.md)`,
      });
    }
  }
  const packet = Number(last("max_packet_size") ?? 0);
  if (packet > 0 && packet < 4 * ingestMaxPayloadBytes) {
    findings.push({
      level: packet <= ingestMaxPayloadBytes ? "error" : "warning",
      message: `max_packet_size ${packet} is not well above INGEST_MAX_PAYLOAD_BYTES ${ingestMaxPayloadBytes}: a device whose message is too large is disconnected by the broker, unacknowledged, instead of getting a payload_too_large dead letter; set it to ${4 * ingestMaxPayloadBytes} or more`,
    });
  }
  return findings;
}

function canWrite(
  user: { uid: number; gid: number },
  folder: { uid: number; gid: number; mode: number },
): boolean {
  if (user.uid === 0) return true;
  // Writing a file in a folder takes write and search permission on it.
  const bits = folder.uid === user.uid ? 0o300 : folder.gid === user.gid ? 0o030 : 0o003;
  return (folder.mode & bits) === bits;
}

/** The real host: /etc/passwd and stat(2). */
export const hostEnvironment: CheckEnvironment = {
  user(name) {
    try {
      for (const line of readFileSync("/etc/passwd", "utf8").split("\n")) {
        const [user, , uid, gid] = line.split(":");
        if (user === name) return { uid: Number(uid), gid: Number(gid) };
      }
    } catch {
      // no /etc/passwd: unknown
    }
    return undefined;
  },
  stat(path) {
    try {
      const s = statSync(path);
      return { uid: s.uid, gid: s.gid, mode: s.mode, directory: s.isDirectory() };
    } catch {
      return undefined;
    }
  },
};
