// The evaluation page: run a query batch against posted qrels and show the
// metric table, and show benchmark result files (bench/out/*.json) as
// tables and recall–latency plots.
import { api, el, fmt, setupKeyBox } from '/assets/api.js';

const $ = (id) => document.getElementById(id);
const askForKey = setupKeyBox($('key-box'), () => start());

function parseQueries(text) {
  const queries = [];
  text.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (t === '') return;
    if (t.startsWith('{')) {
      const o = JSON.parse(t);
      queries.push({ id: String(o._id ?? o.id), text: String(o.text ?? o.query ?? '') });
      return;
    }
    const tab = t.indexOf('\t');
    if (tab < 0) throw new Error(`queries line ${i + 1}: expected "id<TAB>text"`);
    queries.push({ id: t.slice(0, tab), text: t.slice(tab + 1) });
  });
  return queries;
}

function table(headers, rows) {
  const t = el('table');
  const tr = el('tr');
  headers.forEach((h) => tr.append(el('th', '', h)));
  t.append(tr);
  for (const r of rows) {
    const row = el('tr');
    r.forEach((v) => row.append(el('td', typeof v === 'number' ? 'num' : '', fmt(v))));
    t.append(row);
  }
  return t;
}

async function evaluate(e) {
  e.preventDefault();
  const status = $('eval-status');
  try {
    const queries = parseQueries($('queries').value);
    const body = {
      queries,
      k: Number($('depth').value),
      qrels: $('qrels').value,
      measures: $('measures').value.split(/\s+/).filter(Boolean),
      perQuery: true,
    };
    status.textContent = `running ${queries.length} queries…`;
    status.className = 'status';
    const res = await api('POST', `/v1/collections/${encodeURIComponent($('collection').value)}/run`, body);
    status.textContent = `${res.queries} queries in ${res.took_ms.toFixed(0)} ms`;
    const ev = res.evaluation;
    const names = ev.measures.filter((m) => m !== 'runid');
    const out = [
      el('h3', '', 'All queries'),
      table(
        ['measure', 'value'],
        names.map((m) => [m, ev.all[m]]),
      ),
    ];
    const perQuery = Object.entries(ev.perQuery ?? {});
    if (perQuery.length > 0) {
      const d = el('details');
      d.append(
        el('summary', '', `Per query (${perQuery.length})`),
        table(
          ['query', ...names],
          perQuery.map(([q, m]) => [q, ...names.map((n) => m[n])]),
        ),
      );
      out.push(d);
    }
    $('eval-result').replaceChildren(...out);
  } catch (err) {
    if (err.status === 401 || err.status === 403) askForKey();
    status.textContent = err.message;
    status.className = 'status error';
  }
}

// --- benchmark files -------------------------------------------------------

const isFlat = (o) =>
  o !== null && typeof o === 'object' && !Array.isArray(o) && Object.values(o).every((v) => v === null || typeof v !== 'object');
const recallKey = (o) => Object.keys(o).find((k) => /recall/i.test(k) && typeof o[k] === 'number');
const msKey = (o) => Object.keys(o).find((k) => /(^|[^a-z])ms|msPerQuery|latency/i.test(k) && typeof o[k] === 'number');

/** Finds arrays of flat rows (tables) and recall/latency series anywhere in a result file. */
function collect(data, path, parentLabel, tables, series) {
  if (Array.isArray(data)) {
    if (data.length > 0 && data.every(isFlat)) {
      tables.push({ path, rows: data });
      const rk = recallKey(data[0]);
      const mk = msKey(data[0]);
      if (rk && mk) {
        const groupKey = ['engine', 'family', 'index'].find((k) => typeof data[0][k] === 'string');
        const groups = new Map();
        for (const r of data) {
          const label = groupKey ? r[groupKey] : parentLabel || path;
          if (!groups.has(label)) groups.set(label, []);
          groups.get(label).push({
            x: r[mk],
            y: r[rk],
            note: Object.entries(r)
              .filter(([k, v]) => typeof v === 'string' && k !== groupKey)
              .map(([, v]) => v)
              .join(' '),
          });
        }
        for (const [label, points] of groups) series.push({ label, points, xName: mk, yName: rk });
      }
      return;
    }
    data.forEach((d, i) => collect(d, `${path}[${i}]`, parentLabel, tables, series));
    return;
  }
  if (data !== null && typeof data === 'object') {
    const label = [data.engine, data.dataset].filter((x) => typeof x === 'string').join(' · ') || parentLabel;
    for (const [k, v] of Object.entries(data))
      if (v !== null && typeof v === 'object') collect(v, path ? `${path}.${k}` : k, label, tables, series);
  }
}

const SVG = 'http://www.w3.org/2000/svg';
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b', '#e377c2', '#17becf', '#7f7f7f', '#bcbd22'];

