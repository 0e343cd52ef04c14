// The OpenAPI document made true to the API, in one place: every operation gets its
// operationId, the error answers it can give (problem+json for the API, HTML for pages) and,
// when public, `security: []`. It only rewrites the document @fastify/swagger generates; the
// routes' own schemas (and so their validation and serialization) are left as they are.
import type { FastifyDynamicSwaggerOptions } from "@fastify/swagger";
import type { FastifyInstance } from "fastify";
import { routeAccessTable } from "./auth/access.ts";
import { PROBLEMS, type ProblemCode } from "./problem.ts";

/** Stable operationIds, by method and route pattern; the OpenAPI test fails on a route without one. */
export const OPERATION_IDS: Readonly<Record<string, string>> = {
  "GET /healthz": "getHealth",
  "GET /readyz": "getReadiness",
  "GET /metrics": "getMetrics",
  "GET /dead-letters": "listDeadLetters",
  "GET /buildings": "listBuildings",
  "GET /buildings/{building}": "getBuilding",
  "GET /buildings/{building}/latest": "getBuildingLatest",
  "GET /buildings/{building}/series": "getBuildingSeries",
  "GET /portfolio": "getPortfolio",
  "GET /buildings/{building}/summary": "getBuildingSummary",
  "GET /buildings/{building}/dwellings/{dwelling}/series": "getDwellingSeries",
  "GET /buildings/{building}/alerts": "listBuildingAlerts",
  "GET /buildings/{building}/dead-letters": "listBuildingDeadLetters",
  "GET /buildings/{building}/devices": "listBuildingDevices",
  "GET /buildings/{building}/dwellings/{dwelling}/consents": "listDwellingConsents",
  "POST /buildings/{building}/dwellings/{dwelling}/consents": "recordDwellingConsent",
  "POST /proposals": "createProposal",
  "GET /proposals": "listProposals",
  "GET /proposals/{id}": "getProposal",
  "POST /proposals/{id}/evaluations": "evaluateProposal",
  "GET /proposals/{id}/verdicts": "listProposalVerdicts",
  "GET /verdicts/{id}": "getVerdict",
  "GET /tenant/api/usage": "getTenantUsage",
  "GET /tenant/api/devices": "listTenantDevices",
  "GET /tenant": "getTenantPage",
  "GET /tenant/devices": "getTenantDevicesPage",
  "GET /tenant/statement": "getTenantStatementPage",
  "GET /buildings/{building}/dwellings/{dwelling}/statement": "getDwellingStatementPage",
  "GET /board": "getBoardPage",
  "GET /board/proposals/{id}": "getBoardProposalPage",
  "POST /imports": "createImport",
  "GET /imports": "listImports",
  "GET /imports/{id}": "getImport",
  "GET /imports/{id}/refused": "listImportRefusedRows",
  "GET /login": "getLoginPage",
  "POST /login": "login",
  "POST /logout": "logout",
};

/** Statuses some routes give beyond the ones derived from their access and method below. */
const EXTRA_STATUSES: Readonly<Record<string, readonly number[]>> = {
  // A dependency does not answer.
  "GET /readyz": [503],
  // Refused sign-in (a bad or spent code), and a form posted from another site.
  "POST /login": [401, 403],
  "POST /logout": [403],
  // A building named in the query or body outside the caller's scope.
  "GET /dead-letters": [404],
  "GET /proposals": [404],
  "POST /proposals": [404],
};

const CODE_OF_STATUS: Readonly<Record<number, ProblemCode>> = Object.fromEntries(
  Object.entries(PROBLEMS).map(([code, p]) => [p.status, code as ProblemCode]),
);

/** The answer the error handler (api/problem.ts) writes, RFC 9457 with the API's own members. */
export const PROBLEM_SCHEMA = {
  type: "object",
  description: "An error, as RFC 9457 application/problem+json.",
  required: ["type", "title", "status", "detail", "instance", "code"],
  additionalProperties: false,
  properties: {
    type: { type: "string", format: "uri", example: "urn:charge-guard:problem:not_found" },
    title: { type: "string", description: "The same for every problem of this code." },
    status: { type: "integer", minimum: 400, maximum: 599 },
    detail: { type: "string", description: "What happened and what to do." },
    instance: { type: "string", description: "The path (and query) of the request." },
    code: { type: "string", enum: Object.keys(PROBLEMS) },
    reason: { type: "string", description: "A finer reason, e.g. token_expired." },
    errors: {
      type: "array",
      description: "For a refused request: each field that failed validation.",
      items: {
        type: "object",
        required: ["where", "message"],
        properties: { where: { type: "string" }, message: { type: "string" } },
      },
    },
    checks: {
      type: "array",
      description: "For /readyz: each dependency and whether it answers.",
      items: {
        type: "object",
        required: ["name", "ok"],
        properties: { name: { type: "string" }, ok: { type: "boolean" } },
      },
    },
    importId: { type: "string", description: "For an import stopped midway: the import to resume." },
    resumeAfterLine: { type: "integer", description: "For an import stopped midway: the last line stored." },
  },
} as const;

