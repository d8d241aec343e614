/**
 * The Porter stemming algorithm (M. F. Porter, "An algorithm for suffix
 * stripping", Program 14(3), 1980), in the variant of Porter's reference C
 * implementation that Lucene's PorterStemFilter ports: it includes the
 * departures "bli" -> "ble" and "logi" -> "log", and leaves words of one or
 * two letters alone.
 */

/** Stems one lower-case word. Reuses an internal buffer; not reentrant across threads (JS is single-threaded). */
export function porterStem(word: string): string {
  const n = word.length;
  if (n <= 2) return word;
  if (buf.length < n + 8) buf = new Uint16Array(n + 64);
  for (let i = 0; i < n; i++) buf[i] = word.charCodeAt(i);
  k = n - 1;
  j = 0;
  step1ab();
  if (k > 0) {
    step1c();
    step2();
    step3();
    step4();
    step5();
  }
  if (k === n - 1 && unchanged(word)) return word;
  return String.fromCharCode.apply(null, Array.from(buf.subarray(0, k + 1)));
}

let buf = new Uint16Array(64);
let k = 0; // index of the last character of the current word
let j = 0; // end of the stem when a suffix matched

function unchanged(word: string): boolean {
  for (let i = 0; i <= k; i++) if (buf[i] !== word.charCodeAt(i)) return false;
  return true;
}

const A = 97,
  E = 101,
  I = 105,
  O = 111,
  U = 117,
  Y = 121,
  S = 115,
  L = 108,
  Z = 122,
  W = 119,
  X = 120,
  T = 116;

function cons(i: number): boolean {
  switch (buf[i]) {
    case A:
    case E:
    case I:
    case O:
    case U:
      return false;
    case Y:
      return i === 0 ? true : !cons(i - 1);
    default:
      return true;
  }
}

/** Number of vowel-consonant sequences between 0 and j. */
function m(): number {
  let n = 0;
  let i = 0;
  for (;;) {
    if (i > j) return n;
    if (!cons(i)) break;
    i++;
  }
  i++;
  for (;;) {
    for (;;) {
      if (i > j) return n;
      if (cons(i)) break;
      i++;
    }
    i++;
    n++;
    for (;;) {
      if (i > j) return n;
      if (!cons(i)) break;
      i++;
    }
    i++;
  }
}

function vowelInStem(): boolean {
  for (let i = 0; i <= j; i++) if (!cons(i)) return true;
  return false;
}

function doubleC(i: number): boolean {
  return i >= 1 && buf[i] === buf[i - 1] && cons(i);
}

function cvc(i: number): boolean {
  if (i < 2 || !cons(i) || cons(i - 1) || !cons(i - 2)) return false;
  const ch = buf[i];
  return ch !== W && ch !== X && ch !== Y;
}

function ends(s: string): boolean {
  const len = s.length;
  if (s.charCodeAt(len - 1) !== buf[k]) return false;
  if (len > k + 1) return false;
  const off = k - len + 1;
  for (let i = 0; i < len; i++) if (buf[off + i] !== s.charCodeAt(i)) return false;
  j = k - len;
  return true;
}

function setTo(s: string): void {
  const len = s.length;
  for (let i = 0; i < len; i++) buf[j + 1 + i] = s.charCodeAt(i);
  k = j + len;
}

function r(s: string): void {
  if (m() > 0) setTo(s);
}

function step1ab(): void {
  if (buf[k] === S) {
    if (ends('sses')) k -= 2;
    else if (ends('ies')) setTo('i');
    else if (buf[k - 1] !== S) k--;
  }
  if (ends('eed')) {
    if (m() > 0) k--;
  } else if ((ends('ed') || ends('ing')) && vowelInStem()) {
    k = j;
    if (ends('at')) setTo('ate');
    else if (ends('bl')) setTo('ble');
    else if (ends('iz')) setTo('ize');
    else if (doubleC(k)) {
      k--;
      const ch = buf[k];
      if (ch === L || ch === S || ch === Z) k++;
    } else if (m() === 1 && cvc(k)) setTo('e');
  }
}

function step1c(): void {
  if (ends('y') && vowelInStem()) buf[k] = I;
}

const STEP2: Record<string, [string, string][]> = {
  a: [
    ['ational', 'ate'],
    ['tional', 'tion'],
  ],
  c: [
    ['enci', 'ence'],
    ['anci', 'ance'],
  ],
  e: [['izer', 'ize']],
  l: [
    ['bli', 'ble'],
    ['alli', 'al'],
    ['entli', 'ent'],
    ['eli', 'e'],
    ['ousli', 'ous'],
  ],
  o: [
    ['ization', 'ize'],
    ['ation', 'ate'],
    ['ator', 'ate'],
  ],
  s: [
    ['alism', 'al'],
    ['iveness', 'ive'],
    ['fulness', 'ful'],
    ['ousness', 'ous'],
  ],
  t: [
    ['aliti', 'al'],
    ['iviti', 'ive'],
    ['biliti', 'ble'],
  ],
  g: [['logi', 'log']],
};

const STEP3: Record<string, [string, string][]> = {
  e: [
    ['icate', 'ic'],
    ['ative', ''],
    ['alize', 'al'],
  ],
  i: [['iciti', 'ic']],
  l: [
    ['ical', 'ic'],
    ['ful', ''],
  ],
  s: [['ness', '']],
};

function replaceFirst(rules: [string, string][] | undefined): void {
  if (rules === undefined) return;
  for (const [suffix, repl] of rules) {
    if (ends(suffix)) {
      r(repl);
      return;
    }
  }
}

function step2(): void {
  if (k === 0) return;
  replaceFirst(STEP2[String.fromCharCode(buf[k - 1]!)]);
}

function step3(): void {
  replaceFirst(STEP3[String.fromCharCode(buf[k]!)]);
}

const STEP4: Record<string, string[]> = {
  a: ['al'],
  c: ['ance', 'ence'],
  e: ['er'],
  i: ['ic'],
  l: ['able', 'ible'],
  n: ['ant', 'ement', 'ment', 'ent'],
  s: ['ism'],
  t: ['ate', 'iti'],
  u: ['ous'],
  v: ['ive'],
  z: ['ize'],
};

function step4(): void {
  if (k === 0) return;
  const key = String.fromCharCode(buf[k - 1]!);
  let matched = false;
  if (key === 'o') {
    matched = (ends('ion') && j >= 0 && (buf[j] === S || buf[j] === T)) || ends('ou');
  } else {
    const rules = STEP4[key];
    if (rules === undefined) return;
    for (const suffix of rules) {
      if (ends(suffix)) {
        matched = true;
        break;
      }
    }
  }
  if (matched && m() > 1) k = j;
}

function step5(): void {
  j = k;
  if (buf[k] === E) {
    const a = m();
    if (a > 1 || (a === 1 && !cvc(k - 1))) k--;
  }
  if (buf[k] === L && doubleC(k) && m() > 1) k--;
}
