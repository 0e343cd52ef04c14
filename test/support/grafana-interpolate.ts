// What Grafana's InfluxDB datasource does to a raw InfluxQL query before sending it, for the
// macros and formats our dashboards use, so tests can run the checked-in queries for real.
// Anything else that looks like a variable is an error: a query the test cannot resolve is a
// query Grafana would send with a "$" left in it.
import { oneKindError } from "../../model/errors.ts";

export interface GrafanaContext {
  /** Absolute time range, ms UTC (Grafana's $timeFilter renders both ends as "<ms>ms"). */
  from: number;
  to: number;
  /** The panel's $__interval in ms, after its minimum interval was applied. */
  intervalMs: number;
  /** Single-valued template variables. */
  variables: Readonly<Record<string, string>>;
}

export class InterpolationError extends oneKindError("InterpolationError") {}

/** Grafana's regex escaping (the `regex` format and multi-value InfluxDB variables). */
export function escapeRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, "\\$&");
}

const UNITS: [string, number][] = [
  ["d", 86_400_000],
  ["h", 3_600_000],
  ["m", 60_000],
  ["s", 1_000],
  ["ms", 1],
];

/** An interval as Grafana writes it into a query: "15m", "1h", "1d". */
export function formatInterval(ms: number): string {
  if (!(Number.isInteger(ms) && ms > 0))
    throw new RangeError(`interval must be a positive integer ms, got ${ms}`);
  const [unit, size] = UNITS.find(([, size]) => ms % size === 0) ?? ["ms", 1];
  return `${ms / size}${unit}`;
}

/** Parses Grafana's interval syntax ("1m", "15m", "1h", "1d") into ms. */
export function parseInterval(text: string): number {
  const match = /^(\d+)(ms|s|m|h|d|w)$/.exec(text);
  if (!match) throw new RangeError(`not a Grafana interval: ${text}`);
  const size = match[2] === "w" ? 7 * 86_400_000 : (UNITS.find(([u]) => u === match[2])?.[1] ?? 1);
  return Number(match[1]) * size;
}

function builtIn(name: string, ctx: GrafanaContext): string | undefined {
  switch (name) {
    case "timeFilter":
    case "__timeFilter":
      return `time >= ${ctx.from}ms and time <= ${ctx.to}ms`;
    case "__interval":
    case "interval":
      return formatInterval(ctx.intervalMs);
    case "__interval_ms":
      return String(ctx.intervalMs);
    case "__from":
      return String(ctx.from);
    case "__to":
      return String(ctx.to);
    default:
      return undefined;
  }
}

function resolve(name: string, format: string | undefined, ctx: GrafanaContext): string {
  const value = builtIn(name, ctx) ?? ctx.variables[name];
  if (value === undefined) throw new InterpolationError(`unknown variable $${name}`);
  if (format === undefined || format === "raw") return value;
  if (format === "regex") return escapeRegex(value);
  throw new InterpolationError(`unsupported format ${name}:${format}`);
}

// ${name} / ${name:format}, [[name]] and $name, as Grafana's template service matches them.
const VARIABLE = /\$\{(\w+)(?::(\w+))?\}|\[\[(\w+)(?::(\w+))?\]\]|\$(\w+)/g;

/** The query as Grafana sends it to InfluxDB for this range, interval and variables. */
export function interpolate(query: string, ctx: GrafanaContext): string {
  return query.replace(VARIABLE, (_all, braced, bracedFormat, bracketed, bracketedFormat, plain) =>
    resolve(braced ?? bracketed ?? plain, bracedFormat ?? bracketedFormat, ctx),
  );
}
