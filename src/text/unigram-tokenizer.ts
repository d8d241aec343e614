/**
 * Unigram (SentencePiece) tokenization from a Hugging Face
 * `tokenizer.json` (Kudo, "Subword Regularization", ACL 2018): the
 * normalizer sequence, the Metaspace pre-tokenizer, then the Viterbi
 * segmentation maximizing the sum of piece log-probabilities. Characters no
 * piece covers become the unknown piece (consecutive ones fused), scored
 * below every real piece, as the reference implementation does.
 */
import { readJsonFile } from '../io/json-file.js';
import { QuarryError } from '../core/quarry-error.js';
import { bertNormalize } from './bert-normalizer.js';

type NormalizerJson = { type: string; [k: string]: unknown };

interface TrieNode {
  /** Piece id ending here, or -1. */
  id: number;
  next: Map<string, TrieNode>;
}

interface UnigramJson {
  normalizer?: NormalizerJson | null;
  pre_tokenizer?: { type: string; replacement?: string; prepend_scheme?: string; add_prefix_space?: boolean; split?: boolean } | null;
  model?: { type?: string; vocab?: [string, number][]; unk_id?: number | null };
}

/** A Unigram tokenizer. */
export class UnigramTokenizer {
  /** Piece → id. */
  readonly vocab = new Map<string, number>();
  readonly unkId: number | null;
  private readonly scores: Float64Array;
  /** Pieces as a character trie: the Viterbi step walks it instead of building substrings. */
  private readonly trie: TrieNode = { id: -1, next: new Map() };
  private readonly unkScore: number;
  private readonly normalizers: ((s: string) => string)[];
  private readonly replacement: string;
  private readonly prepend: 'always' | 'first' | 'never';
  private readonly split: boolean;

  constructor(json: UnigramJson, where = 'tokenizer.json') {
    const m = json.model;
    if (m?.type !== 'Unigram' || !Array.isArray(m.vocab))
      throw new QuarryError('BAD_INPUT', `model type is ${m?.type ?? 'missing'}, expected Unigram`, { file: where });
    this.scores = new Float64Array(m.vocab.length);
    let minScore = Infinity;
    m.vocab.forEach(([piece, score], id) => {
      this.vocab.set(piece, id);
      this.scores[id] = score;
      minScore = Math.min(minScore, score);
      let node = this.trie;
      for (const ch of piece) {
        let child = node.next.get(ch);
        if (child === undefined) node.next.set(ch, (child = { id: -1, next: new Map() }));
        node = child;
      }
      node.id = id;
    });
    this.unkId = m.unk_id ?? null;
    this.unkScore = minScore - 10;
    this.normalizers = normalizerChain(json.normalizer ?? null, where);
    const pre = json.pre_tokenizer ?? null;
    if (pre !== null && pre.type !== 'Metaspace')
      throw new QuarryError(
        'BAD_INPUT',
        `pre-tokenizer ${pre.type} is not supported with Unigram models`,
        { file: where, field: 'pre_tokenizer' },
        'supported: Metaspace',
      );
    this.replacement = pre?.replacement ?? '▁';
    this.prepend =
      pre === null
        ? 'never'
        : ((pre.prepend_scheme as 'always' | 'first' | 'never' | undefined) ?? (pre.add_prefix_space === false ? 'never' : 'always'));
    this.split = pre?.split ?? true;
  }

  /** Loads `tokenizer.json` from a file. */
  static fromFile(path: string): UnigramTokenizer {
    return new UnigramTokenizer(readJsonFile(path, 'tokenizer') as UnigramJson, path);
  }

  /** Token ids of `text` (no special tokens). */
  encodeIds(text: string): number[] {
    let s = text;
    for (const n of this.normalizers) s = n(s);
    const ids: number[] = [];
    for (const chunk of this.preTokenize(s)) this.viterbi(chunk, ids);
    return ids;
  }

