/** "1 segment", "3 segments": a count and its noun, for the CLI's one-line summaries. */
export function countedNoun(count: number, noun: string): string {
  return `${count.toLocaleString('en-US')} ${noun}${count === 1 ? '' : 's'}`;
}
