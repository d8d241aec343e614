/** Text output in trec_eval's three-column layout: `measure<TAB>qid|all<TAB>value`. */
import { formatFixed } from './c-format.js';
import type { EvalReport, MeasureValue } from './evaluate.js';

/** Formats one value the way trec_eval prints it (`%ld`, `%6.4f` or `%s`). */
export function formatValue(value: MeasureValue, type: 'long' | 'float' | 'string'): string {
  if (typeof value === 'string') return value;
  if (type === 'long') return String(Math.round(value));
  return formatFixed(value, 4).padStart(6);
}

function line(name: string, qid: string, value: string): string {
  return `${name.padEnd(22)}\t${qid}\t${value}\n`;
}

/** Renders a report as trec_eval prints it; per-query lines first when `perQuery` is set. */
export function formatTrecEval(report: EvalReport, perQuery: boolean): string {
  let out = '';
  if (perQuery) {
    for (const [qid, values] of report.perQuery) {
      for (const name of report.names) {
        const v = values.get(name);
        if (v !== undefined) out += line(name, qid, formatValue(v, report.types.get(name)!));
      }
    }
  }
  for (const name of report.names) {
    const v = report.all.get(name);
    if (v !== undefined) out += line(name, 'all', formatValue(v, report.types.get(name)!));
  }
  return out;
}

/** A JSON-friendly view of a report. */
export function reportToJson(report: EvalReport, perQuery: boolean): Record<string, unknown> {
  const all = Object.fromEntries(report.all);
  const json: Record<string, unknown> = { runid: report.runid, measures: report.names, all };
  if (perQuery) json.perQuery = Object.fromEntries([...report.perQuery].map(([q, m]) => [q, Object.fromEntries(m)]));
  if (report.warnings.length > 0) json.warnings = report.warnings;
  return json;
}
