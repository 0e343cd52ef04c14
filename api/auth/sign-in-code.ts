// One-time sign-in codes: what a sign-in link or a letter carries instead of the token.
// A code is 80 random bits written as 16 Crockford base32 characters in groups of four, short
// enough to type from paper. The store keeps only a hash of the code and the token sealed
// with a key derived from the code, so its rows open nothing without the codes themselves
// (the store's port: storage/sign-in-code-store.ts).

import { createCipheriv, createDecipheriv, createHash, hkdfSync, randomBytes } from "node:crypto";
import { base32crockford } from "@scure/base";
import type { SignInCodeStore } from "../../storage/sign-in-code-store.ts";

const CODE_BYTES = 10; // 80 bits: 16 base32 characters
const IV_BYTES = 12;
const TAG_BYTES = 16;

const grouped = (compact: string) => compact.match(/.{4}/g)!.join("-");

/** A new code in its written form, e.g. "7K3M-Q9XD-2HVA-PB4T". */
export function newSignInCode(): string {
  return grouped(base32crockford.encode(randomBytes(CODE_BYTES)));
}

/**
 * The canonical form of what someone typed or a link carried: case, spaces and dashes do not
 * matter, and the letters people confuse with digits (O, I, L) read as those digits. Anything
 * else is not a code (undefined).
 */
export function normaliseSignInCode(text: string): string | undefined {
  const compact = text.toUpperCase().replace(/[\s-]/g, "").replace(/O/g, "0").replace(/[IL]/g, "1");
  if (!/^[0-9A-HJKMNP-TV-Z]{16}$/.test(compact)) return undefined;
  return grouped(compact);
}

/** The key a code is stored under: a hash, so the store cannot give the code back. */
export function signInCodeId(code: string): string {
  return createHash("sha256").update(`sign-in-code:${code}`).digest("hex");
}

function keyOf(code: string): Buffer {
  return Buffer.from(hkdfSync("sha256", code, "charge-guard", "sign-in token", 32));
}

/** The token encrypted (AES-256-GCM) under a key only the code gives. */
export function sealToken(token: string, code: string): Buffer {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv("aes-256-gcm", keyOf(code), iv);
  const body = Buffer.concat([cipher.update(token, "utf8"), cipher.final()]);
  return Buffer.concat([iv, cipher.getAuthTag(), body]);
}

/** The token back; throws if the code is not the one it was sealed with or the bytes changed. */
export function unsealToken(sealed: Buffer, code: string): string {
  const iv = sealed.subarray(0, IV_BYTES);
  const tag = sealed.subarray(IV_BYTES, IV_BYTES + TAG_BYTES);
  if (sealed.length < IV_BYTES + TAG_BYTES) throw new Error("sealed token too short");
  const decipher = createDecipheriv("aes-256-gcm", keyOf(code), iv, { authTagLength: TAG_BYTES });
  decipher.setAuthTag(tag);
  return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES + TAG_BYTES)), decipher.final()]).toString(
    "utf8",
  );
}

/** Issues a code that opens `token` once, until `expiresAt` (ms). */
export async function issueSignInCode(
  store: Pick<SignInCodeStore, "put">,
  token: string,
  who: { role: string; subject: string },
  expiresAt: number,
  now = Date.now(),
): Promise<string> {
  const code = newSignInCode();
  await store.put({
    id: signInCodeId(code),
    sealed: sealToken(token, code),
    ...who,
    issuedAt: now,
    expiresAt,
  });
  return code;
}

export type Redemption =
  | { state: "token"; token: string }
  | { state: "used"; usedAt: number; subject: string }
  | { state: "invalid" };

/** What a typed or linked code opens: its token the first time, "used" after. */
export async function redeemSignInCode(
  store: Pick<SignInCodeStore, "take">,
  text: string,
  now = Date.now(),
): Promise<Redemption> {
  const code = normaliseSignInCode(text);
  if (!code) return { state: "invalid" };
  const taken = await store.take(signInCodeId(code), now);
  if (taken.state === "used") return taken;
  if (taken.state === "unknown") return { state: "invalid" };
  try {
    return { state: "token", token: unsealToken(taken.sealed, code) };
  } catch {
    // A damaged row opens nothing; it is spent like any other.
    return { state: "invalid" };
  }
}
