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
