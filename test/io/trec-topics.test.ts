// TREC topic files as queries: classic <top> topics (open tags, labels, wrapped text),
// FIRE and Core 2018 variants, XML topics, and the errors malformed files get.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BEIR_FLAT_SCHEMA, Collection } from '../../src/collection/index.js';
import { readQueries } from '../../src/io/beir.js';
import { errorOf } from '../helpers/errors.js';
import { parseClassicTopics, parseXmlTopics, topicFileKind } from '../../src/io/trec-topics.js';
import { quarry } from '../helpers/cli.js';
import { tempDir, writeFile } from '../helpers/temp-dir.js';

const dir = tempDir();

const CLASSIC = `<top>
<num> Number: 401
<title> foreign minorities, Germany

<desc> Description:
What language and cultural differences impede the
integration of foreign minorities in Germany?

<narr> Narrative:
A relevant document will focus on the causes of the
lack of integration.
</top>

<top>
<num> Number: 402
<title>
behavioral genetics
<desc> Description:
What is happening in the field of behavioral genetics?
<narr> Narrative:
Any document reporting on studies is relevant.
</top>
`;

describe('classic TREC topics', () => {
  it('reads number, title, description and narrative, dropping labels and joining wrapped lines', () => {
    const topics = parseClassicTopics(CLASSIC, 'topics.txt');
    expect([...topics.keys()]).toEqual(['401', '402']);
    expect(topics.get('401')).toEqual({
      title: 'foreign minorities, Germany',
      description: 'What language and cultural differences impede the integration of foreign minorities in Germany?',
      narrative: 'A relevant document will focus on the causes of the lack of integration.',
    });
    // a title on the line after its tag
    expect(topics.get('402')!.title).toBe('behavioral genetics');
  });

  it('reads FIRE numbers (<num>176</num>), closed tags (Core 2018) and <top lang=...>', () => {
    const text = `<top lang='en'>\n<num>176</num>\n<title>river water dispute</title>\n<desc>Disputes over sharing river water.</desc>\n<narr>Relevant documents discuss disputes.</narr>\n</top>\n`;
    expect(topicFileKind(text)).toBe('trec');
    expect(parseClassicTopics(text, 't')).toEqual(
      new Map([
        [
          '176',
          {
            title: 'river water dispute',
            description: 'Disputes over sharing river water.',
            narrative: 'Relevant documents discuss disputes.',
          },
        ],
      ]),
    );
  });

  it('makes queries of the chosen fields, and names what is wrong', () => {
    const file = writeFile(dir, 'topics.robust.txt', CLASSIC);
    expect(readQueries(file).get('401')).toBe('foreign minorities, Germany');
    expect(readQueries(file, { topicField: 'title+desc' }).get('402')).toBe(
      'behavioral genetics What is happening in the field of behavioral genetics?',
    );
    expect(errorOf(() => readQueries(file, { topicField: 'summary' })).message).toMatch(
      /topics\.robust\.txt.*topic 401 has no field "summary"/,
    );
    expect(errorOf(() => readQueries(writeFile(dir, 'q.tsv', '1\tx\n'), { topicField: 'title' })).message).toContain(
      'applies to TREC topic files',
    );
    expect(errorOf(() => readQueries(writeFile(dir, 'open.txt', '<top>\n<num> Number: 1\n<title> a\n'))).message).toMatch(
      /open\.txt:1.*not closed/,
    );
    expect(errorOf(() => readQueries(writeFile(dir, 'nonum.txt', '<top>\n<title> a\n</top>\n'))).message).toMatch(/nonum\.txt:1.*no <num>/);
    expect(
      errorOf(() => readQueries(writeFile(dir, 'twice.txt', '<top>\n<num> 1\n<title> a\n</top>\n<top>\n<num> 1\n<title> b\n</top>\n')))
        .message,
    ).toMatch(/twice\.txt:8.*duplicate topic 1/);
    expect(errorOf(() => readQueries(writeFile(dir, 'stray.txt', '<top>\n<num> 1\n<title> a\n</top>\nstray words\n'))).message).toMatch(
      /stray\.txt:5.*outside a topic/,
    );
  });
});

describe('XML topics', () => {
  const XML = `<?xml version="1.0" encoding="UTF-8"?>
<topics task="covid">
  <topic number="1">
    <query>coronavirus origin</query>
    <question>what is the origin of COVID-19 &amp; SARS-CoV-2?</question>
    <narrative><![CDATA[seeking range of information about the <virus>'s origin]]></narrative>
  </topic>
  <topic number="2">
    <query>coronavirus response to weather changes</query>
    <question>how does the coronavirus respond to changes in the weather</question>
    <narrative>seeking data</narrative>
  </topic>
</topics>`;

  it('reads numbered topics, decoding entities and CDATA; the query field is the default', () => {
    const topics = parseXmlTopics(XML, 'covid.xml');
    expect(topics.get('1')).toEqual({
      query: 'coronavirus origin',
      question: 'what is the origin of COVID-19 & SARS-CoV-2?',
      narrative: "seeking range of information about the <virus>'s origin",
    });
    const file = writeFile(dir, 'topics.covid.xml', XML);
    expect([...readQueries(file)]).toEqual([
      ['1', 'coronavirus origin'],
      ['2', 'coronavirus response to weather changes'],
    ]);
    expect(readQueries(file, { topicField: 'query+question' }).get('2')).toBe(
      'coronavirus response to weather changes how does the coronavirus respond to changes in the weather',
    );
    expect(errorOf(() => parseXmlTopics('<topics>\n<topic>\n<query>x</query>\n</topic>\n</topics>', 'n.xml')).message).toMatch(
      /n\.xml:2.*no number/,
    );
  });
});

describe('quarry run with topics', () => {
  it('searches the chosen topic field and evaluates the run', () => {
    const idx = join(dir, 'idx');
    const w = Collection.create(idx, BEIR_FLAT_SCHEMA).writer();
    w.add({ _id: 'g1', title: 'Germany', text: 'integration of foreign minorities in Germany' });
    w.add({ _id: 'b1', title: 'genetics', text: 'studies in behavioral genetics' });
    w.commit();
    w.close();
    const topics = writeFile(dir, 'run-topics.txt', CLASSIC);
    const qrels = writeFile(dir, 'qrels', '401 0 g1 1\n402 0 b1 1\n');
    const out = join(dir, 'topics.run');
    const r = quarry([
      'run',
      idx,
      '--queries',
      topics,
      '--topic-field',
      'description',
      '--qrels',
      qrels,
      '-m',
      'P.1',
      '--output',
      out,
      '--quiet',
    ]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/P_1\s+all\s+1\.0000/);
    expect(readFileSync(out, 'utf8').split('\n')[0]).toMatch(/^401 Q0 g1 1 /);
  });
});
