/**
 * Options that mean something only next to other options. An option given where it
 * has no effect is a usage error rather than silently ignored: `--params` on a text
 * search or `--family` on a corpus import would otherwise look as if they had worked.
 */
import type { Command } from 'commander';
import { QuarryError } from '../core/quarry-error.js';

/** Where one option applies: only with one of `with`, and never with any of `without`. */
export interface OptionScope {
  /** The option's attribute name, as commander names it (`sparseQueries` for `--sparse-queries`). */
  option: string;
  /** The option is rejected unless one of these was given too. */
  with?: readonly string[];
  /** The option is rejected when any of these was given too. */
  without?: readonly string[];
  /** Appended to the error: what to do instead. */
  hint?: string;
}

/** Whether the user typed the option (a default value does not count). */
export function givenOnCommandLine(cmd: Command, option: string): boolean {
  return cmd.getOptionValueSource(option) === 'cli';
}

/** The option as the user types it (`--sparse-queries`, `-k`). */
function flagOf(cmd: Command, option: string): string {
  const o = cmd.options.find((x) => x.attributeName() === option);
  return o?.long ?? o?.short ?? option;
}

/** Throws a usage error naming the first option given outside its scope. */
export function checkOptionScopes(cmd: Command, scopes: readonly OptionScope[]): void {
  const given = (name: string): boolean => givenOnCommandLine(cmd, name);
  for (const s of scopes) {
    if (!given(s.option)) continue;
    const flag = flagOf(cmd, s.option);
    if (s.with !== undefined && !s.with.some(given)) {
      throw new QuarryError('BAD_ARGUMENT', `applies only with ${s.with.map((w) => flagOf(cmd, w)).join(' or ')}`, { field: flag }, s.hint);
    }
    const clash = s.without?.find(given);
    if (clash !== undefined)
      throw new QuarryError('BAD_ARGUMENT', `cannot be combined with ${flagOf(cmd, clash)}`, { field: flag }, s.hint);
  }
}
