/** The retrieval audit: documents suspicious for retrieval, and the report searches read to exclude them. */
export { auditSnapshot, type AuditOptions } from './audit-collection.js';
export { AUDIT_FILE, readAudit, writeAudit, type AuditReport, type FlaggedDocument } from '../collection/audit-file.js';
