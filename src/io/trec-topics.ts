/**
 * TREC topic files, as NIST distributes them and Anserini reads them: classic ad hoc
 * topics (`<top>`, `<num> Number: 301`, `<title>`, `<desc> Description:`,
 * `<narr> Narrative:`, tags left open, one field running until the next tag) and XML
 * topics (`<topic number="1"><query>…</query><question>…</question></topic>`, as
 * TREC-COVID and the Web tracks). Each topic becomes a map of field name to text.
 */
import { QuarryError } from '../core/quarry-error.js';
import { readTextFile } from './text-file.js';

/** The two layouts of topic files. */
export type TopicFileKind = 'trec' | 'xml';

/** The layout of a topic file from its first non-blank line, or null when it is not one. */
export function topicFileKind(text: string): TopicFileKind | null {
  const first = /^\s*(\S.*)$/m.exec(text)?.[1] ?? '';
  if (/^<(\?xml|topics?[\s>])/.test(first)) return 'xml';
  if (/^<top[\s>]/.test(first) || first === '<top') return 'trec';
  return null;
}

/** Classic tag names and the field names they are read as (Anserini's). */
const CLASSIC_FIELDS: Record<string, string> = {
  title: 'title',
  desc: 'description',
  narr: 'narrative',
  smry: 'summary',
  con: 'concepts',
  fac: 'factors',
  def: 'definitions',
  dom: 'domain',
};

/** Labels that open a classic field's text ("<desc> Description:") and are not part of it. */
const LABEL = /^(number|topic|description|narrative|summary|concept\(s\)|factor\(s\)|definition\(s\)|domain)\s*:\s*/i;

/** Collapses whitespace: topic text is wrapped at arbitrary places. */
function clean(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/** Parses classic TREC topics: qid -> fields (title, description, narrative, ...). */
export function parseClassicTopics(text: string, file: string): Map<string, Record<string, string>> {
  const topics = new Map<string, Record<string, string>>();
  const lines = text.split(/\r?\n/);
  let fields: Record<string, string> | null = null;
  let id: string | null = null;
  let openedAt = 0;
  let field: string | null = null;
  const finish = (lineNo: number): void => {
    if (fields === null) return;
    if (id === null || id === '')
      throw new QuarryError('BAD_INPUT', 'topic has no <num>', { file, line: openedAt }, 'every <top> needs a line "<num> Number: ID"');
    if (topics.has(id)) throw new QuarryError('BAD_INPUT', `duplicate topic ${id}`, { file, line: lineNo });
    for (const k of Object.keys(fields)) fields[k] = clean(clean(fields[k]!).replace(LABEL, ''));
    topics.set(id, fields);
    fields = null;
    id = null;
    field = null;
  };
  lines.forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.trim();
    if (/^<top[\s>]|^<top$/.test(line)) {
      if (fields !== null)
        throw new QuarryError(
          'BAD_INPUT',
          `topic opened at line ${openedAt} is not closed before the next <top>`,
          { file, line: lineNo },
          'close each topic with </top>',
        );
      fields = {};
      openedAt = lineNo;
      return;
    }
    if (line.startsWith('</top>')) {
      if (fields === null) throw new QuarryError('BAD_INPUT', '</top> without <top>', { file, line: lineNo });
      finish(lineNo);
      return;
    }
    if (fields === null) {
      if (line !== '')
        throw new QuarryError(
          'BAD_INPUT',
          `text outside a topic: "${line.slice(0, 40)}"`,
          { file, line: lineNo },
          'topics are <top> ... </top> blocks',
        );
      return;
    }
    const tag = /^<(\w+)>\s*(.*)$/.exec(line);
    if (tag !== null) {
      const name = tag[1]!.toLowerCase();
      const rest = tag[2]!.replace(new RegExp(`</${name}>\\s*$`, 'i'), '');
      if (name === 'num') {
        id = clean(rest.replace(LABEL, ''));
        field = null;
        return;
      }
      field = CLASSIC_FIELDS[name] ?? name;
      fields[field] = rest;
      return;
    }
    // a line without a tag continues the open field; closing tags on their own line end it
    if (/^<\/\w+>$/.test(line)) return;
    if (field !== null) fields[field] += ` ${line}`;
  });
  if (fields !== null)
    throw new QuarryError('BAD_INPUT', 'the last topic is not closed', { file, line: openedAt }, 'close each topic with </top>');
  return topics;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** The text of an XML element's content: CDATA unwrapped, tags dropped, entities decoded. */
