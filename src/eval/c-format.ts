/**
 * printf("%.Nf")-compatible number formatting. JavaScript's toFixed rounds
 * exact binary ties away from zero; C (glibc) rounds them to even. Values such
 * as 0.03125 are exact ties at 4 decimals, so trec_eval's printed digits need
 * C's rule to be reproduced exactly.
 */

const TAIL = 25;

/** Formats `x` with `digits` decimals exactly as C's `%.{digits}f` does. */
export function formatFixed(x: number, digits: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? '-nan' : x > 0 ? 'inf' : '-inf';
  const neg = x < 0 || Object.is(x, -0);
  const a = Math.abs(x);
  const exact = a.toFixed(digits + TAIL);
  const point = exact.indexOf('.');
  const tail = exact.slice(point + digits + 1);
  let body: string;
  if (tail === '5' + '0'.repeat(TAIL - 1)) {
    const kept = exact.slice(0, point + digits + 1);
    const lastDigit = kept.charCodeAt(kept.length - 1) - 48;
    body = lastDigit % 2 === 0 ? kept : incrementDecimal(kept);
    if (digits === 0) body = body.replace(/\.$/, '');
  } else {
    body = a.toFixed(digits);
  }
  return neg ? '-' + body : body;
}

/** Adds one unit in the last place to a non-negative decimal string. */
function incrementDecimal(s: string): string {
  const chars = s.split('');
  for (let i = chars.length - 1; i >= 0; i--) {
    if (chars[i] === '.') continue;
    if (chars[i] === '9') {
      chars[i] = '0';
      continue;
    }
    chars[i] = String.fromCharCode(chars[i]!.charCodeAt(0) + 1);
    return chars.join('');
  }
  return '1' + chars.join('');
}
