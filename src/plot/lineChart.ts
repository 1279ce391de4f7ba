// A small, dependency-free SVG line chart: enough for loss curves, readable in any browser.

/** One curve: points as [x, y] pairs, x increasing. */
export interface Series {
  readonly name: string;
  readonly points: ReadonlyArray<readonly [number, number]>;
  /** CSS colour; a palette colour is used when omitted. */
  readonly color?: string;
  /** Draw dashed (e.g. validation against training). */
  readonly dashed?: boolean;
  /** Also draw a dot at every point (for sparse measurements, e.g. validation). */
  readonly markers?: boolean;
}

export interface LineChartConfig {
  readonly title?: string;
  readonly xLabel?: string;
  readonly yLabel?: string;
  /** Pixels. Defaults 800 × 450. */
  readonly width?: number;
  readonly height?: number;
}

/** Colour-blind-friendly palette (Okabe–Ito). */
const PALETTE = ['#0072B2', '#D55E00', '#009E73', '#CC79A7', '#E69F00', '#56B4E9', '#000000', '#F0E442'];

/**
 * Renders curves as a standalone SVG document with axes, "nice" ticks, a legend and a title. Non-finite
 * points are skipped; an empty chart still renders its frame.
 */
export function lineChartSvg(series: readonly Series[], config?: LineChartConfig): string {
  const { title = '', xLabel = '', yLabel = '', width = 800, height = 450 } = config ?? {};
  const margin = { left: 70, right: 20 + legendWidth(series), top: title ? 40 : 20, bottom: 50 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;

  const xs: number[] = [];
  const ys: number[] = [];
  for (const s of series) {
    for (const [x, y] of s.points) {
      if (Number.isFinite(x) && Number.isFinite(y)) {
        xs.push(x);
        ys.push(y);
      }
    }
  }
  const [x0, x1] = paddedRange(xs, false);
  const [y0, y1] = paddedRange(ys, true);
  const xTicks = niceTicks(x0, x1, 6);
  const yTicks = niceTicks(y0, y1, 6);
  const xMin = Math.min(x0, xTicks[0] ?? x0);
  const xMax = Math.max(x1, xTicks[xTicks.length - 1] ?? x1);
  const yMin = Math.min(y0, yTicks[0] ?? y0);
  const yMax = Math.max(y1, yTicks[yTicks.length - 1] ?? y1);
  const sx = (x: number): number => margin.left + ((x - xMin) / (xMax - xMin)) * plotW;
  const sy = (y: number): number => margin.top + plotH - ((y - yMin) / (yMax - yMin)) * plotH;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="system-ui, -apple-system, 'Segoe UI', sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
  );
  if (title) out.push(`<text x="${width / 2}" y="24" text-anchor="middle" font-size="16" font-weight="600">${esc(title)}</text>`);
  // Grid and tick labels.
  for (const t of yTicks) {
    const y = fmt(sy(t));
    out.push(`<line x1="${margin.left}" x2="${margin.left + plotW}" y1="${y}" y2="${y}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${margin.left - 8}" y="${y}" text-anchor="end" dominant-baseline="middle" fill="#444">${tickLabel(t)}</text>`);
  }
  for (const t of xTicks) {
    const x = fmt(sx(t));
    out.push(`<line x1="${x}" x2="${x}" y1="${margin.top}" y2="${margin.top + plotH}" stroke="#f0f0f0"/>`);
    out.push(`<text x="${x}" y="${margin.top + plotH + 18}" text-anchor="middle" fill="#444">${tickLabel(t)}</text>`);
  }
  out.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#888"/>`,
  );
  if (xLabel) out.push(`<text x="${margin.left + plotW / 2}" y="${height - 10}" text-anchor="middle">${esc(xLabel)}</text>`);
  if (yLabel) {
    const cy = margin.top + plotH / 2;
    out.push(`<text x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})">${esc(yLabel)}</text>`);
  }
  // Curves, clipped to the plot area.
  out.push(`<clipPath id="plot"><rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}"/></clipPath>`);
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const d: string[] = [];
    let pen = 'M';
    for (const [x, y] of s.points) {
      if (!Number.isFinite(x) || !Number.isFinite(y)) {
        pen = 'M';
        continue;
      }
      d.push(`${pen}${fmt(sx(x))},${fmt(sy(y))}`);
      pen = 'L';
    }
    if (d.length === 0) return;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(
      `<path d="${d.join('')}" fill="none" stroke="${color}" stroke-width="1.8" stroke-linejoin="round"${dash} clip-path="url(#plot)"/>`,
    );
    // A dot on every measured point: a line through two points must not pass for a measured curve.
    if (s.markers) {
      const dots = s.points
        .filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y))
        .map(([x, y]) => `<circle cx="${fmt(sx(x))}" cy="${fmt(sy(y))}" r="3"/>`);
      out.push(`<g class="markers" fill="${color}" clip-path="url(#plot)">${dots.join('')}</g>`);
    }
  });
  // Legend.
  const lx = margin.left + plotW + 16;
  series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const y = margin.top + 10 + i * 20;
    const dash = s.dashed ? ' stroke-dasharray="6 4"' : '';
    out.push(`<line x1="${lx}" x2="${lx + 22}" y1="${y}" y2="${y}" stroke="${color}" stroke-width="2.5"${dash}/>`);
    out.push(`<text x="${lx + 28}" y="${y}" dominant-baseline="middle">${esc(s.name)}</text>`);
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

function legendWidth(series: readonly Series[]): number {
  const longest = Math.max(0, ...series.map((s) => s.name.length));
  return series.length === 0 ? 0 : 40 + longest * 7;
}

/** Data range, padded a little so curves do not touch the frame; a degenerate range is widened. */
function paddedRange(values: number[], pad: boolean): [number, number] {
  if (values.length === 0) return [0, 1];
  // A loop, not Math.min(...values): a long history would overflow the call stack.
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  if (lo === hi) {
    lo -= Math.abs(lo) * 0.1 || 1;
    hi += Math.abs(hi) * 0.1 || 1;
  } else if (pad) {
    const p = (hi - lo) * 0.05;
    lo -= p;
    hi += p;
  }
  return [lo, hi];
}

/** About `count` round tick values (1, 2 or 5 × 10^k apart) covering [lo, hi]. */
export function niceTicks(lo: number, hi: number, count: number): number[] {
  const raw = (hi - lo) / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const ticks: number[] = [];
  for (let t = Math.floor(lo / step) * step; t <= hi + step * 1e-9; t += step) {
    ticks.push(Number(t.toPrecision(12)));
  }
  return ticks;
}

function tickLabel(t: number): string {
  const a = Math.abs(t);
  if (a >= 1e6 || (a > 0 && a < 1e-3)) return t.toExponential(1);
  if (a >= 1000 && t % 1000 === 0) return `${t / 1000}k`;
  if (a >= 1000 && Number.isInteger(t)) return t.toLocaleString('en-US');
  return String(Number(t.toPrecision(6)));
}

function fmt(v: number): string {
  return v.toFixed(1);
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
