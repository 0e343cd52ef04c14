// A line chart as inline SVG (no script, no external file): months on the x axis, one line per
// group, each with its own dash and marker so colour is never the only difference, a title and
// a description for screen readers. The page prints the same figures as a table beside it.
import { type Html, html, raw } from "./html.ts";

export interface LineSeries {
  key: "treated" | "control" | "metered";
  label: string;
  values: (number | null)[];
}

export interface LineChartOptions {
  id: string;
  title: string;
  description: string;
  xLabels: string[];
  series: LineSeries[];
  /** Index on the x axis where a vertical marker goes (installation). */
  markerIndex: number | null;
  markerLabel: string;
  formatY: (v: number) => string;
}

const W = 560;
const H = 280;
const PAD = { left: 64, right: 14, top: 18, bottom: 44 };
const STYLE = {
  treated: { stroke: "#14365c", dash: "", marker: "circle" },
  control: { stroke: "#b34700", dash: "8 5", marker: "square" },
  metered: { stroke: "#14365c", dash: "", marker: "circle" },
} as const;

/** A round step giving about `count` ticks up to max. */
function niceStep(max: number, count: number): number {
  const raw0 = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw0));
  const n = raw0 / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * mag;
}

const f = (n: number) => n.toFixed(1);

export function lineChart(o: LineChartOptions): Html {
  const all = o.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const top = all.length ? Math.max(...all) : 1;
  const step = niceStep(top > 0 ? top : 1, 4);
  const yMax = Math.ceil((top > 0 ? top : 1) / step) * step;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const n = o.xLabels.length;
  const x = (i: number) => PAD.left + (n <= 1 ? plotW / 2 : (i * plotW) / (n - 1));
  const y = (v: number) => PAD.top + plotH - (v / yMax) * plotH;
  const ticks: number[] = [];
  for (let v = 0; v <= yMax + step / 2; v += step) ticks.push(v);
  const every = Math.max(1, Math.ceil(n / 7));

  const grid = ticks.map(
    (v) =>
      html`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${f(y(v))}" y2="${f(y(v))}" stroke="#c8c8c8" stroke-width="1"/><text x="${PAD.left - 6}" y="${f(y(v) + 5)}" text-anchor="end" font-size="14" fill="#111">${o.formatY(v)}</text>`,
  );
  const labels = o.xLabels.map((label, i) =>
    i % every === 0 || i === n - 1
      ? html`<text x="${f(x(i))}" y="${H - PAD.bottom + 22}" text-anchor="${i === n - 1 && n > 1 ? "end" : i === 0 ? "start" : "middle"}" font-size="14" fill="#111">${label}</text>`
      : "",
  );
  const lines = o.series.map((s) => {
    const st = STYLE[s.key];
    // A gap (null) breaks the line rather than joining across missing months.
    const runs: string[] = [];
    let run: string[] = [];
    s.values.forEach((v, i) => {
      if (v === null) {
        if (run.length) runs.push(run.join(" "));
        run = [];
      } else run.push(`${f(x(i))},${f(y(v))}`);
    });
    if (run.length) runs.push(run.join(" "));
    const marks = s.values.map((v, i) => {
      if (v === null) return "";
      return st.marker === "circle"
        ? html`<circle cx="${f(x(i))}" cy="${f(y(v))}" r="4" fill="${st.stroke}"/>`
        : html`<rect x="${f(x(i) - 4)}" y="${f(y(v) - 4)}" width="8" height="8" fill="${st.stroke}"/>`;
    });
    return html`<g>${runs.map(
      (points) =>
        html`<polyline points="${points}" fill="none" stroke="${st.stroke}" stroke-width="3"${st.dash ? raw(` stroke-dasharray="${st.dash}"`) : ""}/>`,
    )}${marks}</g>`;
  });
  const marker =
    o.markerIndex === null
      ? ""
      : html`<line x1="${f(x(o.markerIndex))}" x2="${f(x(o.markerIndex))}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#111" stroke-width="2" stroke-dasharray="2 4"/><text x="${f(x(o.markerIndex) + 5)}" y="${PAD.top + 12}" font-size="14" fill="#111">${o.markerLabel}</text>`;
  return html`<svg viewBox="0 0 ${W} ${H}" role="img" aria-labelledby="${o.id}-t ${o.id}-d" xmlns="http://www.w3.org/2000/svg"><title id="${o.id}-t">${o.title}</title><desc id="${o.id}-d">${o.description}</desc>${grid}<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="#111" stroke-width="1.5"/>${labels}${marker}${lines}</svg>`;
}
