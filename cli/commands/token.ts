// `token`: issues a bearer token for the embedded mode, signed with DATA_DIR/jwt-secret
// (created if absent), and prints it on stdout.
import { principalClaimsSchema } from "../../api/auth/principal.ts";
import { loadOrCreateSecret } from "../../api/auth/secret.ts";
import { issueToken, parseTtl } from "../../api/auth/tokens.ts";
import type { Config } from "../config.ts";
import { loadRegistry } from "../wiring.ts";

export interface TokenOptions {
  role?: string;
  buildings?: string;
  building?: string;
  dwelling?: string;
  subject?: string;
  ttl?: string;
}

class TokenRequestError extends Error {
  readonly code = "SITE_INVALID"; // main.ts prints the message and exits 2 for this code
}

export async function token(config: Config, options: Record<string, unknown>): Promise<void> {
  const o = options as TokenOptions;
  const buildings = o.buildings
    ?.split(",")
    .map((b) => b.trim())
    .filter((b) => b.length > 0);
  const parsed = principalClaimsSchema.safeParse({
    role: o.role,
    sub: o.subject ?? `cli-${o.role ?? "unknown"}`,
    buildings,
    building: o.building,
    dwelling: o.dwelling,
  });
  if (!parsed.success) {
    throw new TokenRequestError(
      `Cannot issue that token: ${parsed.error.issues.map((i) => `${i.path.join(".") || "role"}: ${i.message}`).join("; ")}.\n` +
        "Examples: --role admin | --role manager --buildings b01,b02 | --role board --buildings b01 | --role tenant --building b01 --dwelling b01-d001",
    );
  }
  const claims = parsed.data;
  // A token for a building or dwelling the site does not have would silently see nothing.
  const registry = loadRegistry(config);
  const named =
    claims.role === "manager" || claims.role === "board"
      ? claims.buildings
      : claims.role === "tenant"
        ? [claims.building]
        : [];
  for (const b of named)
    if (!registry.building(b)) throw new TokenRequestError(`No building "${b}" in the site.`);
  if (
    claims.role === "tenant" &&
    !registry.building(claims.building)?.dwellings.some((d) => d.id === claims.dwelling)
  ) {
    throw new TokenRequestError(`No dwelling "${claims.dwelling}" in building "${claims.building}".`);
  }
  let ttlS: number;
  try {
    ttlS = parseTtl(o.ttl ?? "30d");
  } catch (error) {
    throw new TokenRequestError((error as Error).message);
  }
  process.stdout.write(`${await issueToken(loadOrCreateSecret(config.DATA_DIR), claims, ttlS)}\n`);
}
