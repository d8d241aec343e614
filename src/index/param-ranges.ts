/**
 * The values numeric index-family parameters may take, declared once per
 * family (in its params.ts) and checked both where a schema names them (so a
 * bad value fails when the collection is created, naming the schema path) and
 * where an index is built from the library.
 */
import { QuarryError } from '../core/quarry-error.js';

/** The values one numeric parameter may take. */
export interface ParamRange {
  /** Smallest allowed value (excluded when `minExclusive`). */
  min: number;
  minExclusive?: boolean;
  /** Largest allowed value, if any. */
  max?: number;
  integer: boolean;
  /** The value may not exceed the vectors' dimension (product quantization's sub-quantizer count). */
  atMostDim?: boolean;
  /** The only values allowed, when they are a short list (bits of a stored value). */
  oneOf?: readonly number[];
}

/** A family's parameters by name. */
export type ParamRanges = Readonly<Record<string, ParamRange>>;

/** A seed of the xorshift32 generators builds draw from. */
export const SEED_RANGE: ParamRange = { min: 0, max: 0xffffffff, integer: true };
/** How many times k candidates are rescored (0 = none). */
export const RESCORE_RANGE: ParamRange = { min: 0, integer: false };

/** A positive whole number (efSearch, nprobe, candidates). */
export const POSITIVE_INTEGER: ParamRange = { min: 1, integer: true };

/**
 * Search parameters a family takes by name, each with the values it may take, or null
 * where the family checks the value itself (Seismic's `sorted` may be a boolean).
 */
export type SearchParamRanges = Readonly<Record<string, ParamRange | null>>;

function describe(r: ParamRange): string {
  if (r.oneOf !== undefined) return r.oneOf.join(' or ');
  const kind = r.integer ? 'an integer' : 'a number';
  if (r.max !== undefined)
    return r.integer && !r.minExclusive ? `${kind} in ${r.min}..${r.max}` : `${kind} in ${r.minExclusive ? '(' : '['}${r.min}, ${r.max}]`;
  return `${kind} ${r.minExclusive ? '>' : '>='} ${r.min}`;
}

/**
 * What is wrong with `value` for `range` ("must be an integer >= 2, got 0"),
 * or null when it is allowed. `dim` null skips the rule that relates it to the
 * dimension (not known yet).
 */
export function paramRangeProblem(range: ParamRange, value: unknown, dim: number | null): string | null {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (!range.integer || Number.isInteger(value)) &&
    (range.minExclusive ? value > range.min : value >= range.min) &&
    (range.max === undefined || value <= range.max) &&
    (range.oneOf === undefined || range.oneOf.includes(value));
  if (!ok) return `must be ${describe(range)}, got ${typeof value === 'number' ? String(value) : JSON.stringify(value)}`;
  if (range.atMostDim && dim !== null && (value as number) > dim) return `must be at most the dimension ${dim}, got ${value as number}`;
  return null;
}

/** Throws BAD_ARGUMENT naming the first given parameter outside its range (dim: as paramRangeProblem). */
export function checkParamRanges(ranges: ParamRanges, params: object, dim: number | null): void {
  const given = params as Readonly<Record<string, unknown>>;
  for (const [name, range] of Object.entries(ranges)) {
    const value = given[name];
    if (value === undefined) continue;
    const problem = paramRangeProblem(range, value, dim);
    if (problem !== null) throw new QuarryError('BAD_ARGUMENT', problem, { field: name });
  }
}

/**
 * Checks search parameters given to a family (`owner` names it in messages, e.g.
 * "hnsw" or "this multi-vector field"): an unknown name, or a value outside its range,
 * is a BAD_ARGUMENT naming `params.<name>` and what is allowed.
 */
export function checkSearchParams(
  params: Readonly<Record<string, unknown>>,
  ranges: SearchParamRanges,
  owner: string,
  takes = `${owner} takes`,
): void {
  const names = Object.keys(ranges);
  for (const [name, value] of Object.entries(params)) {
    if (!(name in ranges)) {
      const hint = names.length > 0 ? `${takes}: ${names.join(', ')}` : undefined;
      throw new QuarryError('BAD_ARGUMENT', `"${name}" is not a search parameter of ${owner}`, { field: `params.${name}` }, hint);
    }
    const range = ranges[name];
    if (range === null || range === undefined || paramRangeProblem(range, value, null) === null) continue;
    const want =
      range.integer && range.min === 1 && !range.minExclusive
        ? 'a positive integer'
        : range === RESCORE_RANGE
          ? 'a number >= 0 (a multiple of k; 0 = no rescoring)'
          : describe(range);
    throw new QuarryError('BAD_ARGUMENT', `${name} must be ${want}, got ${JSON.stringify(value)}`, { field: `params.${name}` });
  }
}
