/** Minimal `--name value` argument reading for benchmark scripts (they are not user-facing commands). */
export function argValue(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1]! : fallback;
}

export function argNumber(name: string, fallback: number): number {
  const v = Number(argValue(name, String(fallback)));
  if (!Number.isFinite(v)) throw new Error(`--${name} must be a number`);
  return v;
}

export function argList(name: string, fallback: string[]): string[] {
  const v = argValue(name, '');
  return v === ''
    ? fallback
    : v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
}
