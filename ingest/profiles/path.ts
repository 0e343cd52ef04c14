// Values at field paths of a parsed JSON payload (model/source.ts parseFieldPath), and what is
// there instead when a path leads nowhere, so a dead letter can list the fields a payload has.
import { type PathStep, parseFieldPath } from "../../model/source.ts";

export type Lookup = { found: true; value: unknown } | { found: false; has: string[] };

const parsed = new Map<string, PathStep[]>();

/** The steps of a path the site schema already checked. */
export function stepsOf(path: string): PathStep[] {
  let steps = parsed.get(path);
  if (steps === undefined) {
    steps = parseFieldPath(path) ?? [path];
    if (parsed.size > 10_000) parsed.clear();
    parsed.set(path, steps);
  }
  return steps;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** The value at `path` under `root`; when absent, the fields of the deepest object reached,
 * written as paths from `root` ("temperature", "values[1]"), at most 20. */
export function valueAt(root: unknown, path: string): Lookup {
  let here: unknown = root;
  let prefix = "";
  for (const step of stepsOf(path)) {
    if (Array.isArray(here) && typeof step === "number") {
      if (step >= here.length) return { found: false, has: listed(here, prefix) };
      here = here[step];
      prefix = `${prefix}[${step}]`;
    } else if (isObject(here) && Object.hasOwn(here, String(step))) {
      here = here[String(step)];
      prefix = prefix === "" ? String(step) : `${prefix}.${step}`;
    } else return { found: false, has: listed(here, prefix) };
  }
  return { found: true, value: here };
}

function listed(here: unknown, prefix: string): string[] {
  const join = (k: string) => (prefix === "" ? k : `${prefix}.${k}`);
  if (Array.isArray(here)) return here.slice(0, 20).map((_, i) => `${prefix}[${i}]`);
  if (isObject(here)) return Object.keys(here).slice(0, 20).map(join);
  return [];
}

/** A JSON value named in a message: its type, and the value when short. */
export function describeValue(v: unknown): string {
  if (v === null) return "null";
  if (Array.isArray(v)) return "an array";
  if (typeof v === "object") return "an object";
  if (typeof v === "string") return `a string (${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)})`;
  return `a ${typeof v} (${String(v)})`;
}
