#!/usr/bin/env node
// Empties dist/ before a build: tsc never removes the output of a source file that was deleted
// or renamed, and such stale files would be published with the package.
import { rmSync } from 'node:fs';
import { join } from 'node:path';

rmSync(join(import.meta.dirname, '..', 'dist'), { recursive: true, force: true });
