// Enforces every route's `config.access` before its handler: a route without one is refused
// when it is registered (so the app does not build), and a request is answered 401 (no valid
// token), 403 (role not allowed) or 404 (a building or dwelling outside the caller's scope,
// indistinguishable from one that does not exist) before any data is read.
import type { FastifyInstance, FastifyRequest, onRequestHookHandler, RouteOptions } from "fastify";
import { oneKindError } from "../../model/errors.ts";
import { ApiError } from "../problem.ts";
import { buildingsOf, type Principal, type RouteAccess } from "./principal.ts";
import { AuthError, type TokenVerifier } from "./tokens.ts";

export class AccessDeclarationError extends oneKindError("AccessDeclarationError") {}

export interface AccessControlOptions {
  /** Without it (no secret, no JWKS), every non-public route answers 401. */
  verify?: TokenVerifier;
  /** Routes other plugins register (the OpenAPI UI) under these prefixes are public. */
  publicPrefixes?: readonly string[];
}

const PUBLIC: RouteAccess = { scope: "public", roles: [] };

export interface DeclaredRoute {
  method: string;
  url: string;
  access: RouteAccess;
}

const tables = new WeakMap<FastifyInstance, DeclaredRoute[]>();

/** Every route of an app with its access, in registration order (tests walk it). */
export function routeAccessTable(app: FastifyInstance): readonly DeclaredRoute[] {
  return tables.get(app) ?? [];
}

/** Checks a declaration against the route's path, so a scope can never point at nothing. */
function checkDeclaration(route: RouteOptions, access: RouteAccess): void {
  const where = `${route.method} ${route.url}`;
  if (access.scope !== "public" && access.roles.length === 0) {
    throw new AccessDeclarationError(`Route ${where} allows no role; list its roles in config.access.roles.`);
  }
  if ((access.scope === "building" || access.scope === "dwelling") && !route.url.includes(":building")) {
    throw new AccessDeclarationError(
      `Route ${where} has scope "${access.scope}" but no :building parameter.`,
    );
  }
  if (access.scope === "dwelling" && !route.url.includes(":dwelling")) {
    throw new AccessDeclarationError(`Route ${where} has scope "dwelling" but no :dwelling parameter.`);
  }
}

function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (header === undefined)
    throw new AuthError("token_missing", "Send a bearer token: Authorization: Bearer <token>.");
  const match = /^Bearer +([A-Za-z0-9._~+/-]+=*)$/i.exec(header);
  if (!match?.[1]) throw new AuthError("token_invalid", "The Authorization header must be `Bearer <token>`.");
  return match[1];
}

const unauthenticated = (error: AuthError) =>
  new ApiError("UNAUTHENTICATED", error.message, { reason: error.code });

/** Whether the caller may see this building (and dwelling, for "dwelling" routes). */
export function inScope(
  principal: Principal,
  scope: RouteAccess["scope"],
  building: string,
  dwelling?: string,
): boolean {
  if (scope === "public" || scope === "authenticated") return true;
  switch (principal.role) {
    case "admin":
      return true;
    case "tenant":
      return principal.building === building && (scope === "building" || principal.dwelling === dwelling);
    case "manager":
      return principal.buildings.includes(building);
    case "board":
      // A board sees portfolios, never one dwelling's data.
      return scope === "building" && principal.buildings.includes(building);
  }
}

function enforcer(access: RouteAccess, verify: TokenVerifier | undefined): onRequestHookHandler {
  return async (request) => {
    if (access.scope === "public") return;
    let principal: Principal;
    try {
      if (!verify)
        throw new AuthError(
          "auth_unavailable",
          "This API has no token verifier configured; no token can be accepted.",
        );
      principal = await verify(bearerToken(request));
    } catch (error) {
      if (error instanceof AuthError) {
        // The provider's keys could not be fetched: the caller's token may be fine, retry later.
        if (error.code === "auth_unavailable" && verify) throw new ApiError("NOT_READY", error.message);
        throw unauthenticated(error);
      }
      throw error;
    }
    if (!access.roles.includes(principal.role)) {
      throw new ApiError("FORBIDDEN", `This resource is not open to the ${principal.role} role.`);
    }
    const params = request.params as Record<string, string | undefined>;
    if (!inScope(principal, access.scope, params.building ?? "", params.dwelling)) {
      throw new ApiError(
        "NOT_FOUND",
        access.scope === "dwelling" ? "No such dwelling." : "No such building.",
      );
    }
    request.principal = principal;
  };
}

/**
 * Installs the checks on the root instance; call it before registering any route. Each route
 * gets its own onRequest hook, placed after the ones registered before (rate limiting), so a
 * flood is refused before any token is verified.
 */
export function installAccessControl(app: FastifyInstance, options: AccessControlOptions): void {
  const prefixes = options.publicPrefixes ?? [];
  const table: DeclaredRoute[] = [];
  tables.set(app, table);
  app.addHook("onRoute", (route) => {
    let access = route.config?.access;
    if (access === undefined) {
      if (!prefixes.some((p) => route.url === p || route.url.startsWith(`${p}/`))) {
        throw new AccessDeclarationError(
          `Route ${route.method} ${route.url} declares no config.access; every route must say its scope and roles (api/auth/README.md).`,
        );
      }
      access = PUBLIC;
      route.config = { ...route.config, access };
    }
    checkDeclaration(route, access);
    for (const method of [route.method].flat()) table.push({ method, url: route.url, access });
    const hook = enforcer(access, options.verify);
    route.onRequest = route.onRequest === undefined ? [hook] : [...[route.onRequest].flat(), hook];
  });
}

/** The caller of a non-public route; the access hook has set it. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal)
    throw new ApiError("UNAUTHENTICATED", "Send a bearer token: Authorization: Bearer <token>.");
  return request.principal;
}

/** Refuses (404) a building id taken from a query or body when it is outside the caller's scope. */
export function assertBuilding(request: FastifyRequest, building: string): void {
  const allowed = buildingsOf(principalOf(request));
  if (allowed !== "all" && !allowed.has(building)) throw new ApiError("NOT_FOUND", "No such building.");
}

/** Keeps the items whose building the caller may see. */
export function visibleTo<T>(
  request: FastifyRequest,
  items: readonly T[],
  buildingOf: (item: T) => string,
): T[] {
  const allowed = buildingsOf(principalOf(request));
  return allowed === "all" ? [...items] : items.filter((i) => allowed.has(buildingOf(i)));
}
