// Child process of the crash harness: writes batches into a collection,
// committing each, deleting and merging now and then, and reports each
// commit that returned on stdout ("committed <batch>"). It is killed with
// SIGKILL at a random moment by the parent.
// Usage: node --import tsx test/helpers/crash-writer.ts DIR FIRST_BATCH BATCHES
import { Collection } from '../../src/collection/index.js';
import { crashBatchDocs, CRASH_SCHEMA } from './crash-docs.js';

const [dir, firstText, countText] = process.argv.slice(2);
const first = Number(firstText);
const count = Number(countText);
const c = Collection.exists(dir!) ? Collection.open(dir!) : Collection.create(dir!, CRASH_SCHEMA);
const w = c.writer({ flushDocs: 40, maxSegments: 4, mergeFactor: 3 });
for (let b = first; b < first + count; b++) {
  for (const d of crashBatchDocs(b)) w.add(d);
  if (b % 3 === 2) w.delete(`b${b - 1}-0`); // delete from an earlier batch
  if (b % 7 === 6) w.optimize();
  else w.commit();
  process.stdout.write(`committed ${b}\n`);
}
w.close();