/** The fastify pattern of a route as an OpenAPI path: /buildings/:building → /buildings/{building}. */
export const openapiPath = (url: string): string => url.replace(/:(\w+)/g, "{$1}");

const problemResponse = (status: number) => {
  const code = CODE_OF_STATUS[status];
  if (!code) throw new Error(`No problem code answers ${status}.`);
  return {
    description: PROBLEMS[code].title,
    content: { "application/problem+json": { schema: { $ref: "#/components/schemas/Problem" } } },
  };
};

const HTML = { "text/html": { schema: { type: "string" } } } as const;

/** The error answers of a page: an HTML page a person can act on (api/pages/errors.ts). */
const pageResponse = (status: number) => ({
  description: `${problemResponse(status).description}, as a page`,
  content: HTML,
});

/** The sign-in routes answer their own refusals as the sign-in page, and everything the
 * app's error handler answers (validation, size, rate) as problem+json. */
const SIGN_IN_PAGES: Readonly<Record<string, Readonly<Record<number, "page" | "both">>>> = {
  "GET /login": { 400: "both" },
  "POST /login": { 400: "both", 401: "page", 403: "page" },
  "POST /logout": { 403: "page" },
};

function errorResponse(key: string, status: number, page: boolean) {
  const signIn = SIGN_IN_PAGES[key];
  if (signIn === undefined) return page ? pageResponse(status) : problemResponse(status);
  const problem = problemResponse(status);
  const kind = signIn[status];
  if (kind === "page") return pageResponse(status);
  if (kind === "both") return { ...problem, content: { ...problem.content, ...HTML } };
  return problem;
}

interface Operation {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  responses?: Record<string, unknown>;
}

interface OpenApiDocument {
  paths?: Record<string, Record<string, Operation>>;
  components?: Record<string, Record<string, unknown>>;
}

/** The error statuses an operation can answer, from its access, its method and EXTRA_STATUSES. */
export function errorStatuses(method: string, path: string, scope: string): number[] {
  const key = `${method} ${path}`;
  const statuses = new Set<number>([400, 429, 500]);
  if (scope !== "public") {
    // 503: the identity provider's keys could not be fetched (api/auth/access.ts).
    for (const s of [401, 403, 503]) statuses.add(s);
    if (path.includes("{")) statuses.add(404);
  }
  if (method === "POST" || method === "PUT" || method === "PATCH") statuses.add(413);
  for (const s of EXTRA_STATUSES[key] ?? []) statuses.add(s);
  return [...statuses].sort((a, b) => a - b);
}

/** A transformObject for @fastify/swagger that completes the document of `app`. */
export function completeDocument(
  app: FastifyInstance,
): NonNullable<FastifyDynamicSwaggerOptions["transformObject"]> {
  return (documentObject) => {
    if (!("openapiObject" in documentObject)) return documentObject.swaggerObject;
    const doc = documentObject.openapiObject as OpenApiDocument;
    const access = new Map<string, { scope: string }>(
      routeAccessTable(app).map((r) => [`${r.method} ${openapiPath(r.url)}`, r.access]),
    );
    for (const [path, operations] of Object.entries(doc.paths ?? {})) {
      for (const [method, op] of Object.entries(operations)) {
        const key = `${method.toUpperCase()} ${path}`;
        const scope = access.get(key)?.scope ?? "public";
        op.operationId ??= OPERATION_IDS[key];
        if (scope === "public") op.security = [];
        const page = op.tags?.includes("pages") === true;
        op.responses ??= {};
        const responses = op.responses;
        for (const status of errorStatuses(method.toUpperCase(), path, scope)) {
          responses[String(status)] ??= errorResponse(key, status, page);
        }
      }
    }
    doc.components = { ...doc.components, schemas: { ...doc.components?.schemas, Problem: PROBLEM_SCHEMA } };
    return doc as typeof documentObject.openapiObject;
  };
}
