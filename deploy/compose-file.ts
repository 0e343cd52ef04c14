// Reads docker-compose.yml the way Compose does for what our checks need: YAML with merge keys,
// `${VAR}` interpolation from an env file, and the subset of the Compose specification we use.
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";

const duration = z.string().regex(/^(\d+(ms|s|m|h))+$/, "a duration such as 30s or 1m30s");

const healthcheckSchema = z.object({
  test: z.union([z.string(), z.array(z.string()).min(2)]),
  interval: duration,
  timeout: duration,
  retries: z.number().int(),
  start_period: duration.optional(),
});

const serviceSchema = z
  .object({
    image: z.string().optional(),
    build: z.union([z.string(), z.object({ context: z.string() }).passthrough()]).optional(),
    entrypoint: z.array(z.string()).optional(),
    command: z.array(z.string()).optional(),
    profiles: z.array(z.string()).optional(),
    restart: z.string().optional(),
    // Quoted scalars only: an unquoted `false` or `3000` is a YAML boolean or number.
    environment: z.record(z.string(), z.string()).optional(),
    ports: z.array(z.string()).optional(),
    expose: z.array(z.string()).optional(),
    volumes: z.array(z.string()).optional(),
    depends_on: z
      .record(
        z.string(),
        z.object({
          condition: z.enum(["service_started", "service_healthy", "service_completed_successfully"]),
        }),
      )
      .optional(),
    healthcheck: healthcheckSchema.optional(),
  })
  .passthrough();

export const composeSchema = z
  .object({
    name: z.string().optional(),
    services: z.record(z.string(), serviceSchema),
    volumes: z.record(z.string(), z.null().or(z.object({}).passthrough())).optional(),
  })
  .passthrough();

export type ComposeFile = z.infer<typeof composeSchema>;
export type ComposeService = z.infer<typeof serviceSchema>;
export type Healthcheck = z.infer<typeof healthcheckSchema>;

/** `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}`. */
const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

export interface VariableUse {
  name: string;
  /** "-" default when unset, ":-" also when empty, "?"/":?" required, "" plain. */
  operator: "" | "-" | ":-" | "?" | ":?";
  argument: string;
}

/** Every `${…}` in a text, ignoring `$${…}` (an escaped dollar). */
export function variableUses(text: string): VariableUse[] {
  const uses: VariableUse[] = [];
  for (const match of text.matchAll(REFERENCE)) {
    if (match.index > 0 && text[match.index - 1] === "$") continue;
    uses.push({
      name: match[1] as string,
      operator: (match[2] ?? "") as VariableUse["operator"],
      argument: match[3] ?? "",
    });
  }
  return uses;
}

/** Compose's interpolation of one value; throws where Compose would refuse to start. */
export function interpolate(value: string, env: Record<string, string>): string {
  const replaced = value.replace(
    REFERENCE,
    (whole, name: string, operator: string | undefined, argument = "", offset: number) => {
      if (offset > 0 && value[offset - 1] === "$") return whole;
      const current = env[name];
      switch (operator) {
        case ":-":
          return current === undefined || current === "" ? argument : current;
        case "-":
          return current === undefined ? argument : current;
        case ":?":
        case "?":
          if (current === undefined || (operator === ":?" && current === ""))
            throw new Error(`${name}: ${argument}`);
          return current;
        default:
          return current ?? "";
      }
    },
  );
  return replaced.replaceAll("$$", "$");
}

/** KEY=value lines of an env file; comments and blank lines skipped, no quoting rules needed. */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    const eq = trimmed.indexOf("=");
    if (eq <= 0) throw new Error(`not KEY=value: ${line}`);
    env[trimmed.slice(0, eq)] = trimmed.slice(eq + 1);
  }
  return env;
}

/** Deep copy with every string interpolated (Compose interpolates values, never keys). */
export function interpolateAll<T>(node: T, env: Record<string, string>): T {
  if (typeof node === "string") return interpolate(node, env) as T;
  if (Array.isArray(node)) return node.map((item) => interpolateAll(item, env)) as T;
  if (node !== null && typeof node === "object") {
    return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, interpolateAll(v, env)])) as T;
  }
  return node;
}

export function readComposeFile(path: string): { text: string; raw: unknown; compose: ComposeFile } {
  const text = readFileSync(path, "utf8");
  const raw: unknown = parse(text, { merge: true });
  return { text, raw, compose: composeSchema.parse(raw) };
}

/** Seconds in a Compose duration such as "1m30s". */
export function seconds(text: string): number {
  const factor: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600 };
  let total = 0;
  for (const [, amount, unit] of text.matchAll(/(\d+)(ms|s|m|h)/g))
    total += Number(amount) * (factor[unit as string] ?? 0);
  return total;
}

/** A short-syntax volume "source:target[:mode]" split into its parts. */
export function splitVolume(spec: string): { source: string; target: string; readOnly: boolean } {
  const [source = "", target = "", mode = ""] = spec.split(":");
  return { source, target, readOnly: mode.split(",").includes("ro") };
}

/** A short-syntax port "[host_ip:]host_port:container_port" split into its parts. */
export function splitPort(spec: string): {
  hostIp: string | undefined;
  hostPort: string;
  containerPort: string;
} {
  const parts = spec.split(":");
  if (parts.length === 3)
    return { hostIp: parts[0], hostPort: parts[1] as string, containerPort: parts[2] as string };
  return { hostIp: undefined, hostPort: parts[0] as string, containerPort: parts[1] as string };
}
