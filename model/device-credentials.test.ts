import { describe, expect, it } from "vitest";
import { hashSecret, parseSecretHash, secretHashSchema, verifySecret } from "./device-credentials.ts";

// Written by Debian's mosquitto_passwd 2.0.11: `mosquitto_passwd -c -b file alice 's3cret pass'`.
const FROM_MOSQUITTO_PASSWD =
  "$7$101$uZTLG/sv3XCi8+x8$RVAEN65nigJtgDS+ibIt32kQEEhVt+QL6PVRLNk0qouI8kkdJt41BEZIR8CH6nqe4L470Gd8vAQqwElRvz1tpg==";

describe("device secret hashes", () => {
  it("verifies a hash written by mosquitto_passwd", async () => {
    expect(await verifySecret("s3cret pass", FROM_MOSQUITTO_PASSWD)).toBe(true);
    expect(await verifySecret("s3cret pass ", FROM_MOSQUITTO_PASSWD)).toBe(false);
    expect(await verifySecret(Buffer.from("s3cret pass"), FROM_MOSQUITTO_PASSWD)).toBe(true);
  });

  it("hashes in mosquitto_passwd's format: 101 rounds, 12-byte salt, 64-byte SHA-512 key", async () => {
    const hash = hashSecret("démo-secret");
    expect(hash).toMatch(/^\$7\$101\$[A-Za-z0-9+/]{16}\$[A-Za-z0-9+/]{86}==$/);
    expect(await verifySecret("démo-secret", hash)).toBe(true);
    expect(await verifySecret("demo-secret", hash)).toBe(false);
    expect(hashSecret("x")).not.toBe(hashSecret("x")); // a fresh salt each time
  });

  it("reproduces mosquitto_passwd's hash from the same salt", () => {
    const parsed = parseSecretHash(FROM_MOSQUITTO_PASSWD)!;
    expect(hashSecret("s3cret pass", { salt: parsed.salt, iterations: parsed.iterations })).toBe(
      FROM_MOSQUITTO_PASSWD,
    );
  });

  it("refuses what is not a PBKDF2-SHA512 hash, with a hint", async () => {
    for (const bad of [
      "s3cret pass",
      "$6$W3g2Xr3YBAzy/wDM$sGxD/m/tDTnH0ztdLHjqkFL/esSI+fTpBoe6kJZxiS+DZh8FMGU3FuI7bv4wRpK2DyPFDY+G6pdZ7Y0Jy8OH7Q==",
      "$7$0$uZTLG/sv3XCi8+x8$RVAEN65nigJtgDS+ibIt32kQEEhVt+QL6PVRLNk0qouI8kkdJt41BEZIR8CH6nqe4L470Gd8vAQqwElRvz1tpg==",
      "$7$101$uZTLG/sv3XCi8+x8$RVAEN65nigJtgDS+ibIt32kQ",
      "$7$99999999$uZTLG/sv3XCi8+x8$RVAEN65nigJtgDS+ibIt32kQEEhVt+QL6PVRLNk0qouI8kkdJt41BEZIR8CH6nqe4L470Gd8vAQqwElRvz1tpg==",
    ]) {
      expect(parseSecretHash(bad)).toBeUndefined();
      expect(await verifySecret("s3cret pass", bad)).toBe(false);
    }
    const result = secretHashSchema.safeParse("plain");
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain("mqtt-auth hash");
  });
});
