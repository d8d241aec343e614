// The search page: pick a collection, type a query, see ranked results with
// highlighted matches, per-leg scores, the score explanation and facet
// filters. Every search is one POST /v1/collections/{name}/search with a
// query spec, the same language as the library and the CLI.
import { api, el, fmt, setupKeyBox } from '/assets/api.js';

const $ = (id) => document.getElementById(id);
const state = { info: null, textFields: [], denseFields: new Set(), keywordFields: [], selected: new Map() };

const askForKey = setupKeyBox($('key-box'), () => loadCollections());

function failed(e) {
  if (e.status === 401 || e.status === 403) askForKey();
  $('status').textContent = e.message;
  $('status').className = 'status error';
  // results of an earlier query under this query's error would read as its answer
  $('results').replaceChildren();
  $('facets').replaceChildren();
}

async function loadCollections() {
  try {
    const { collections } = await api('GET', '/v1/collections');
    const sel = $('collection');
    sel.replaceChildren(
      ...collections.map((c) => {
        const o = el('option', '', `${c.name} (${fmt(c.documents)} docs)`);
        o.value = c.name;
        return o;
      }),
    );
    const wanted = new URLSearchParams(location.search).get('collection');
    if (wanted && collections.some((c) => c.name === wanted)) sel.value = wanted;
    if (collections.length === 0) {
      $('status').textContent = 'No collections yet: create one with PUT /v1/collections/{name}, or start the server with --with-cacm.';
      return;
    }
    await loadCollection(sel.value);
  } catch (e) {
    failed(e);
  }
}

async function loadCollection(name) {
  const info = await api('GET', `/v1/collections/${encodeURIComponent(name)}`);
  state.info = info;
  // Text fields (BM25) and dense fields whose encoder turns query text into a vector.
  state.textFields = Object.entries(info.schema.fields)
    .filter(([, f]) => f.type === 'text' || (f.type === 'dense' && f.encoder))
    .map(([n]) => n);
  state.denseFields = new Set(
    Object.entries(info.schema.fields)
      .filter(([, f]) => f.type === 'dense')
      .map(([n]) => n),
  );
  state.keywordFields = Object.entries(info.schema.fields)
    .filter(([, f]) => f.type === 'keyword')
    .map(([n]) => n);
  state.selected = new Map();
  $('fields').replaceChildren(
    ...state.textFields.map((f) => {
      const label = el('label', 'check');
      const box = el('input');
      box.type = 'checkbox';
      box.checked = true;
      box.value = f;
      box.addEventListener('change', () => {
        $('fusion-row').hidden = checkedFields().length < 2;
        search();
      });
      label.append(box, ` ${f}`, state.denseFields.has(f) ? el('span', 'muted', ' (dense)') : '');
      return label;
    }),
  );
  $('fusion-row').hidden = state.textFields.length < 2;
  $('facets').replaceChildren();
  $('facets-section').hidden = state.keywordFields.length === 0;
  $('collection-info').replaceChildren(
    el('h2', '', 'Collection'),
    el(
      'p',
      'muted',
      `${fmt(info.documents)} documents · ${info.segments.length} segment(s) · ${fmt(info.bytes / 1048576)} MB · generation ${info.generation}`,
    ),
  );
  $('results').replaceChildren();
  $('status').className = 'status';
  $('status').textContent =
    state.textFields.length === 0 ? 'This collection has no text fields to search from this page.' : 'Type a query.';
  if ($('query').value.trim() !== '') await search();
}

function checkedFields() {
  return [...$('fields').querySelectorAll('input:checked')].map((b) => b.value);
}

function buildSpec(query) {
  const fields = checkedFields();
  // the syntax reads BM25 text; a dense field's encoder reads the text as it is
  const syntax = $('syntax').checked;
  const spec = {
    retrieve: fields.map((field) => ({ field, text: query, ...(syntax && !state.denseFields.has(field) ? { syntax: 'lucene' } : {}) })),
    k: Number($('k').value),
    explain: true,
  };
  const fusion = $('fusion').value;
  if (fields.length > 1) spec.fuse = fusion === 'rrf' ? { method: 'rrf', k: 60 } : { method: fusion, normalize: 'minmax' };
  if (state.keywordFields.length > 0) spec.facets = state.keywordFields;
  const clauses = [...state.selected].filter(([, v]) => v.size > 0).map(([f, v]) => ({ [f]: { in: [...v] } }));
  if (clauses.length > 0) spec.filter = { where: clauses.length === 1 ? clauses[0] : { and: clauses } };
  return spec;
}

