// Bearer tokens: issuing HS256 tokens for the embedded mode, and verifying a request's token
// (HS256 against the local secret, RS256/ES256 against an identity provider's JWKS) into a
// Principal. Every refusal is an AuthError; its message never repeats the token.
import { createRemoteJWKSet, type JWTPayload, type JWTVerifyGetKey, jwtVerify, SignJWT } from "jose";
import { type CodeOf, errorFamily } from "../../model/errors.ts";
import { type Principal, type PrincipalClaims, principalFromClaims } from "./principal.ts";

/** Issuer and audience of the tokens `cli token` signs with the embedded secret. */
export const EMBEDDED_ISSUER = "charge-guard";
export const EMBEDDED_AUDIENCE = "charge-guard-api";

/** The longest a token may live, signed here or by an identity provider: a year (a printed
 * tenant letter's cycle). A token valid for longer is refused, whoever signed it. */
export const MAX_TOKEN_LIFETIME_S = 366 * 86_400;

export type AuthErrorCode = CodeOf<"AuthError">;

export class AuthError extends errorFamily("AuthError") {}

export interface TokenVerifierOptions {
  /** HS256 secret (the embedded mode's DATA_DIR/jwt-secret); tokens signed with it are accepted. */
  secret?: Uint8Array;
  /** An OIDC provider's keys: RS256/ES256 tokens are verified against them. */
  jwks?: {
    url: string;
    /** Required `iss` claim, when set. */
    issuer?: string;
    /** Required `aud` claim, when set. */
    audience?: string;
  };
  /** Allowed clock difference, seconds. */
  clockToleranceS?: number;
}

export type TokenVerifier = (token: string) => Promise<Principal>;

const ASYMMETRIC = ["RS256", "ES256"];

function algorithmOf(token: string): string | undefined {
  const header = token.split(".")[0];
  if (!header) return undefined;
  try {
    const decoded: unknown = JSON.parse(Buffer.from(header, "base64url").toString("utf8"));
    return typeof decoded === "object" &&
      decoded !== null &&
      "alg" in decoded &&
      typeof decoded.alg === "string"
      ? decoded.alg
      : undefined;
  } catch {
    return undefined;
  }
}

function refusal(error: unknown): AuthError {
  if (error instanceof AuthError) return error;
  const code = (error as { code?: string }).code;
  if (code === "ERR_JWT_EXPIRED")
    return new AuthError("token_expired", "The token has expired; ask for a new one.");
  if (code === "ERR_JWKS_TIMEOUT" || code === "ERR_JOSE_GENERIC" || (error as Error).name === "TypeError") {
    return new AuthError(
      "auth_unavailable",
      "The identity provider's keys could not be fetched; retry later.",
    );
  }
  return new AuthError(
    "token_invalid",
    "The token is not valid here (signature, issuer, audience or algorithm).",
  );
}

/**
 * Builds the verifier. The token's header picks the key: HS256 the local secret, RS256/ES256
 * the JWKS; each key is only ever used with its own algorithms, so one cannot be confused with
 * the other. No I/O until the first asymmetric token (the JWKS is fetched then, and cached).
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const clockTolerance = options.clockToleranceS ?? 30;
  const remote: JWTVerifyGetKey | undefined = options.jwks
    ? createRemoteJWKSet(new URL(options.jwks.url))
    : undefined;
  return async (token) => {
    if (token.length === 0 || token.length > 8_192)
      throw new AuthError("token_invalid", "The token is not a JWT.");
    const alg = algorithmOf(token);
    let payload: JWTPayload;
    try {
      if (alg === "HS256" && options.secret) {
        ({ payload } = await jwtVerify(token, options.secret, {
          algorithms: ["HS256"],
          issuer: EMBEDDED_ISSUER,
          audience: EMBEDDED_AUDIENCE,
          clockTolerance,
          requiredClaims: ["exp", "sub"],
        }));
      } else if (alg !== undefined && ASYMMETRIC.includes(alg) && remote && options.jwks) {
        ({ payload } = await jwtVerify(token, remote, {
          algorithms: ASYMMETRIC,
          issuer: options.jwks.issuer,
          audience: options.jwks.audience,
          clockTolerance,
          requiredClaims: ["exp", "sub"],
        }));
      } else {
        throw new AuthError("token_invalid", "The token is not signed with an algorithm this API accepts.");
      }
    } catch (error) {
      throw refusal(error);
    }
    const nowS = Math.floor(Date.now() / 1000);
    const exp = payload.exp ?? 0;
    const lifetime = exp - (typeof payload.iat === "number" ? payload.iat : nowS);
    if (lifetime > MAX_TOKEN_LIFETIME_S || exp - nowS > MAX_TOKEN_LIFETIME_S + clockTolerance) {
      throw new AuthError(
        "token_invalid",
        `The token is valid for longer than this API accepts (${MAX_TOKEN_LIFETIME_S / 86_400} days); ask for a new one.`,
      );
    }
    const principal = principalFromClaims(payload);
    if (!principal) {
      throw new AuthError(
        "claims_invalid",
        "The token's role or scope is missing or unknown; ask for a token with a valid role.",
      );
    }
    return principal;
  };
}

/** Parses "30d", "12h", "15m" or "3600s" into seconds. */
export function parseTtl(text: string): number {
  const match = /^(\d{1,6})([smhd])$/.exec(text.trim());
  if (!match)
    throw new AuthError("claims_invalid", `TTL "${text}" is not a duration such as 30d, 12h, 15m or 3600s.`);
  const unit = { s: 1, m: 60, h: 3_600, d: 86_400 }[match[2] as "s" | "m" | "h" | "d"];
  const seconds = Number(match[1]) * unit;
  if (seconds <= 0) throw new AuthError("claims_invalid", "The TTL must be positive.");
  if (seconds > MAX_TOKEN_LIFETIME_S)
    throw new AuthError("claims_invalid", `The TTL may be at most ${MAX_TOKEN_LIFETIME_S / 86_400}d.`);
  return seconds;
}

/** Signs an embedded-mode token for these claims, valid for ttlS seconds from now. */
export async function issueToken(
  secret: Uint8Array,
  claims: PrincipalClaims,
  ttlS: number,
  now = Date.now(),
): Promise<string> {
  const { sub, ...rest } = claims;
  const iat = Math.floor(now / 1000);
  return new SignJWT({ ...rest })
    .setProtectedHeader({ alg: "HS256", typ: "JWT" })
    .setSubject(sub)
    .setIssuer(EMBEDDED_ISSUER)
    .setAudience(EMBEDDED_AUDIENCE)
    .setIssuedAt(iat)
    .setExpirationTime(iat + ttlS)
    .sign(secret);
}
