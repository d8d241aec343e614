// Browser helpers shared by the search and evaluation pages: API calls with
// the optional API key (kept in localStorage), and small DOM builders that
// only ever set textContent, so stored text can never inject markup.

const KEY_STORAGE = 'quarry.apiKey';

/** Calls the API; throws an Error carrying the server's error body. */
export async function api(method, path, body) {
  const headers = { accept: 'application/json' };
  const key = localStorage.getItem(KEY_STORAGE);
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  const data = await res.json().catch(() => ({}));
  if (!res.ok) {
    const e = new Error(data.error ? `${data.error.code}: ${data.error.message}` : `HTTP ${res.status}`);
    e.status = res.status;
    e.body = data;
    throw e;
  }
  return data;
}

/** Wires the API-key box: shown when the server asks for a key. */
export function setupKeyBox(box, onSaved) {
  const input = box.querySelector('input');
  input.value = localStorage.getItem(KEY_STORAGE) ?? '';
  box.addEventListener('submit', (e) => {
    e.preventDefault();
    if (input.value.trim() === '') localStorage.removeItem(KEY_STORAGE);
    else localStorage.setItem(KEY_STORAGE, input.value.trim());
    box.hidden = true;
    onSaved();
  });
  return () => {
    box.hidden = false;
    input.focus();
  };
}

/** Creates an element with a class and text. */
export function el(tag, className, text) {
  const e = document.createElement(tag);
  if (className) e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** Formats a number compactly for tables. */
export function fmt(v) {
  if (typeof v !== 'number') return v === undefined || v === null ? '' : String(v);
  if (Number.isInteger(v)) return v.toLocaleString('en-US');
  const a = Math.abs(v);
  if (a >= 100) return v.toFixed(0);
  if (a >= 1) return v.toFixed(2);
  return v.toFixed(4);
}
