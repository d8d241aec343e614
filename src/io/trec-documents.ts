/**
 * TREC document files (`<DOC> <DOCNO>id</DOCNO> ... </DOC>`, as NIST ships the
 * newswire collections: TREC disks 1–5, AQUAINT, Robust04), read as Anserini's
 * TrecCollection reads them: the text is what the content tags hold (`<TEXT>`,
 * `<HEADLINE>`, `<TITLE>`, `<HL>`, `<HEAD>`, `<TTL>`, `<DD>`, `<DATE>`, `<LP>`,
 * `<LEADPARA>`), other fields (`<BYLINE>`, `<DATELINE>`, ...) are left out. A
 * document with none of those tags keeps everything after its DOCNO. Markup
 * inside is dropped and entities decoded.
 */
import { readLines, type ProgressHandler } from './line-reader.js';
import { QuarryError } from '../core/quarry-error.js';

/** A document read from a TREC file: its DOCNO as `_id`, its text, and the line its `<DOC>` is on. */
export interface TrecDocument {
  record: { _id: string; title: string; text: string };
  line: number;
}

const CONTENT_TAGS = ['TEXT', 'HEADLINE', 'TITLE', 'HL', 'HEAD', 'TTL', 'DD', 'DATE', 'LP', 'LEADPARA'];
const CONTENT_START = new RegExp(`^<(${CONTENT_TAGS.join('|')})(\\s[^>]*)?>`, 'i');
const CONTENT_END = new Map(CONTENT_TAGS.map((t) => [t, new RegExp(`</${t}>\\s*$`, 'i')]));
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** True when the first non-blank line of `head` opens a TREC document. */
export function looksLikeTrecDocuments(head: string): boolean {
  return /^\s*<DOC>/i.test(head);
}

/** Text without markup: tags dropped (each leaves a space), entities decoded, blank runs collapsed. */
function plainText(lines: readonly string[]): string {
  return lines
    .join('\n')
    .replace(/<[^>]*>/g, ' ')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] !== '#') return ENTITIES[e.toLowerCase()] ?? m;
      const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : Number(e.slice(1));
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
    })
    .replace(/[ \t]+/g, ' ')
    .replace(/\s*\n\s*/g, '\n')
    .trim();
}

/** The documents of a TREC file in order, read lazily. Errors name the file and line. */
export function* readTrecDocuments(path: string, onProgress?: ProgressHandler): Generator<TrecDocument> {
  let start = 0;
  let docno: string | null = null;
  let docnoText: string | null = null;
  let tagged: string[] = [];
  let rest: string[] = [];
  let openTag: string | null = null;
  for (const [raw, lineNo] of readLines(path, onProgress)) {
    const line = raw.trim();
    if (start === 0) {
      if (line === '') continue;
      if (!/^<DOC>/i.test(line))
        throw new QuarryError(
          'BAD_INPUT',
          `expected <DOC>, found "${line.slice(0, 40)}"`,
          { file: path, line: lineNo },
          'a TREC file is a sequence of <DOC> ... </DOC> blocks',
        );
      start = lineNo;
      docno = null;
      docnoText = null;
      tagged = [];
      rest = [];
      openTag = null;
      continue;
    }
    if (/^<\/DOC>/i.test(line)) {
      if (docno === null || docno === '')
        throw new QuarryError('BAD_INPUT', 'document has no <DOCNO>', { file: path, line: start }, 'every <DOC> needs <DOCNO>id</DOCNO>');
      yield { record: { _id: docno, title: '', text: plainText(tagged.length > 0 ? tagged : rest) }, line: start };
      start = 0;
      continue;
    }
    if (/^<DOC>/i.test(line))
      throw new QuarryError(
        'BAD_INPUT',
        `the document opened at line ${start} is not closed before the next <DOC>`,
        { file: path, line: lineNo },
        'close each document with </DOC>',
      );
    if (docno === null) {
      // the DOCNO may wrap over lines: collect from <DOCNO> to </DOCNO>
      if (docnoText === null && /^<DOCNO>/i.test(line)) docnoText = '';
      if (docnoText !== null) {
        docnoText += ` ${line}`;
        const m = /<DOCNO>([\s\S]*?)<\/DOCNO>/i.exec(docnoText);
        if (m !== null) docno = m[1]!.trim();
      }
      continue;
    }
    rest.push(line);
    if (openTag === null) {
      const m = CONTENT_START.exec(line);
      if (m === null) continue;
      openTag = m[1]!.toUpperCase();
    }
    tagged.push(line);
    if (CONTENT_END.get(openTag)!.test(line)) openTag = null;
  }
  if (start !== 0)
    throw new QuarryError('BAD_INPUT', 'the last document is not closed', { file: path, line: start }, 'close each document with </DOC>');
}
