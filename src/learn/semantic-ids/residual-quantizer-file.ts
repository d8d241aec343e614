/**
 * A residual quantizer on disk: its codebooks as one float32 NumPy array of
 * shape (levels, codebookSize, dim), so the codes Quarry assigns can be
 * decoded, or extended to new vectors, from Python as well
 * (`np.load(path)[l][code]`).
 */
import { writeFileAtomic } from '../../io/atomic-file.js';
import { QuarryError } from '../../core/quarry-error.js';
import { encodeNpyFloat32, readNpyFloat32 } from '../../io/vector-files.js';
import { MAX_CODEBOOK_SIZE, type ResidualQuantizer } from './residual-quantizer.js';

/** Writes the quantizer's codebooks to `path` (replaced atomically). */
export function writeResidualQuantizer(path: string, rq: ResidualQuantizer): void {
  writeFileAtomic(path, encodeNpyFloat32(rq.codebooks, [rq.levels, rq.codebookSize, rq.dim]));
}

/** Reads codebooks written by {@link writeResidualQuantizer} (or by NumPy in the same layout). */
export function readResidualQuantizer(path: string): ResidualQuantizer {
  const { shape, data } = readNpyFloat32(path);
  const fix = 'save the codebooks as a float32 array of shape (levels, codebookSize, dim)';
  if (shape.length !== 3)
    throw new QuarryError('BAD_INPUT', `shape (${shape.join(', ')}) is not (levels, codebookSize, dim)`, { file: path }, fix);
  const [levels, codebookSize, dim] = shape as [number, number, number];
  if (levels < 1 || levels > 64) throw new QuarryError('BAD_INPUT', `${levels} levels; a quantizer has 1 to 64`, { file: path }, fix);
  if (codebookSize < 2 || codebookSize > MAX_CODEBOOK_SIZE) {
    throw new QuarryError(
      'BAD_INPUT',
      `codebooks of ${codebookSize} codewords; 2 to ${MAX_CODEBOOK_SIZE} are supported`,
      { file: path },
      fix,
    );
  }
  if (dim < 1) throw new QuarryError('BAD_INPUT', 'the codewords have no dimensions', { file: path }, fix);
  return { dim, levels, codebookSize, codebooks: data };
}