  /** Pieces of `text`. */
  tokenize(text: string): string[] {
    const pieces = [...this.vocab.keys()];
    return this.encodeIds(text).map((id) => pieces[id]!);
  }

  private preTokenize(s: string): string[] {
    if (s === '') return [];
    let t = s.replaceAll(' ', this.replacement);
    if (this.prepend !== 'never' && !t.startsWith(this.replacement)) t = this.replacement + t;
    if (!this.split) return [t];
    const out: string[] = [];
    let cur = '';
    for (const ch of t) {
      if (ch === this.replacement && cur !== '') {
        out.push(cur);
        cur = '';
      }
      cur += ch;
    }
    if (cur !== '') out.push(cur);
    return out;
  }

  /** Appends the best segmentation of `chunk` to `ids`. */
  private viterbi(chunk: string, ids: number[]): void {
    const chars = [...chunk];
    const n = chars.length;
    const best = new Float64Array(n + 1).fill(-Infinity);
    const from = new Int32Array(n + 1).fill(-1);
    const piece = new Int32Array(n + 1).fill(-1);
    best[0] = 0;
    for (let i = 0; i < n; i++) {
      if (best[i] === -Infinity) continue;
      let covered = false;
      let node: TrieNode | undefined = this.trie;
      for (let j = i; j < n; j++) {
        node = node.next.get(chars[j]!);
        if (node === undefined) break;
        const id = node.id;
        if (id < 0) continue;
        if (j === i) covered = true;
        const score = best[i]! + this.scores[id]!;
        if (score > best[j + 1]!) {
          best[j + 1] = score;
          from[j + 1] = i;
          piece[j + 1] = id;
        }
      }
      if (!covered) {
        // No piece starts with this character: it becomes the unknown piece.
        const score = best[i]! + this.unkScore;
        if (score > best[i + 1]!) {
          best[i + 1] = score;
          from[i + 1] = i;
          piece[i + 1] = -2;
        }
      }
    }
    const out: number[] = [];
    for (let e = n; e > 0; e = from[e]!) out.push(piece[e]!);
    out.reverse();
    for (const p of out) {
      if (p >= 0) ids.push(p);
      else if (this.unkId !== null && ids.at(-1) !== this.unkId) ids.push(this.unkId);
    }
  }
}

function normalizerChain(n: NormalizerJson | null, where: string): ((s: string) => string)[] {
  if (n === null) return [];
  if (n.type === 'Sequence') return (n.normalizers as NormalizerJson[]).flatMap((x) => normalizerChain(x, where));
  switch (n.type) {
    case 'BertNormalizer': {
      const lowercase = (n.lowercase as boolean | undefined) ?? true;
      const o = {
        lowercase,
        stripAccents: (n.strip_accents as boolean | null | undefined) ?? lowercase,
        chineseChars: (n.handle_chinese_chars as boolean | undefined) ?? true,
      };
      return [(s) => bertNormalize(s, o)];
    }
    case 'Replace': {
      const p = n.pattern as { String?: string; Regex?: string };
      const content = n.content as string;
      if (p.String !== undefined) return [(s) => s.replaceAll(p.String!, content)];
      const re = new RegExp(p.Regex!, 'gu');
      return [(s) => s.replace(re, content)];
    }
    case 'Strip': {
      const left = (n.strip_left as boolean | undefined) ?? true;
      const right = (n.strip_right as boolean | undefined) ?? true;
      return [(s) => (left && right ? s.trim() : left ? s.trimStart() : right ? s.trimEnd() : s)];
    }
    case 'Lowercase':
      return [(s) => s.toLowerCase()];
    case 'NFC':
    case 'NFD':
    case 'NFKC':
    case 'NFKD':
      return [(s) => s.normalize(n.type as 'NFC')];
    default:
      throw new QuarryError(
        'BAD_INPUT',
        `normalizer ${n.type} is not supported`,
        { file: where, field: 'normalizer' },
        'supported: Sequence, BertNormalizer, Replace, Strip, Lowercase, NFC/NFD/NFKC/NFKD',
      );
  }
}
