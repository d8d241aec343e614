/** A collection's relevance calibration (`calibration.json`, written by `quarry calibrate`). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeFileAtomic } from '../io/atomic-file.js';
import { readJsonFile } from '../io/json-file.js';
import { QuarryError } from '../core/quarry-error.js';
import type { CalibrationModel } from '../search/calibration.js';

/** The calibration's file name inside a collection. */
export const CALIBRATION_FILE = 'calibration.json';

/** Saves a calibration with the collection (atomically replacing an older one). */
export function writeCalibration(dir: string, model: CalibrationModel): void {
  writeFileAtomic(join(dir, CALIBRATION_FILE), JSON.stringify(model, null, 2) + '\n');
}

/** The collection's calibration, or null when none was fitted. */
export function readCalibration(dir: string): CalibrationModel | null {
  const p = join(dir, CALIBRATION_FILE);
  if (!existsSync(p)) return null;
  const m = readJsonFile(p, 'calibration') as Partial<CalibrationModel>;
  if (
    m.version !== 1 ||
    !Array.isArray(m.wa) ||
    !Array.isArray(m.wb) ||
    !Array.isArray(m.means) ||
    !Array.isArray(m.stds) ||
    m.wa.length !== m.means.length ||
    (m.scoreMean !== undefined && !Number.isFinite(m.scoreMean)) ||
    (m.scoreStd !== undefined && !(Number.isFinite(m.scoreStd) && m.scoreStd > 0))
  ) {
    throw new QuarryError('CORRUPT', 'is not a calibration written by quarry calibrate', { file: p }, 'fit it again with quarry calibrate');
  }
  return m as CalibrationModel;
}
