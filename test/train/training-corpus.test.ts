// The segments a training document is cut into: title, then sentences; one-segment documents
// (bare titles, unpunctuated text) into word windows, so pre-training tasks can pair their parts.
import { describe, expect, it } from 'vitest';
import { splitSentences } from '../../src/text/sentences.js';
import { documentSegments } from '../../src/train/training-corpus.js';

describe('training documents', () => {
  it('splits sentences at . ! ? before a capital, digit or opening quote', () => {
    expect(splitSentences('Cells divide. Proteins fold! Why? "Quoted" start. 3 cases (n=4). end.')).toEqual([
      'Cells divide.',
      'Proteins fold!',
      'Why?',
      '"Quoted" start.',
      '3 cases (n=4). end.',
    ]);
    expect(splitSentences('  ')).toEqual([]);
  });

  it('a document is its title and its sentences', () => {
    expect(documentSegments({ id: 'a', title: 'Solar', text: 'Panels store energy. Batteries help.' })).toEqual([
      'Solar',
      'Panels store energy.',
      'Batteries help.',
    ]);
  });

  it('a document of one segment is cut into word windows of at most 16 words, two at least', () => {
    const words = Array.from({ length: 40 }, (_, i) => `w${i}`);
    const segs = documentSegments({ id: 'b', title: '', text: words.join(' ') });
    expect(segs.map((s) => s.split(' ').length)).toEqual([16, 16, 8]);
    expect(documentSegments({ id: 'c', title: 'Extraction of Roots by Repeated Subtractions', text: '' })).toEqual([
      'Extraction of Roots',
      'by Repeated Subtractions',
    ]);
    expect(documentSegments({ id: 'd', title: 'Too short', text: '' })).toEqual(['Too short']);
  });
});
