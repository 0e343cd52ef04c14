// `token`: issues a bearer token for the embedded mode, signed with DATA_DIR/jwt-secret
// (created if absent), and prints it on stdout; with --link, a sign-in link holding a one-time
// code for it instead (the code waits in DATA_DIR/sign-in-codes.db for the API to take it).
import { join } from "node:path";
import { principalClaimsSchema } from "../../api/auth/principal.ts";
import { loadOrCreateSecret } from "../../api/auth/secret.ts";
import { issueSignInCode } from "../../api/auth/sign-in-code.ts";
import { issueToken, parseTtl } from "../../api/auth/tokens.ts";
import { createSqliteSignInCodeStore, SIGN_IN_CODES_FILE } from "../../storage/sqlite/sign-in-code-store.ts";
import type { Config } from "../config.ts";
import { loadRegistry } from "../wiring.ts";

export interface TokenOptions {
  role?: string;
  buildings?: string;
  building?: string;
  dwelling?: string;
  subject?: string;
  ttl?: string;
  link?: boolean;
  linkTtl?: string;
}

/** Where people open the pages: PUBLIC_URL, else the API's own address. */
function publicBase(config: Config): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL.replace(/\/+$/, "");
  const host = ["0.0.0.0", "::", ""].includes(config.API_HOST) ? "127.0.0.1" : config.API_HOST;
  return `http://${host.includes(":") ? `[${host}]` : host}:${config.API_PORT}`;
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
  const ttlS = ttlOption(o.ttl ?? "30d");
  const token = await issueToken(loadOrCreateSecret(config.DATA_DIR), claims, ttlS);
  if (!o.link) {
    process.stdout.write(`${token}\n`);
    return;
  }
  const now = Date.now();
  const codeExpiresAt = now + Math.min(ttlOption(o.linkTtl ?? "30d"), ttlS) * 1000;
  const store = createSqliteSignInCodeStore({ path: join(config.DATA_DIR, SIGN_IN_CODES_FILE) });
  await store.connect();
  try {
    const code = await issueSignInCode(
      store,
      token,
      { role: claims.role, subject: claims.sub },
      codeExpiresAt,
      now,
    );
    process.stdout.write(`${publicBase(config)}/login?code=${code}\n`);
    process.stderr.write(
      `One-time code ${code}: it signs in once, until ${new Date(codeExpiresAt).toISOString()}; ` +
        `the session it opens lasts until ${new Date(now + ttlS * 1000).toISOString()}.\n`,
    );
  } finally {
    await store.close();
  }
}

function ttlOption(text: string): number {
  try {
    return parseTtl(text);
  } catch (error) {
    throw new TokenRequestError((error as Error).message);
  }
}
