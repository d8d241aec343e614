/** Progress bars for long operations: shown on a terminal (bar, rate, ETA), silent in pipes and CI. */
import cliProgress from 'cli-progress';
import { SILENT_PROGRESS, type Progress, type ProgressFactory } from '../core/progress.js';

export type { Progress } from '../core/progress.js';

/**
 * A bar over `total` units (e.g. bytes of input) that also shows an item
 * count and rate (e.g. documents/s). Returns a silent reporter when stderr
 * is not a terminal or `quiet` is set.
 */
export function createProgress(label: string, total: number, itemName: string, quiet = false): Progress {
  if (quiet || !process.stderr.isTTY || total <= 0) return SILENT_PROGRESS;
  const started = Date.now();
  const bar = new cliProgress.SingleBar(
    {
      format: `${label} {bar} {percentage}% | {items} ${itemName} | {rate} ${itemName}/s | ETA {eta_formatted}{note}`,
      stream: process.stderr,
      hideCursor: true,
      clearOnComplete: true,
      etaBuffer: 50,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0, { items: 0, rate: 0, note: '' });
  return {
    update(value: number, items: number, note?: string): void {
      const secs = (Date.now() - started) / 1000;
      bar.update(value, {
        items: items.toLocaleString('en-US'),
        rate: secs > 0 ? Math.round(items / secs).toLocaleString('en-US') : 0,
        note: note === undefined ? '' : ` | ${note}`,
      });
    },
    stop(): void {
      bar.stop();
    },
  };
}

/** A factory of terminal bars (silent when `quiet`), for the library calls that take one. */
export function terminalProgress(quiet = false): ProgressFactory {
  return (label, total, itemName) => createProgress(label, total, itemName, quiet);
}
