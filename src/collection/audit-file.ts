/**
 * A collection's retrieval audit (`audit.json`, written by `quarry audit --save`): the
 * documents flagged as suspicious for retrieval, with their reasons. Searches read the flagged
 * ids through `filter.flagged` to exclude or down-weight them.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { QuarryError } from '../core/quarry-error.js';
import { writeFileAtomic } from '../io/atomic-file.js';
import { readJsonFile } from '../io/json-file.js';

/** The audit's file name inside a collection. */
export const AUDIT_FILE = 'audit.json';

const reasonSchema = z.object({
  /** The signal, e.g. `language`, `hubness:emb`, `lexical-mismatch:emb`, `outlier:emb`. */
  signal: z.string(),
  /** The document's raw value of the signal. */
  value: z.number(),
  /** How far the value sits from the collection's median, in robust standard deviations (signed so that suspicious is positive). */
  z: z.number(),
  /** The reason in words. */
  why: z.string(),
});

const flaggedSchema = z.object({
  id: z.string(),
  /** The document's evidence: the sum of its signals' positive z. */
  score: z.number(),
  reasons: z.array(reasonSchema).min(1),
});

const signalSummarySchema = z.object({ median: z.number(), scale: z.number(), flagged: z.number().int().min(0) });

/** The JSON of an audit report. */
export const auditReportSchema = z.object({
  version: z.literal(1),
  /** The collection generation the audit read. */
  generation: z.number().int().min(0),
  /** Live documents audited. */
  documents: z.number().int().min(0),
  /** Queries run for the query-based signals, and where they came from. */
  queries: z.number().int().min(0),
  querySource: z.enum(['log', 'sampled']),
  /** A document is flagged when its evidence exceeds this. */
  threshold: z.number().positive(),
  /** Per signal: the collection's median, the robust scale the z divides by, and how many flagged documents it is a reason of. */
  signals: z.record(signalSummarySchema),
  /** Flagged documents, most suspicious first. */
  flagged: z.array(flaggedSchema),
});

/** An audit report (see `auditCollection`). */
export type AuditReport = z.infer<typeof auditReportSchema>;
/** One flagged document of an audit report. */
export type FlaggedDocument = AuditReport['flagged'][number];

/** Saves an audit with the collection (atomically replacing an older one). */
export function writeAudit(dir: string, report: AuditReport): void {
  writeFileAtomic(join(dir, AUDIT_FILE), JSON.stringify(report, null, 2) + '\n');
}

/** The collection's saved audit, or null when none was saved. */
export function readAudit(dir: string): AuditReport | null {
  const p = join(dir, AUDIT_FILE);
  if (!existsSync(p)) return null;
  const parsed = auditReportSchema.safeParse(readJsonFile(p, 'audit'));
  if (!parsed.success)
    throw new QuarryError('CORRUPT', 'is not an audit written by quarry audit', { file: p }, 'run quarry audit DIR --save again');
  return parsed.data;
}
