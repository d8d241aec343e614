/**
 * The examples of README.md and docs/*.md, read as the doc-examples tests run them:
 * fenced blocks with their language, the line they start on, and the file name an
 * HTML comment `<!-- file: NAME -->` just above a block gives it (the shell examples
 * then find that block's text under that name).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The repository root. */
export const ROOT = join(import.meta.dirname, '../..');

/** One fenced block of a Markdown file. */
export interface ExampleBlock {
  /** The Markdown file, relative to the repository root. */
  doc: string;
  /** 1-based line of the opening fence. */
  line: number;
  /** The fence's language (`sh`, `ts`, `json`, …; empty when none). */
  lang: string;
  text: string;
  /** From `<!-- file: NAME -->` on the line before the fence. */
  fileName?: string;
}

/** README.md and every Markdown file under docs/. */
export function exampleDocs(): string[] {
  const docs = readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => join(ROOT, 'docs', f));
  return [join(ROOT, 'README.md'), ...docs];
}

/** The fenced blocks of the Markdown file at `path`. */
export function readBlocks(path: string): ExampleBlock[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const blocks: ExampleBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\w*)\s*$/.exec(lines[i]!);
    if (open === null) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    const marker = start > 0 ? /^<!--\s*file:\s*(\S+)\s*-->\s*$/.exec(lines[start - 1]!) : null;
    blocks.push({
      doc: relative(ROOT, path),
      line: start + 1,
      lang: open[1]!,
      text: body.join('\n'),
      ...(marker !== null ? { fileName: marker[1]! } : {}),
    });
  }
  return blocks;
}

/** A command of a shell block: continuation lines joined, its trailing comment apart. */
export interface ShellCommand {
  /** 1-based line in the Markdown file. */
  line: number;
  command: string;
  /** The `# …` comment after the command, if any. */
  comment: string;
}

/** Index of a `#` that starts a comment (outside quotes, at a word start), or -1. */
function commentStart(s: string): number {
  let quote: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quote !== null) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') i++;
    } else if (c === "'" || c === '"') quote = c;
    else if (c === '\\') i++;
    else if (c === '#' && (i === 0 || /\s/.test(s[i - 1]!))) return i;
  }
  return -1;
}

/** The commands of a shell block (comment-only and empty lines dropped; `$ ` prompts removed). */
export function shellCommands(block: ExampleBlock): ShellCommand[] {
  const out: ShellCommand[] = [];
  const lines = block.text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = block.line + 1 + i;
    let text = lines[i]!.replace(/^\$ /, '');
    while (/\\\s*$/.test(text) && i + 1 < lines.length) text = text.replace(/\\\s*$/, ' ') + lines[++i]!.trim();
    const at = commentStart(text);
    const command = (at < 0 ? text : text.slice(0, at)).trim();
    const comment = at < 0 ? '' : text.slice(at + 1).trim();
    if (command !== '') out.push({ line, command, comment });
  }
  return out;
}
