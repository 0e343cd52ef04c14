// Device secrets, stored only as hashes in Mosquitto 2.0's password-file format for
// PBKDF2-SHA512 (`$7$<iterations>$<base64 salt>$<base64 hash>`), so one site file serves both
// the embedded broker (which verifies here) and Mosquitto (which reads the generated file).
import { pbkdf2, pbkdf2Sync, randomBytes, timingSafeEqual } from "node:crypto";
import { z } from "zod";

/** mosquitto_passwd's defaults (apps/mosquitto_passwd, 2.0): 101 rounds, 12-byte salt, SHA-512. */
export const SECRET_HASH_ITERATIONS = 101;
const SALT_BYTES = 12;
const DIGEST = "sha512";
const HASH_BYTES = 64;
// Verification runs in the broker on every login; this bound keeps a hostile file from
// turning a login into seconds of CPU.
const MAX_ITERATIONS = 1_000_000;

const BASE64 = "[A-Za-z0-9+/]+={0,2}";
const FORMAT = new RegExp(`^\\$7\\$(\\d{1,7})\\$(${BASE64})\\$(${BASE64})$`);

export interface ParsedSecretHash {
  iterations: number;
  salt: Buffer;
  hash: Buffer;
}

/** Splits a `$7$` hash into its parts; undefined when it is not one. */
export function parseSecretHash(encoded: string): ParsedSecretHash | undefined {
  const m = FORMAT.exec(encoded);
  if (!m) return undefined;
  const iterations = Number(m[1]);
  const salt = Buffer.from(m[2]!, "base64");
  const hash = Buffer.from(m[3]!, "base64");
  if (iterations < 1 || iterations > MAX_ITERATIONS || salt.length === 0 || hash.length !== HASH_BYTES)
    return undefined;
  return { iterations, salt, hash };
}

export const secretHashSchema = z.string().refine((s) => parseSecretHash(s) !== undefined, {
  message:
    "not a Mosquitto PBKDF2-SHA512 hash ($7$<iterations>$<salt>$<hash>); make one with `npm run cli -- mqtt-auth hash` or `mosquitto_passwd` (2.0, default -H sha512-pbkdf2)",
});

/** Hashes a secret as `mosquitto_passwd` does by default (the salt is random unless given). */
export function hashSecret(
  secret: string | Buffer,
  options: { iterations?: number; salt?: Buffer } = {},
): string {
  const iterations = options.iterations ?? SECRET_HASH_ITERATIONS;
  if (!Number.isInteger(iterations) || iterations < 1 || iterations > MAX_ITERATIONS) {
    throw new RangeError(`iterations must be an integer from 1 to ${MAX_ITERATIONS}`);
  }
  const salt = options.salt ?? randomBytes(SALT_BYTES);
  const hash = pbkdf2Sync(secret, salt, iterations, HASH_BYTES, DIGEST);
  return `$7$${iterations}$${salt.toString("base64")}$${hash.toString("base64")}`;
}

/** True when `secret` matches the hash. Runs off the event loop; compares in constant time. */
export async function verifySecret(secret: string | Buffer, encoded: string): Promise<boolean> {
  const parsed = parseSecretHash(encoded);
  if (!parsed) return false;
  const candidate = await new Promise<Buffer>((resolve, reject) =>
    pbkdf2(secret, parsed.salt, parsed.iterations, HASH_BYTES, DIGEST, (err, key) =>
      err ? reject(err) : resolve(key),
    ),
  );
  return timingSafeEqual(candidate, parsed.hash);
}

// A login for an unknown user costs the same as a wrong password, so response times do not
// reveal which device ids exist.
const DECOY = hashSecret(randomBytes(16));

/** Spends the time of one verification and answers false. */
export async function verifyDecoy(secret: string | Buffer): Promise<false> {
  await verifySecret(secret, DECOY);
  return false;
}
