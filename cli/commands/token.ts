// `token`: issues a bearer token for the embedded mode, signed with DATA_DIR/jwt-secret
// (created if absent), and prints it on stdout; with --link, a sign-in link holding a one-time
// code for it instead (the code waits in DATA_DIR/sign-in-codes.db for the API to take it).
import { principalClaimsSchema } from "../../api/auth/principal.ts";
import { loadOrCreateSecret } from "../../api/auth/secret.ts";
import { issueSignInCode } from "../../api/auth/sign-in-code.ts";
import { issueToken, MAX_TOKEN_LIFETIME_S, parseTtl } from "../../api/auth/tokens.ts";
import { type Config, ConfigError } from "../config.ts";
import { loadRegistry, openSignInCodes } from "../wiring.ts";

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

/** A token the options or the site cannot give: a ConfigError (CONFIG_INVALID in model/errors.ts),
 * so main.ts prints the message and exits 2. */
class TokenRequestError extends ConfigError {}

/** Where people open the pages: PUBLIC_URL, else the API's own address (said on stderr when
 * that is a wildcard bind, whose links only work on this machine). */
function publicBase(config: Config): string {
  if (config.PUBLIC_URL) return config.PUBLIC_URL;
  let host = config.API_HOST;
  if (["0.0.0.0", "::", "[::]", ""].includes(host)) {
    process.stderr.write(
      `API_HOST is ${host || "empty"}: the link uses 127.0.0.1, which works on this machine only; set PUBLIC_URL to the address people open.\n`,
    );
    host = "127.0.0.1";
  }
  const bracketed = host.includes(":") && !host.startsWith("[") ? `[${host}]` : host;
  return new URL(`http://${bracketed}:${config.API_PORT}`).href;
}

/** The sign-in link of a code: /login under the base, the code as its only parameter. */
export function signInLink(base: string, code: string): string {
  const url = new URL("login", base.endsWith("/") ? base : `${base}/`);
  url.searchParams.set("code", code);
  return url.href;
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
  const secret = loadOrCreateSecret(config.DATA_DIR);
  if (!o.link) {
    process.stdout.write(`${await issueToken(secret, claims, ttlS)}\n`);
    return;
  }
  const now = Date.now();
  const waitS = ttlOption(o.linkTtl ?? "30d");
  // The session lasts --ttl from the code's use, however long the code waited, within a
  // token's longest life.
  const sessionS = Math.min(ttlS + waitS, MAX_TOKEN_LIFETIME_S);
  const token = await issueToken(secret, claims, sessionS);
  const codeExpiresAt = now + Math.min(waitS, sessionS) * 1000;
  const store = await openSignInCodes(config);
  try {
    const code = await issueSignInCode(
      store,
      token,
      { role: claims.role, subject: claims.sub },
      codeExpiresAt,
      now,
    );
    process.stdout.write(`${signInLink(publicBase(config), code)}\n`);
    process.stderr.write(
      `One-time code ${code}: it signs in once, until ${new Date(codeExpiresAt).toISOString()}; ` +
        `the session it opens lasts until ${new Date(now + sessionS * 1000).toISOString()} at the latest.\n`,
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
