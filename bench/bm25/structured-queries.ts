// The structured queries both Lucene-syntax benchmarks build: 18 kinds from each of a
// collection's own query texts (bench/bm25/query-syntax-parity.ts against Lucene,
// bench/bm25/structured-pruning.ts pruned against exhaustive).
import { createAnalyzer } from '../../src/text/analyzer.js';

/**
 * Structured queries built from the dataset's own query texts: phrases of
 * adjacent words (exact and sloppy, with repeated words), required and excluded words, prefixes,
 * wildcards (leading ones too), term ranges, regular expressions (with intersection, complement
 * and numeric intervals),
 * fuzzy words, every document (*:*) less a word, groups with boosts, field names, and the whole text with its special
 * characters escaped.
 */
export function makeQueries(texts: string[]): [string, string][] {
  const analyzer = createAnalyzer('english');
  const out: [string, string][] = [];
  texts.forEach((text, n) => {
    // words that survive analysis (not stopwords), in order
    const words = (text.match(/[A-Za-z]{3,}/g) ?? []).filter((w) => analyzer.analyze(w).length === 1);
    if (words.length < 3) return;
    const [a, b, c] = words as [string, string, string];
    const id = (s: string): string => `${n + 1}-${s}`;
    out.push([id('phrase'), `"${a} ${b}"`]);
    out.push([id('phrase-stop'), `"${text.split(/\s+/).slice(0, 4).join(' ').replace(/["\\]/g, '')}"`]);
    out.push([id('sloppy'), `"${b} ${a}"~3 ${c}`]);
    out.push([id('sloppy-repeat'), `"${a} ${b} ${a}"~4 "${c} ${c}"~2`]);
    out.push([id('all'), `*:* -${a} ${b}^0.3`]);
    out.push([id('must'), `+${a} ${b} ${c}`]);
    out.push([id('not'), `${a} ${b} -${c}`]);
    out.push([id('and'), `${a} AND ${b} OR ${c}`]);
    out.push([id('prefix'), `${a.slice(0, 4)}* ${b}`]);
    out.push([id('group'), `(${a} OR ${b})^2 AND contents:${c}`]);
    out.push([id('boost'), `${a}^3 "${b} ${c}"^0.5`]);
    out.push([id('fuzzy'), `${a.toLowerCase()}~ ${b.toLowerCase().slice(0, -1)}~1 ${c}~0.7`]);
    out.push([id('fuzzy-must'), `+${a.slice(1).toLowerCase()}~ -${b}`]);
    const [sa, sb] = [a, b, c].map((w) => analyzer.analyze(w)[0]!) as [string, string, string];
    out.push([id('wildcard'), `${sa.slice(0, 2)}?${sa.slice(3)}* *${sb.slice(-3)} ${c}`]);
    out.push([id('range'), `[${sa.slice(0, 3)} TO ${sa}] {${sb} TO ${sb}z} +${c}`]);
    out.push([id('regexp'), `/${sa.slice(0, 3)}.*/^2 /.{0,2}${sb.slice(2)}/ ${c} /<1-30>/^0.5`]);
    out.push([id('regexp-ops'), `+/(${sa}|${sb})&.{1,8}/ -/~([a-m].*)/ /[^a-z]+/ ${c}`]);
    out.push([id('text'), text.replace(/[\\+\-!():^[\]"{}~*?|&/]/g, (ch) => `\\${ch}`)]);
  });
  return out;
}
