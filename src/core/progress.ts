/**
 * Progress reporting for long work done by the library (imports, batch searches,
 * training): the library reports, the caller decides how to show it (the CLI
 * draws a bar with rate and ETA on a terminal; code that embeds Quarry may log or
 * ignore it).
 */

/** A progress reporter for one piece of work. */
export interface Progress {
  /** Sets the position (in the work's unit) and the item count shown with the rate; `note` is a short status shown after them (e.g. a training loss). */
  update(value: number, items: number, note?: string): void;
  stop(): void;
}

/**
 * Starts reporting on work of `total` units (e.g. bytes or queries) labelled
 * `label`, counting items named `itemName` (e.g. "docs").
 */
export type ProgressFactory = (label: string, total: number, itemName: string) => Progress;

/** A reporter that shows nothing. */
export const SILENT_PROGRESS: Progress = { update: () => {}, stop: () => {} };

/** A factory of silent reporters: the default wherever a caller gives none. */
export const noProgress: ProgressFactory = () => SILENT_PROGRESS;
