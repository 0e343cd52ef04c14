// The small declarative model our dashboards are written in, and its rendering to the JSON
// Grafana (11, schema 39) reads. A panel declares its InfluxQL queries with the columns each
// must answer, so the services test can run every query and check its shape.

/** The provisioned datasource (provisioning/datasources/influxdb.yaml) of the raw telemetry. */
export const DATASOURCE = { type: "influxdb", uid: "influxdb-telemetry" } as const;
/** The provisioned datasource of the daily rollups' database (storage/influx/daily-rollup.ts). */
export const DAILY_DATASOURCE = { type: "influxdb", uid: "influxdb-daily" } as const;

/** Grafana 11.0's dashboard schema; later versions migrate it on load. */
export const SCHEMA_VERSION = 39;

export interface QuerySpec {
  refId: string;
  /** Raw InfluxQL with Grafana's macros ($timeFilter, $__interval…) and variables. */
  query: string;
  resultFormat: "time_series" | "table";
  /** Legend of time series: $tag_space, $measurement, $col or a fixed text. */
  alias?: string;
  /** Columns every series of the answer must have, "time" first (checked by the test). */
  columns: readonly string[];
}

export interface PanelSpec {
  title: string;
  description: string;
  type: "timeseries" | "table" | "stat" | "state-timeline" | "bargauge";
  width: number;
  height: number;
  queries: readonly QuerySpec[];
  /** Smallest $__interval Grafana may pick for this panel ("1h" for meter increases). */
  minInterval?: string;
  unit?: string;
  decimals?: number;
  /** Merged into fieldConfig.defaults after unit and decimals. */
  defaults?: Record<string, unknown>;
  overrides?: readonly unknown[];
  options?: Record<string, unknown>;
  transformations?: readonly unknown[];
  /** "daily" for panels reading the rollups; default: the raw telemetry. */
  source?: "telemetry" | "daily";
}

export interface VariableSpec {
  name: string;
  label: string;
  /** A SHOW TAG VALUES query; may use variables defined before it. */
  query: string;
}

export interface DashboardSpec {
  uid: string;
  title: string;
  description: string;
  tags: readonly string[];
  variables: readonly VariableSpec[];
  panels: readonly PanelSpec[];
  /** Default time range, Grafana's relative syntax. */
  from: string;
}

/** Columns a SHOW TAG VALUES answer has. */
export const TAG_VALUES_COLUMNS = ["key", "value"] as const;

const GRID_WIDTH = 24;

/** Lays panels left to right, wrapping at Grafana's 24 columns. */
function layout(panels: readonly PanelSpec[]): { x: number; y: number; w: number; h: number }[] {
  let x = 0;
  let y = 0;
  let rowHeight = 0;
  return panels.map((p) => {
    if (x + p.width > GRID_WIDTH) {
      x = 0;
      y += rowHeight;
      rowHeight = 0;
    }
    const pos = { x, y, w: p.width, h: p.height };
    x += p.width;
    rowHeight = Math.max(rowHeight, p.height);
    return pos;
  });
}

const datasourceOf = (p: PanelSpec) => (p.source === "daily" ? DAILY_DATASOURCE : DATASOURCE);

function renderTarget(q: QuerySpec, datasource: ReturnType<typeof datasourceOf>) {
  return {
    refId: q.refId,
    datasource,
    rawQuery: true,
    query: q.query,
    resultFormat: q.resultFormat,
    ...(q.alias === undefined ? {} : { alias: q.alias }),
  };
}

function renderPanel(p: PanelSpec, id: number, gridPos: ReturnType<typeof layout>[number]) {
  return {
    id,
    type: p.type,
    title: p.title,
    description: p.description,
    datasource: datasourceOf(p),
    gridPos,
    ...(p.minInterval === undefined ? {} : { interval: p.minInterval }),
    targets: p.queries.map((q) => renderTarget(q, datasourceOf(p))),
    fieldConfig: {
      defaults: {
        ...(p.unit === undefined ? {} : { unit: p.unit }),
        ...(p.decimals === undefined ? {} : { decimals: p.decimals }),
        ...p.defaults,
      },
      overrides: p.overrides ?? [],
    },
    options: p.options ?? {},
    transformations: p.transformations ?? [],
  };
}

function renderVariable(v: VariableSpec) {
  return {
    name: v.name,
    label: v.label,
    type: "query",
    datasource: DATASOURCE,
    query: v.query,
    definition: v.query,
    // Refreshed when the dashboard loads, so new buildings and dwellings appear by themselves.
    refresh: 1,
    regex: "",
    sort: 1,
    // Single values: queries use ${var:regex}, which stays correct if someone turns multi on.
    multi: false,
    includeAll: false,
    current: {},
    options: [],
    hide: 0,
  };
}

export function renderDashboard(spec: DashboardSpec) {
  const positions = layout(spec.panels);
  return {
    uid: spec.uid,
    title: spec.title,
    description: spec.description,
    tags: spec.tags,
    editable: true,
    graphTooltip: 1,
    schemaVersion: SCHEMA_VERSION,
    version: 1,
    refresh: "5m",
    timezone: "browser",
    fiscalYearStartMonth: 0,
    liveNow: false,
    time: { from: spec.from, to: "now" },
    timepicker: {},
    annotations: { list: [] },
    // The other charge-guard dashboards, keeping the time range and the variables.
    links: [
      {
        title: "Charge guard",
        type: "dashboards",
        tags: ["charge-guard"],
        asDropdown: true,
        includeVars: true,
        keepTime: true,
        icon: "external link",
        targetBlank: false,
        tooltip: "",
        url: "",
      },
    ],
    templating: { list: spec.variables.map(renderVariable) },
    panels: spec.panels.map((p, i) => renderPanel(p, i + 1, positions[i]!)),
  };
}

export type GrafanaDashboard = ReturnType<typeof renderDashboard>;
