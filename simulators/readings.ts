// Readings of a simulated site over a period, in time order: a pure generator over
// SiteSimulation, the same values a live run gives at the same instants.
import type { Reading } from "../model/reading.ts";
import type { Site } from "../model/site.ts";
import { SimulatorError } from "./errors.ts";
import type { Scenario } from "./scenario.ts";
import { SiteSimulation } from "./site-simulation.ts";

export const DEFAULT_STEP_MS = 15 * 60_000;

export interface ReadingsOptions {
  site: Site;
  scenario?: Scenario;
  seed: number;
  /** [from, to) in ms UTC. Instants are the multiples of the step inside it. */
  from: number;
  to: number;
  stepMs?: number;
  /** Reuse a simulation (its caches) rather than building one. */
  simulation?: SiteSimulation;
}

/** The instants of [from, to) on the step grid (multiples of the step since the epoch). */
export function* instants(from: number, to: number, stepMs: number = DEFAULT_STEP_MS): Generator<number> {
  if (!(stepMs >= 1_000 && Number.isInteger(stepMs))) {
    throw new SimulatorError(
      "OPTIONS_INVALID",
      `step must be a whole number of ms, at least 1000; got ${stepMs}`,
    );
  }
  for (let t = Math.ceil(from / stepMs) * stepMs; t < to; t += stepMs) yield t;
}

/** Every reading of the site on the step grid in [from, to), grouped by instant. */
export function* generateReadingBatches(options: ReadingsOptions): Generator<Reading[]> {
  const sim = options.simulation ?? new SiteSimulation(options);
  for (const t of instants(options.from, options.to, options.stepMs)) yield sim.readingsAt(t);
}

/** Every reading of the site on the step grid in [from, to), in time order. */
export function* generateReadings(options: ReadingsOptions): Generator<Reading> {
  for (const batch of generateReadingBatches(options)) yield* batch;
}