function xmlText(content: string): string {
  const text = content
    .replace(/<!\[CDATA\[([\s\S]*?)\]\]>/g, (_, c: string) => c.replace(/&/g, '&amp;').replace(/</g, '&lt;'))
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (m, e: string) =>
      e[0] === '#'
        ? String.fromCodePoint(e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1)))
        : (ENTITIES[e] ?? m),
    );
  return clean(text);
}

/** Parses XML topics: qid (the `number` or `id` attribute, or a `<num>`/`<number>` child) -> child element texts. */
export function parseXmlTopics(text: string, file: string): Map<string, Record<string, string>> {
  const topics = new Map<string, Record<string, string>>();
  const lineOf = (offset: number): number => text.slice(0, offset).split('\n').length;
  const topic = /<topic\b([^>]*)>([\s\S]*?)<\/topic>/g;
  for (let m = topic.exec(text); m !== null; m = topic.exec(text)) {
    const fields: Record<string, string> = {};
    const child = /<(\w+)\b[^>]*>([\s\S]*?)<\/\1>/g;
    for (let c = child.exec(m[2]!); c !== null; c = child.exec(m[2]!)) fields[c[1]!.toLowerCase()] = xmlText(c[2]!);
    const attr = /\b(?:number|id)\s*=\s*("([^"]*)"|'([^']*)')/.exec(m[1]!);
    const id = (attr?.[2] ?? attr?.[3] ?? fields.num ?? fields.number ?? '').trim();
    if (id === '') throw new QuarryError('BAD_INPUT', 'topic has no number', { file, line: lineOf(m.index) }, 'give <topic number="ID">');
    if (topics.has(id)) throw new QuarryError('BAD_INPUT', `duplicate topic ${id}`, { file, line: lineOf(m.index) });
    topics.set(id, fields);
  }
  if (topics.size === 0) throw new QuarryError('EMPTY', 'no <topic number="..."> ... </topic> elements', { file });
  return topics;
}

/**
 * The queries of a topic file: one string per topic, made of the named fields joined
 * by spaces (`fieldSpec` "title", "description" or "title+description"; default
 * "query" for XML topics that have it, else "title"). A topic without a named field
 * is an error naming it.
 */
export function readTopicQueries(path: string, fieldSpec?: string): Map<string, string> {
  const text = readTextFile(path);
  const kind = topicFileKind(text);
  if (kind === null) throw new QuarryError('BAD_INPUT', 'not a TREC topic file (expected <top> or <topic> first)', { file: path, line: 1 });
  const topics = kind === 'trec' ? parseClassicTopics(text, path) : parseXmlTopics(text, path);
  if (topics.size === 0) throw new QuarryError('EMPTY', 'no topics in file', { file: path });
  const first = topics.values().next().value as Record<string, string>;
  const names = (fieldSpec ?? (kind === 'xml' && 'query' in first ? 'query' : 'title')).split('+').map((f) => {
    const name = f.trim().toLowerCase();
    return CLASSIC_FIELDS[name] ?? name;
  });
  const queries = new Map<string, string>();
  for (const [id, fields] of topics) {
    const parts = names.map((n) => {
      const t = fields[n];
      if (t === undefined)
        throw new QuarryError(
          'BAD_ARGUMENT',
          `topic ${id} has no field "${n}"`,
          { file: path, field: '--topic-field' },
          `its fields: ${Object.keys(fields).join(', ') || 'none'}`,
        );
      return t;
    });
    queries.set(id, parts.join(' ').trim());
  }
  return queries;
}
