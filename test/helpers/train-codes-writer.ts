// Child process of the train-codes crash test: trains and commits codebooks of field "emb" again
// and again, printing each committed generation, until it is killed.
import { trainFieldCodes } from '../../src/train/train-codes.js';

const dir = process.argv[2]!;
for (let round = 1; ; round++) {
  const r = trainFieldCodes({
    dir,
    field: 'emb',
    method: 'distill-vq',
    sampleQueries: 200,
    epochs: 2,
    anisotropy: 1 + (round % 2),
    seed: round,
  });
  process.stdout.write(`committed ${r.generation} ${r.version}\n`);
}