function svg(tag, attrs, text) {
  const e = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Recall (y) against latency in ms (x, log scale), one line per series. */
function plot(series) {
  const W = 640,
    H = 360,
    L = 56,
    R = 170,
    T = 16,
    B = 44;
  const pts = series.flatMap((s) => s.points).filter((p) => p.x > 0);
  const xmin = Math.min(...pts.map((p) => p.x)),
    xmax = Math.max(...pts.map((p) => p.x));
  const ymin = Math.min(0.5, ...pts.map((p) => p.y)),
    ymax = 1;
  const lx0 = Math.log10(xmin) - 0.05,
    lx1 = Math.log10(xmax) + 0.05;
  const X = (x) => L + ((Math.log10(x) - lx0) / (lx1 - lx0 || 1)) * (W - L - R);
  const Y = (y) => T + (1 - (y - ymin) / (ymax - ymin || 1)) * (H - T - B);
  const root = svg('svg', { viewBox: `0 0 ${W} ${H}`, class: 'plot', role: 'img' });
  root.append(svg('title', {}, 'recall against latency'));
  const ticks = [];
  for (let e = Math.floor(lx0); e <= Math.ceil(lx1); e++) for (const m of [1, 2, 5]) ticks.push(m * 10 ** e);
  for (const v of ticks) {
    if (Math.log10(v) < lx0 || Math.log10(v) > lx1) continue;
    root.append(
      svg('line', { x1: X(v), x2: X(v), y1: T, y2: H - B, class: 'grid' }),
      svg('text', { x: X(v), y: H - B + 16, 'text-anchor': 'middle', class: 'tick' }, fmt(v)),
    );
  }
  for (let i = 0; i <= 5; i++) {
    const v = ymin + ((ymax - ymin) * i) / 5;
    root.append(
      svg('line', { x1: L, x2: W - R, y1: Y(v), y2: Y(v), class: 'grid' }),
      svg('text', { x: L - 6, y: Y(v) + 4, 'text-anchor': 'end', class: 'tick' }, v.toFixed(2)),
    );
  }
  root.append(svg('text', { x: (L + W - R) / 2, y: H - 8, 'text-anchor': 'middle', class: 'axis' }, `${series[0].xName} (log scale)`));
  root.append(
    svg(
      'text',
      { x: 14, y: (T + H - B) / 2, transform: `rotate(-90 14 ${(T + H - B) / 2})`, 'text-anchor': 'middle', class: 'axis' },
      series[0].yName,
    ),
  );
  series.forEach((s, i) => {
    const color = COLORS[i % COLORS.length];
    const ps = s.points.filter((p) => p.x > 0).sort((a, b) => a.x - b.x);
    root.append(
      svg('polyline', { points: ps.map((p) => `${X(p.x)},${Y(p.y)}`).join(' '), fill: 'none', stroke: color, 'stroke-width': 1.5 }),
    );
    for (const p of ps) {
      const c = svg('circle', { cx: X(p.x), cy: Y(p.y), r: 3, fill: color });
      c.append(svg('title', {}, `${s.label} ${p.note}: recall ${fmt(p.y)}, ${fmt(p.x)} ms`));
      root.append(c);
    }
    root.append(
      svg('rect', { x: W - R + 10, y: T + i * 18, width: 10, height: 10, fill: color }),
      svg('text', { x: W - R + 26, y: T + i * 18 + 9, class: 'legend' }, s.label.slice(0, 24)),
    );
  });
  return root;
}

async function loadBench() {
  try {
    const { files } = await api('GET', '/v1/bench');
    $('bench-status').textContent =
      files.length === 0 ? 'The benchmark folder has no result files yet (npm run bench -- dense).' : `${files.length} result file(s)`;
    const out = [];
    for (const f of files) {
      const box = el('div', 'bench-file');
      box.append(el('h3', '', f.name));
      if (f.error) {
        box.append(el('p', 'status error', f.error));
        out.push(box);
        continue;
      }
      const tables = [];
      const series = [];
      collect(f.data, '', '', tables, series);
      if (series.length > 0) box.append(plot(series));
      for (const t of tables.slice(0, 4)) {
        if (t.rows.length > 60) continue;
        const cols = [...new Set(t.rows.flatMap((r) => Object.keys(r)))];
        const d = el('details');
        d.open = series.length === 0;
        d.append(
          el('summary', '', `${t.path || 'rows'} (${t.rows.length})`),
          table(
            cols,
            t.rows.map((r) => cols.map((c) => r[c])),
          ),
        );
        box.append(d);
      }
      out.push(box);
    }
    $('bench').replaceChildren(...out);
  } catch (e) {
    if (e.status === 401 || e.status === 403) askForKey();
    $('bench-status').textContent = e.status === 404 ? 'No benchmark folder: start the server with --bench bench/out.' : e.message;
  }
}

async function start() {
  try {
    const { collections } = await api('GET', '/v1/collections');
    $('collection').replaceChildren(
      ...collections.map((c) => {
        const o = el('option', '', c.name);
        o.value = c.name;
        return o;
      }),
    );
  } catch (e) {
    if (e.status === 401 || e.status === 403) askForKey();
    $('eval-status').textContent = e.message;
  }
  await loadBench();
}

$('eval-form').addEventListener('submit', evaluate);
start();
