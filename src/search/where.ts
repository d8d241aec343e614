/**
 * Metadata filters (`where`): equality, ranges, `in`, `exists`, and `and` /
 * `or` / `not`, evaluated once per segment into a bitset of allowed
 * documents from the metadata columns, then pushed into every retrieval leg.
 */
import { z } from 'zod';
import { Bitset } from '../kernels/bitset.js';
import { QuarryError } from '../core/quarry-error.js';
import { checkDeadline } from '../core/deadline.js';

/** Metadata columns of one segment, as filters read them. */
export interface FilterColumns {
  numbers: ReadonlyMap<string, Float64Array>;
  booleans: ReadonlyMap<string, Uint8Array>;
  keywords: ReadonlyMap<string, { values: string[]; offsets: Uint32Array; ords: Uint32Array }>;
}

/** Field types by name (a schema's `fields`). */
export type FieldKinds = Readonly<Record<string, { type: string }>>;

type Scalar = string | number | boolean;

/** A filter expression. */
export type Where =
  | { and: Where[] }
  | { or: Where[] }
  | { not: Where }
  | Record<
      string,
      Scalar | { eq?: Scalar; ne?: Scalar; gt?: number; gte?: number; lt?: number; lte?: number; in?: Scalar[]; exists?: boolean }
    >;

const scalar = z.union([z.string(), z.number(), z.boolean()]);
const condition = z
  .object({
    eq: scalar,
    ne: scalar,
    gt: z.number(),
    gte: z.number(),
    lt: z.number(),
    lte: z.number(),
    in: z.array(scalar),
    exists: z.boolean(),
  })
  .partial()
  .strict();

const andSchema = z.object({ and: z.array(z.lazy(() => whereSchema)) }).strict();
const orSchema = z.object({ or: z.array(z.lazy(() => whereSchema)) }).strict();
const notSchema = z.object({ not: z.lazy(() => whereSchema) }).strict();
const leafSchema = z.record(z.union([scalar, condition]));

/** The one form a `where` node can take, told by its keys (an operator key makes it that operator). */
function nodeSchema(v: unknown): z.ZodTypeAny {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
    if ('and' in v) return andSchema;
    if ('or' in v) return orSchema;
    if ('not' in v) return notSchema;
  }
  return leafSchema;
}

/**
 * Zod schema of `where` (recursive). Each node is checked against the one form its keys
 * name, not tried against all four: a union of the forms built and threw away three failed
 * parses per condition, which made a filter of 10,000 conditions take seconds to validate
 * (and named no form in its errors).
 */
export const whereSchema: z.ZodType<Where> = z.unknown().superRefine((v, ctx) => {
  const r = nodeSchema(v).safeParse(v);
  if (!r.success) for (const issue of r.error.issues) ctx.addIssue({ ...issue, path: [...issue.path] } as z.IssueData);
}) as unknown as z.ZodType<Where>;

/** Checks field names and value types against the schema; `path` prefixes error messages. */
export function validateWhere(where: Where, fields: FieldKinds, path = 'filter.where'): void {
  checkDeadline();
  const w = where as Record<string, unknown>;
  if ('and' in w || 'or' in w) {
    const op = 'and' in w ? 'and' : 'or';
    const list = w[op];
    // a field cannot be called and, or, not: those keys are the operators
    if (!Array.isArray(list) || Object.keys(w).length !== 1)
      throw new QuarryError('BAD_ARGUMENT', `"${op}" takes a list of conditions, alone in its object`, { field: `${path}.${op}` });
    list.forEach((x: Where, i) => validateWhere(x, fields, `${path}.${op}[${i}]`));
    return;
  }
  if ('not' in w) {
    if (w.not === null || typeof w.not !== 'object' || Array.isArray(w.not) || Object.keys(w).length !== 1)
      throw new QuarryError('BAD_ARGUMENT', '"not" takes one condition, alone in its object', { field: `${path}.not` });
    return validateWhere(w.not as Where, fields, `${path}.not`);
  }
  for (const [field, cond] of Object.entries(w)) {
    const spec = fields[field];
    if (spec === undefined || (spec.type !== 'keyword' && spec.type !== 'number' && spec.type !== 'boolean')) {
      const meta = Object.entries(fields)
        .filter(([, f]) => f.type === 'keyword' || f.type === 'number' || f.type === 'boolean')
        .map(([n]) => n);
      throw new QuarryError(
        'BAD_ARGUMENT',
        `"${field}" is not a metadata field`,
        { field: `${path}.${field}` },
        meta.length > 0 ? `metadata fields: ${meta.join(', ')}` : 'the schema has no keyword, number or boolean fields',
      );
    }
    const c = typeof cond === 'object' && cond !== null ? (cond as Record<string, unknown>) : { eq: cond };
    for (const op of ['gt', 'gte', 'lt', 'lte'] as const) {
      if (c[op] !== undefined && spec.type !== 'number')
        throw new QuarryError('BAD_ARGUMENT', `range "${op}" needs a number field, "${field}" is ${spec.type}`, {
          field: `${path}.${field}.${op}`,
        });
    }
    for (const v of [c.eq, c.ne, ...((c.in as unknown[]) ?? [])]) {
      if (v === undefined) continue;
      const want = spec.type === 'keyword' ? 'string' : spec.type;
      if (typeof v !== want)
        throw new QuarryError('BAD_ARGUMENT', `value ${JSON.stringify(v)} is not a ${want}`, { field: `${path}.${field}` });
    }
  }
}

