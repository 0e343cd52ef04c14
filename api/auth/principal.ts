// Who is asking, once their token is verified, and what each route lets them see. Every route
// declares its access in `config.access`; the auth plugin enforces it before the handler runs.
import { z } from "zod";

export const roleSchema = z.enum(["admin", "manager", "tenant", "board"]);
export type Role = z.infer<typeof roleSchema>;

/** The verified identity behind a request. Scopes come from the token, never from the request. */
export type Principal =
  | { role: "admin"; subject: string }
  /** An asset manager, for the buildings they manage. */
  | { role: "manager"; subject: string; buildings: string[] }
  /** A tenant, for their one dwelling. */
  | { role: "tenant"; subject: string; building: string; dwelling: string }
  /** A housing board, for a portfolio: aggregates and proposals, never one dwelling's data. */
  | { role: "board"; subject: string; buildings: string[] };

/**
 * What a route needs:
 * - "public": anyone (health, docs);
 * - "authenticated": any valid token (e.g. listing what the caller may see, filtered);
 * - "building": the `:building` path parameter must be within the caller's scope;
 * - "dwelling": the `:building` and `:dwelling` parameters must be the caller's dwelling
 *   (tenants) or within their buildings (managers); boards never pass;
 * together with the roles allowed at all.
 */
export interface RouteAccess {
  scope: "public" | "authenticated" | "building" | "dwelling";
  roles: readonly Role[];
}

declare module "fastify" {
  interface FastifyContextConfig {
    access?: RouteAccess;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

const subject = z.string().min(1).max(256);
const scopeId = z.string().min(1).max(64);

/**
 * The claims a token must carry, by role; anything else (an unknown role, a manager without
 * buildings, a tenant without a dwelling) is refused. Extra registered claims (iat, exp, iss,
 * aud…) are ignored; scope claims another role would use are not.
 */
export const principalClaimsSchema = z.discriminatedUnion("role", [
  z.object({ role: z.literal("admin"), sub: subject }),
  z.object({ role: z.literal("manager"), sub: subject, buildings: z.array(scopeId).min(1).max(1_000) }),
  z.object({ role: z.literal("tenant"), sub: subject, building: scopeId, dwelling: scopeId }),
  z.object({ role: z.literal("board"), sub: subject, buildings: z.array(scopeId).min(1).max(1_000) }),
]);

export type PrincipalClaims = z.infer<typeof principalClaimsSchema>;

/** Verified claims to a Principal; undefined when they do not describe one. */
export function principalFromClaims(claims: unknown): Principal | undefined {
  const parsed = principalClaimsSchema.safeParse(claims);
  if (!parsed.success) return undefined;
  const c = parsed.data;
  switch (c.role) {
    case "admin":
      return { role: "admin", subject: c.sub };
    case "manager":
    case "board":
      return { role: c.role, subject: c.sub, buildings: [...new Set(c.buildings)] };
    case "tenant":
      return { role: "tenant", subject: c.sub, building: c.building, dwelling: c.dwelling };
  }
}

/** The buildings a principal may see, or "all" for an admin. */
export function buildingsOf(principal: Principal): ReadonlySet<string> | "all" {
  switch (principal.role) {
    case "admin":
      return "all";
    case "tenant":
      return new Set([principal.building]);
    default:
      return new Set(principal.buildings);
  }
}
