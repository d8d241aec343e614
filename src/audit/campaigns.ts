/**
 * Campaigns: poisoned passages carry the attacker's message, so the passages of one attack share
 * it word for word (GASLITE's passages are the message followed by optimised words). A run of
 * words that flagged documents share, and that occurs mostly in flagged documents, marks the
 * other documents holding it as part of the same campaign. Boilerplate that clean documents
 * share ("in this study we investigated the") occurs mostly in unflagged documents and marks no one.
 */

/** Words per shared run. */
export const CAMPAIGN_SPAN = 8;

/** A document joined to a campaign: the run it shares and how many flagged documents hold it. */
export interface CampaignMember {
  span: string;
  flaggedHolders: number;
}

/**
 * The unflagged documents that share a run of `span` words with at least two flagged documents,
 * where at least `minShare` of the documents holding the run are flagged.
 */
export function campaignMembers(
  words: readonly (readonly string[])[],
  flagged: ReadonlySet<number>,
  span = CAMPAIGN_SPAN,
  minShare = 0.5,
): Map<number, CampaignMember> {
  const shingle = (ws: readonly string[], i: number): string => ws.slice(i, i + span).join(' ');
  // the runs of flagged documents, then every document holding each of them
  const holders = new Map<string, Set<number>>();
  for (const d of flagged) {
    const ws = words[d]!;
    for (let i = 0; i + span <= ws.length; i++) holders.set(shingle(ws, i), new Set());
  }
  if (holders.size === 0) return new Map();
  for (const [d, ws] of words.entries()) for (let i = 0; i + span <= ws.length; i++) holders.get(shingle(ws, i))?.add(d);
  const out = new Map<number, CampaignMember>();
  for (const [run, docs] of holders) {
    let f = 0;
    for (const d of docs) if (flagged.has(d)) f++;
    if (f < 2 || f / docs.size < minShare) continue;
    for (const d of docs) {
      if (flagged.has(d)) continue;
      const prev = out.get(d);
      if (prev === undefined || prev.flaggedHolders < f) out.set(d, { span: run, flaggedHolders: f });
    }
  }
  return out;
}