/** Evaluates `where` over one segment's columns into a bitset of matching documents. */
export function evaluateWhere(where: Where, columns: FilterColumns | null, numDocs: number): Bitset {
  checkDeadline();
  const w = where as Record<string, unknown>;
  if ('and' in w || 'or' in w) {
    const parts = ((w.and ?? w.or) as Where[]).map((x) => evaluateWhere(x, columns, numDocs));
    const out = new Bitset(numDocs);
    if ('and' in w) {
      out.words.fill(0xffffffff);
      for (const p of parts) for (let i = 0; i < out.words.length; i++) out.words[i]! &= p.words[i]!;
    } else for (const p of parts) for (let i = 0; i < out.words.length; i++) out.words[i]! |= p.words[i]!;
    clearTail(out);
    return out;
  }
  if ('not' in w) {
    const inner = evaluateWhere(w.not as Where, columns, numDocs);
    const out = new Bitset(numDocs);
    for (let i = 0; i < out.words.length; i++) out.words[i] = ~inner.words[i]! >>> 0;
    clearTail(out);
    return out;
  }
  const out = new Bitset(numDocs);
  out.words.fill(0xffffffff);
  clearTail(out);
  for (const [field, cond] of Object.entries(w)) {
    const c = (typeof cond === 'object' && cond !== null ? cond : { eq: cond }) as Record<string, unknown>;
    const num = columns?.numbers.get(field);
    const bool = columns?.booleans.get(field);
    const kw = columns?.keywords.get(field);
    // a set, not the list: an `in` of many values is looked up once per document value
    const inSet = Array.isArray(c.in) ? new Set<unknown>(c.in) : null;
    for (let d = 0; d < numDocs; d++) {
      checkDeadline();
      if (!out.has(d)) continue;
      let values: Scalar[];
      if (num !== undefined) values = Number.isNaN(num[d]!) ? [] : [num[d]!];
      else if (bool !== undefined) values = bool[d] === 2 ? [] : [bool[d] === 1];
      else if (kw !== undefined) {
        values = [];
        for (let k = kw.offsets[d]!; k < kw.offsets[d + 1]!; k++) values.push(kw.values[kw.ords[k]!]!);
      } else values = [];
      if (!matches(values, c, inSet)) out.remove(d);
    }
  }
  return out;
}

function matches(values: Scalar[], c: Record<string, unknown>, inSet: ReadonlySet<unknown> | null): boolean {
  if (c.exists !== undefined && values.length > 0 !== c.exists) return false;
  if (c.eq !== undefined && !values.includes(c.eq as Scalar)) return false;
  if (c.ne !== undefined && values.includes(c.ne as Scalar)) return false;
  if (inSet !== null && !values.some((v) => inSet.has(v))) return false;
  for (const [op, test] of [
    ['gt', (a: number, b: number) => a > b],
    ['gte', (a: number, b: number) => a >= b],
    ['lt', (a: number, b: number) => a < b],
    ['lte', (a: number, b: number) => a <= b],
  ] as const) {
    if (c[op] !== undefined && !values.some((v) => typeof v === 'number' && test(v, c[op] as number))) return false;
  }
  return true;
}

function clearTail(b: Bitset): void {
  const extra = b.words.length * 32 - b.size;
  if (extra > 0) b.words[b.words.length - 1]! &= 0xffffffff >>> extra;
}