let seq = 0;
async function search() {
  const query = $('query').value.trim();
  const name = $('collection').value;
  if (query === '' || !state.info || checkedFields().length === 0) return;
  const mine = ++seq;
  const url = new URL(location.href);
  url.searchParams.set('collection', name);
  url.searchParams.set('q', query);
  if ($('syntax').checked) url.searchParams.set('syntax', 'lucene');
  else url.searchParams.delete('syntax');
  history.replaceState(null, '', url);
  try {
    const spec = buildSpec(query);
    const res = await api('POST', `/v1/collections/${encodeURIComponent(name)}/search?highlight=true`, spec);
    if (mine !== seq) return;
    render(res, spec);
  } catch (e) {
    if (mine !== seq) return;
    failed(e);
  }
}

function fragmentsNode(fragments) {
  const span = el('span');
  for (const f of fragments) span.append(f.match ? el('mark', '', f.text) : document.createTextNode(f.text));
  return span;
}

/** The hit's title (highlighted when it matched), or null when it has none. */
function titleOf(hit) {
  const s = hit.stored ?? {};
  const h = hit.highlights ?? {};
  for (const key of ['title', 'name', 'headline']) {
    if (h[key] && typeof s[key] === 'string' && s[key].trim() !== '') return fragmentsNode(h[key]);
    if (typeof s[key] === 'string' && s[key].trim() !== '') return document.createTextNode(s[key]);
  }
  return null;
}

function render(res, spec) {
  $('status').className = 'status';
  // total counts what the fields' searches returned (each field's top `depth`), not every match
  const depth = Math.max(...spec.retrieve.map((l) => l.k ?? Math.max(100, spec.k)));
  const perField = spec.retrieve.length > 1 ? `from the top ${fmt(depth)} of each field` : `from the top ${fmt(depth)}`;
  $('status').textContent = `showing ${res.hits.length} of ${fmt(res.total)} ranked ${perField} · ${res.took_ms.toFixed(1)} ms`;
  const legNames = spec.retrieve.map((l) => l.field);
  $('results').replaceChildren(
    ...res.hits.map((hit, i) => {
      const li = el('li', 'hit');
      li.dataset.id = hit.id;
      const head = el('div', 'hit-head');
      head.append(el('span', 'rank', String(i + 1)), el('span', 'title'), el('span', 'score', `score ${hit.score.toFixed(4)}`));
      const title = titleOf(hit);
      // without a title the id is the heading, shown once
      head.querySelector('.title').append(title ?? document.createTextNode(hit.id));
      li.append(head);
      if (title !== null) li.append(el('div', 'doc-id', `id ${hit.id}`));
      for (const [prop, frags] of Object.entries(hit.highlights ?? {})) {
        if (['title', 'name', 'headline'].includes(prop)) continue;
        const p = el('p', 'snippet');
        p.append(fragmentsNode(frags));
        li.append(p);
      }
      const legs = el('div', 'legs');
      hit.legs.forEach((leg, j) => {
        legs.append(el('span', 'leg', `${legNames[j]}: ${leg.rank === null ? 'not retrieved' : `#${leg.rank} · ${leg.score.toFixed(4)}`}`));
      });
      li.append(legs);
      if (hit.explain) {
        const d = el('details', 'explain');
        d.append(el('summary', '', 'Explain'), el('pre', '', JSON.stringify(hit.explain, null, 2)));
        li.append(d);
      }
      return li;
    }),
  );
  if (res.hits.length === 0) $('status').textContent = `No results for this query (${res.took_ms.toFixed(1)} ms).`;
  renderFacets(res.facets ?? {});
}

function renderFacets(facets) {
  const groups = [];
  for (const field of state.keywordFields) {
    const counts = Object.entries(facets[field] ?? {})
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .slice(0, 12);
    const chosen = state.selected.get(field) ?? new Set();
    for (const v of chosen) if (!counts.some(([x]) => x === v)) counts.push([v, 0]);
    const g = el('div', 'facet');
    g.append(el('h3', '', field));
    for (const [value, n] of counts) {
      const label = el('label', 'check');
      const box = el('input');
      box.type = 'checkbox';
      box.checked = chosen.has(value);
      box.addEventListener('change', () => {
        const set = state.selected.get(field) ?? new Set();
        if (box.checked) set.add(value);
        else set.delete(value);
        state.selected.set(field, set);
        search();
      });
      label.append(box, ` ${value} `, el('span', 'muted', `(${n})`));
      g.append(label);
    }
    groups.push(g);
  }
  $('facets').replaceChildren(...groups);
}

$('search-form').addEventListener('submit', (e) => {
  e.preventDefault();
  search();
});
$('collection').addEventListener('change', () => loadCollection($('collection').value).catch(failed));
$('k').addEventListener('change', search);
$('fusion').addEventListener('change', search);
$('syntax').addEventListener('change', search);
$('query').value = new URLSearchParams(location.search).get('q') ?? '';
$('syntax').checked = new URLSearchParams(location.search).get('syntax') === 'lucene';
loadCollections();
