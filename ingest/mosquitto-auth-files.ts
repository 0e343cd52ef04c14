// Writes the passwd and acl that ingest/mosquitto-auth.ts renders into the folder Mosquitto
// reads them from: what `cli mqtt-auth` does, and the tests that start a Mosquitto with them.
import { chmodSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** Writes `passwd` and `acl` into a folder (atomically, each file whole or not at all). */
export function writeMosquittoAuthFiles(
  dir: string,
  files: { passwd: string; acl: string },
): { passwd: string; acl: string } {
  mkdirSync(dir, { recursive: true });
  const paths = { passwd: join(dir, "passwd"), acl: join(dir, "acl") };
  for (const name of ["passwd", "acl"] as const) {
    const tmp = `${paths[name]}.tmp-${process.pid}`;
    writeFileSync(tmp, files[name]);
    // Hashes only, but the broker's container runs as another user that must read them.
    chmodSync(tmp, 0o644);
    renameSync(tmp, paths[name]);
  }
  return paths;
}
