// Campaign expansion: a run of words held mostly by flagged documents marks the other holders;
// boilerplate held mostly by clean documents, or a run only one flagged document holds, does not.
import { describe, expect, it } from 'vitest';
import { campaignMembers } from '../../src/audit/campaigns.js';

const w = (s: string): string[] => s.split(' ');
const PAYLOAD = 'buy the miracle cure now at cure dot example today';
const BOILERPLATE = 'in this study we investigated the role of the protein';

describe('campaignMembers', () => {
  it('marks the unflagged holders of a run most of whose holders are flagged', () => {
    const docs = [
      w(`${PAYLOAD} x1 x2`),
      w(`${PAYLOAD} y1`),
      w(`${PAYLOAD} plain prose follows`),
      w('nothing shared here at all today ok fine'),
    ];
    const m = campaignMembers(docs, new Set([0, 1]), 8);
    expect([...m.keys()]).toEqual([2]);
    expect(m.get(2)!.flaggedHolders).toBe(2);
    expect(PAYLOAD).toContain(m.get(2)!.span);
  });

  it('ignores boilerplate most holders of which are clean, and runs only one flagged document holds', () => {
    const docs = [
      w(`${BOILERPLATE} a`),
      w(`${BOILERPLATE} b`),
      w(`${BOILERPLATE} c`),
      w(`${BOILERPLATE} d`),
      w(`${BOILERPLATE} e`),
      w(`${PAYLOAD} z`),
      w(`${PAYLOAD} q`),
    ];
    expect(campaignMembers(docs, new Set([0, 1]), 8).size).toBe(0);
    expect(campaignMembers(docs, new Set([5]), 8).size).toBe(0);
    expect(campaignMembers(docs, new Set(), 8).size).toBe(0);
  });
});
