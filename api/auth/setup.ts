// Builds the API's token verifier from the configuration: always the embedded HS256 secret
// (DATA_DIR/jwt-secret, created at first start), plus an OIDC provider's JWKS when configured.
import { loadOrCreateSecret } from "./secret.ts";
import { createTokenVerifier, type TokenVerifier } from "./tokens.ts";

export interface AuthSettings {
  /** Where the embedded secret lives (DATA_DIR). */
  dataDir: string;
  /** AUTH_JWKS_URL, AUTH_ISSUER, AUTH_AUDIENCE. */
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

export function createVerifierFromSettings(settings: AuthSettings): TokenVerifier {
  return createTokenVerifier({
    secret: loadOrCreateSecret(settings.dataDir),
    jwks: settings.jwksUrl
      ? { url: settings.jwksUrl, issuer: settings.issuer, audience: settings.audience }
      : undefined,
  });
}
