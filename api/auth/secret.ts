// The embedded mode's HS256 secret: 32 random bytes in DATA_DIR/jwt-secret (mode 0600),
// created at first start and read afterwards, so tokens survive restarts.
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { oneKindError } from "../../model/errors.ts";

export const SECRET_FILE = "jwt-secret";
const SECRET_BYTES = 32;

export class SecretFileError extends oneKindError("SecretFileError") {}

/** Reads the secret from `dir`, creating it (and `dir`) when absent. */
export function loadOrCreateSecret(dir: string): Uint8Array {
  const path = join(dir, SECRET_FILE);
  mkdirSync(dirname(path), { recursive: true });
  try {
    // "wx" fails if the file exists, so two processes starting together keep the first secret.
    writeFileSync(path, randomBytes(SECRET_BYTES).toString("base64url"), { mode: 0o600, flag: "wx" });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return readSecret(path);
}

/** Reads an existing secret file; refuses one anybody else may read or one too short. */
export function readSecret(path: string): Uint8Array {
  const mode = statSync(path).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    try {
      chmodSync(path, 0o600);
    } catch {
      throw new SecretFileError(
        `${path} is readable by others (mode ${mode.toString(8)}); run chmod 600 on it.`,
      );
    }
  }
  const secret = Buffer.from(readFileSync(path, "utf8").trim(), "base64url");
  if (secret.length < SECRET_BYTES) {
    throw new SecretFileError(
      `${path} holds fewer than ${SECRET_BYTES} bytes; delete it to have a new one generated (existing tokens stop working).`,
    );
  }
  return new Uint8Array(secret);
}
