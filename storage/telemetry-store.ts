// The TelemetryStore port: what ingest writes to and what the API and the guard read from.
// storage/contract/ is its executable definition; every adapter passes it unchanged.

import type { Every, WindowValue } from "../domain/calendar.ts";
import type { Quantity } from "../model/quantities.ts";
import type { Reading } from "../model/reading.ts";

export type { Every, WindowValue };

export type AggregateFn = "mean" | "min" | "max" | "sum" | "last" | "count";

/** Which series to read. Omitted fields match everything. Time range is [from, to) in ms UTC. */
export interface SeriesFilter {
  building: string;
  quantity: Quantity;
  space?: string;
  sensor?: string;
  from: number;
  to: number;
}

export interface AggregateQuery extends SeriesFilter {
  fn: AggregateFn;
  every: Every;
}

/** A windowed value per space, for per-dwelling views (heatmaps, comparisons). */
export interface SpaceWindowValue extends WindowValue {
  space: string;
}

export interface WriteResult {
  /** Points now stored (new or overwritten with the same identity). */
  written: number;
  /** Points the store refused, each with why; the rest of the batch is stored. */
  rejected: { reading: Reading; reason: string }[];
}

export interface TelemetryStore {
  /** Opens connections, creates schema or database when allowed. Safe to call once. */
  connect(): Promise<void>;
  /** Releases everything. Safe twice and without connect. */
  close(): Promise<void>;
  /** Cheap round trip proving the store answers; throws when it does not. */
  ping(): Promise<void>;

  /** Stores a batch. Idempotent: (building, space, sensor, t) identifies a point, a second
   * write replaces the value. Resolves only when every point is durable or rejected. */
  write(readings: readonly Reading[]): Promise<WriteResult>;

  /** Raw points in [from, to), ordered by sensor then time. */
  readRaw(filter: SeriesFilter): Promise<Reading[]>;

  /** Number of points in [from, to) matching the filter. */
  count(filter: SeriesFilter): Promise<number>;

  /** One value per window over all matching series merged (e.g. mean temperature of a
   * building), windows with no point omitted, ordered by start. */
  aggregate(query: AggregateQuery): Promise<WindowValue[]>;

  /** Consumption per window derived from cumulative meter indexes, summed over the matching
   * sensors (see domain/consumption.ts for the exact rule and meter resets). */
  consumption(query: Omit<AggregateQuery, "fn">): Promise<WindowValue[]>;

  /** Like consumption, but kept per space: one row per (space, window). */
  consumptionBySpace(query: Omit<AggregateQuery, "fn">): Promise<SpaceWindowValue[]>;

  /** The most recent point of every matching sensor (time range ignored except `to`, which
   * is an exclusive upper bound when given). */
  latest(
    filter: Omit<SeriesFilter, "from" | "to" | "quantity"> & { quantity?: Quantity; to?: number },
  ): Promise<Reading[]>;
}
