/** Benchmark output: an aligned table on stdout, JSON and an SVG plot under bench/out/. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const OUT_DIR = join(dirname(fileURLToPath(import.meta.url)), 'out');

/** Prints rows as an aligned table. */
export function printTable(rows: Record<string, string | number>[]): void {
  if (rows.length === 0) return;
  const cols = Object.keys(rows[0]!);
  const cell = (v: string | number | undefined): string => (typeof v === 'number' ? formatNumber(v) : (v ?? ''));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]): string => vals.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  console.log(line(cols));
  for (const r of rows) console.log(line(cols.map((c) => cell(r[c]))));
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  if (Math.abs(v) >= 100) return v.toFixed(0);
  if (Math.abs(v) >= 1) return v.toFixed(2);
  return v.toFixed(4);
}

/** Writes `bench/out/<name>.json`. */
export function writeJson(name: string, data: unknown): string {
  mkdirSync(OUT_DIR, { recursive: true });
  const p = join(OUT_DIR, `${name}.json`);
  writeFileSync(p, JSON.stringify(data, null, 2) + '\n');
  return p;
}

/** One series of a plot. */
export interface PlotSeries {
  label: string;
  points: { x: number; y: number }[];
}

/** Writes `bench/out/<name>.svg`: a line/point chart, log-scaled y when asked. */
export function writeSvgPlot(name: string, title: string, xLabel: string, yLabel: string, series: PlotSeries[], logY = false): string {
  const W = 720;
  const H = 440;
  const m = { l: 70, r: 180, t: 40, b: 50 };
  const all = series.flatMap((s) => s.points);
  const xs = all.map((p) => p.x);
  const ys = all.map((p) => (logY ? Math.log10(Math.max(p.y, 1e-9)) : p.y));
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs) === x0 ? x0 + 1 : Math.max(...xs);
  const y0 = logY ? Math.floor(Math.min(...ys)) : 0;
  const y1 = logY ? Math.ceil(Math.max(...ys)) : Math.max(...ys) * 1.1 || 1;
  const px = (x: number): number => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y: number): number => H - m.b - (((logY ? Math.log10(Math.max(y, 1e-9)) : y) - y0) / (y1 - y0 || 1)) * (H - m.t - m.b);
  const colors = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf'];
  let svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" font-family="sans-serif" font-size="12">\n`;
  svg += `<rect width="100%" height="100%" fill="white"/>\n<text x="${W / 2 - 80}" y="20" font-size="14">${esc(title)}</text>\n`;
  svg += `<line x1="${m.l}" y1="${H - m.b}" x2="${W - m.r}" y2="${H - m.b}" stroke="black"/><line x1="${m.l}" y1="${m.t}" x2="${m.l}" y2="${H - m.b}" stroke="black"/>\n`;
  for (let i = 0; i <= 4; i++) {
    const xv = x0 + ((x1 - x0) * i) / 4;
    svg += `<text x="${px(xv) - 15}" y="${H - m.b + 18}">${formatNumber(xv)}</text>\n`;
    const yv = y0 + ((y1 - y0) * i) / 4;
    const label = logY ? formatNumber(10 ** yv) : formatNumber(yv);
    svg += `<text x="${m.l - 60}" y="${H - m.b - ((H - m.t - m.b) * i) / 4 + 4}">${label}</text>\n`;
  }
  svg += `<text x="${(W - m.r) / 2}" y="${H - 10}">${esc(xLabel)}</text>\n<text x="12" y="${m.t - 10}">${esc(yLabel)}</text>\n`;
  series.forEach((s, i) => {
    const c = colors[i % colors.length]!;
    const pts = [...s.points].sort((a, b) => a.x - b.x);
    svg += `<polyline fill="none" stroke="${c}" stroke-width="2" points="${pts.map((p) => `${px(p.x)},${py(p.y)}`).join(' ')}"/>\n`;
    for (const p of pts) svg += `<circle cx="${px(p.x)}" cy="${py(p.y)}" r="3" fill="${c}"/>\n`;
    svg += `<rect x="${W - m.r + 10}" y="${m.t + i * 18}" width="10" height="10" fill="${c}"/><text x="${W - m.r + 25}" y="${m.t + i * 18 + 9}">${esc(s.label)}</text>\n`;
  });
  svg += '</svg>\n';
  mkdirSync(OUT_DIR, { recursive: true });
  const p = join(OUT_DIR, `${name}.svg`);
  writeFileSync(p, svg);
  return p;
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
}

/** Median of a list of numbers. */
export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
}
