import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { matchCameras } from '../../../src/search/camera-match.js';
import { parseDateWords } from '../../../src/search/date-words.js';
import { listLexicon, parseQuery, type QueryPart } from '../../../src/search/query-parser.js';

/** Cameras and lenses as the fixture library holds them (make, model as ExifTool reads them). */
const cam = (make: string, model: string) => ({ make, model });
const lex = listLexicon({
  cameras: [
    cam('Canon', 'Canon EOS 5D Mark II'),
    cam('Canon', 'Canon EOS 5D Mark III'),
    cam('Canon', 'Canon EOS 6D'),
    cam('Canon', 'Canon EOS D30'),
    cam('Canon', 'Canon EOS RP'),
    cam('Canon', 'Canon EOS R5'),
    cam('Canon', 'Canon PowerShot SD1100 IS'),
    cam('NIKON CORPORATION', 'NIKON D810'),
    cam('NIKON', 'COOLPIX P6000'),
    cam('SONY', 'ILCE-7M3'),
    cam('Apple', 'iPhone 11 Pro Max'),
    cam('Apple', 'iPhone SE'),
  ],
  lenses: ['EF70-200mm f/4L IS USM', 'EF24-105mm f/4L IS USM', 'EF85mm f/1.2L USM'],
  places: ['Arezzo', 'Tuscany', 'Italy', 'New York', 'United States'],
  people: ['Barack Obama', 'Joe Biden', 'Marie Curie', 'Pierre Curie'],
  keywords: ['dog', 'beach', 'sea turtle'],
});

const NOW = Date.UTC(2026, 11, 2, 4, 0); // 2 December 2026
const day = (y: number, m: number, d = 1) => Date.UTC(y, m - 1, d);

/** A compact view of a part for the table. */
function brief(p: QueryPart): string {
  switch (p.kind) {
    case 'camera':
      return `camera:${p.cameras.filter((c) => c.tier === p.cameras[0]!.tier).map((c) => c.model).sort().join('|')}`;
    case 'date':
      return `date:${new Date(p.range.from).toISOString().slice(0, 10)}..${new Date(p.range.to).toISOString().slice(0, 10)}`;
    case 'iso':
    case 'focal':
    case 'aperture':
    case 'rating':
      return `${p.kind}:${p.range.min}..${p.range.max}`;
    default:
      return `${p.kind}:${p.value}`;
  }
}

const TABLE: [string, string[], string][] = [
  // query, parts, free text left for ranking
  ['Canon EOS 5D Mark II', ['camera:Canon EOS 5D Mark II'], ''],
  ['EOS 5D', ['camera:Canon EOS 5D Mark II|Canon EOS 5D Mark III'], ''],
  ['Canon 6D 2013', ['camera:Canon EOS 6D', 'date:2013-01-01..2014-01-01'], ''],
  ['6d', ['camera:Canon EOS 6D'], ''],
  ['canon beach', ['camera:Canon EOS 5D Mark II|Canon EOS 5D Mark III|Canon EOS 6D|Canon EOS D30|Canon EOS R5|Canon EOS RP|Canon PowerShot SD1100 IS', 'keyword:beach'], 'beach'],
  ['Nikon D810', ['camera:NIKON D810'], ''],
  ['ILCE-7M3 sunset', ['camera:ILCE-7M3', 'text:sunset'], 'sunset'],
  ['iPhone 11 Pro', ['camera:iPhone 11 Pro Max'], ''],
  ['June 2019', ['date:2019-06-01..2019-07-01'], ''],
  ['jun 2019 dog', ['date:2019-06-01..2019-07-01', 'keyword:dog'], 'dog'],
  ['2019-2021', ['date:2019-01-01..2022-01-01'], ''],
  ['2019 to 2021', ['date:2019-01-01..2022-01-01'], ''],
  ['2019-06-02', ['date:2019-06-02..2019-06-03'], ''],
  ['last summer', ['date:2026-06-01..2026-09-01'], ''],
  ['this year', ['date:2026-01-01..2027-01-01'], ''],
  ['last year', ['date:2025-01-01..2026-01-01'], ''],
  ['winter 2019', ['date:2019-12-01..2020-03-01'], ''],
  ['Arezzo', ['place:Arezzo'], ''],
  ['new york 2019', ['place:New York', 'date:2019-01-01..2020-01-01'], ''],
  ['Barack Obama', ['person:Barack Obama'], ''],
  ['obama biden', ['person:Barack Obama', 'person:Joe Biden'], ''],
  ['curie', ['text:curie'], 'curie'], // two Curies: not one person, left to text matching
  ['sea turtle', ['keyword:sea turtle'], 'sea turtle'],
  ['DSC06241.ARW', ['file:DSC06241.ARW'], ''],
  ['IMG_1234 2013', ['file:IMG_1234', 'date:2013-01-01..2014-01-01'], ''],
  ['70-200mm', ['lens:70-200mm'], ''],
  ['85mm portrait', ['lens:85mm', 'text:portrait'], 'portrait'],
  // Exposure: a focal length or aperture no lens is named by is the photos taken at it.
  ['35mm', ['focal:35..35'], ''],
  ['35 mm street', ['focal:35..35', 'text:street'], 'street'],
  ['24-70mm', ['focal:24..70'], ''],
  ['f/1.8', ['aperture:1.8..1.8'], ''],
  ['f1.4-2 portrait', ['aperture:1.4..2', 'text:portrait'], 'portrait'],
  ['f/4', ['lens:f/4'], ''], // the f/4 zooms
  ['iso 3200', ['iso:3200..3200'], ''],
  ['ISO3200 2019', ['iso:3200..3200', 'date:2019-01-01..2020-01-01'], ''],
  ['iso 800-3200 dog', ['iso:800..3200', 'keyword:dog'], 'dog'],
  ['iso 6400+', ['iso:6400..Infinity'], ''],
  ['iso:100 mm:85 f:1.2', ['iso:100..100', 'focal:85..85', 'aperture:1.2..1.2'], ''],
  ['iso', ['text:iso'], 'iso'],
  ['iso 102400', ['iso:102400..102400'], ''],
  ['iso party', ['text:iso party'], 'iso party'],
  // Star ratings and colour labels, as Lightroom sets them.
  ['5 stars', ['rating:5..5'], ''],
  ['4+ stars beach', ['rating:4..5', 'keyword:beach'], 'beach'],
  ['5-star 2019', ['rating:5..5', 'date:2019-01-01..2020-01-01'], ''],
  ['★★★★', ['rating:4..4'], ''],
  ['★★★+', ['rating:3..5'], ''],
  ['rated 4+', ['rating:4..5'], ''],
  ['rating:2 label:red', ['rating:2..2', 'label:Red'], ''],
  ['red label dog', ['label:Red', 'keyword:dog'], 'dog'],
  ['red car', ['text:red car'], 'red car'],
  ['6 stars', ['text:6 stars'], '6 stars'],
  ['rejected 2019', ['rating:-1..-1', 'date:2019-01-01..2020-01-01'], ''],
  ['stars', ['text:stars'], 'stars'],
  ['f/0 iso 0', ['text:f/0 iso 0'], 'f/0 iso 0'], // no camera records these
  ['red car at night', ['text:red car at night'], 'red car at night'],
  ['may flowers', ['text:may flowers'], 'may flowers'], // "may" is a month only next to a year
  ['camera:"Canon EOS 6D" year:2015', ['camera:Canon EOS 6D', 'date:2015-01-01..2016-01-01'], ''],
  ['person:Obama place:Italy tag:dog', ['person:Barack Obama', 'place:Italy', 'keyword:dog'], ''],
  ['lens:24-105 mark', ['lens:24-105', 'text:mark'], 'mark'],
  ['eos', ['text:eos'], 'eos'], // a series word alone names no camera
];

describe('search query parser (table)', () => {
  for (const [q, parts, text] of TABLE) {
    test(q, () => {
      const p = parseQuery(q, lex, { now: NOW });
      assert.deepEqual(p.parts.map(brief), parts);
      assert.equal(p.text, text);
      for (const part of p.parts) assert.ok(q.includes(part.source) || part.kind === 'text', `source "${part.source}" is in the query`);
    });
  }
});

describe('exposure words', () => {
  test('a keyword of the same name wins over a focal length ("35mm" on film scans); "iso 35" still reads', () => {
    const film = listLexicon({ keywords: ['35mm'] });
    assert.deepEqual(parseQuery('35mm', film, { now: NOW }).parts.map(brief), ['keyword:35mm']);
    assert.deepEqual(parseQuery('mm:35 iso 400', film, { now: NOW }).parts.map(brief), ['focal:35..35', 'iso:400..400']);
  });
  test('labels say the setting as a photographer writes it', () => {
    const labels = parseQuery('iso 800-3200 85mm f/1.8 iso:6400+', lex, { now: NOW }).parts.map((p) => p.label);
    assert.deepEqual(labels, ['ISO 800–3200', 'lens 85mm', 'f/1.8', 'ISO 6400+']);
  });
});

describe('countries in other languages', () => {
  // The places index answers an ISO code with the country's stored name.
  const withCodes = (keywords: string[]) => {
    const base = listLexicon({ places: ['Italy', 'Iceland'], keywords });
    return { ...base, place: (p: string) => ({ IT: 'Italy', IS: 'Iceland' })[p] ?? base.place(p) };
  };
  test('"Italien" is Italy; a keyword of that name in the library is the keyword', () => {
    assert.deepEqual(parseQuery('Italien 2019', withCodes([]), { now: NOW }).parts.map(brief), ['place:Italy', 'date:2019-01-01..2020-01-01']);
    assert.deepEqual(parseQuery('Italien', withCodes(['Italien']), { now: NOW }).parts.map(brief), ['keyword:Italien']);
    assert.deepEqual(parseQuery('Ísland', withCodes([]), { now: NOW }).parts.map(brief), ['place:Iceland'], 'Icelandic, accented');
    assert.deepEqual(parseQuery('island', withCodes([]), { now: NOW }).parts.map(brief), ['text:island'], 'German "Island" is an English word');
  });
});

describe("towns' other names", () => {
  const towns = (keywords: string[], people: string[] = []) => ({
    ...listLexicon({ places: ['Munich', 'Florence'], keywords, people }),
    townByOtherName: (p: string) => ({ münchen: 'Munich', firenze: 'Florence', florence: 'Florence' })[p.toLowerCase()] ?? null,
  });
  test('"München" is the library\'s Munich, in a phrase with a date; a keyword or a person of that name wins', () => {
    assert.deepEqual(parseQuery('München 2019', towns([]), { now: NOW }).parts.map(brief), ['place:Munich', 'date:2019-01-01..2020-01-01']);
    assert.deepEqual(parseQuery('sunset firenze', towns([]), { now: NOW }).parts.map(brief), ['place:Florence', 'text:sunset']);
    assert.deepEqual(parseQuery('Firenze', towns(['Firenze']), { now: NOW }).parts.map(brief), ['keyword:Firenze'], 'a keyword of that name is the keyword');
    assert.deepEqual(parseQuery('Florence', towns([], ['Florence Nightingale']), { now: NOW }).parts.map(brief), ['person:Florence Nightingale'], 'a person first, as before');
    assert.deepEqual(parseQuery('München', listLexicon({ places: ['Munich'] }), { now: NOW }).parts.map(brief), ['text:München'], 'without other names: a word, as before');
  });
});

describe('camera matching', () => {
  const cams = [cam('Canon', 'Canon EOS 5D Mark II'), cam('Canon', 'Canon EOS 5D Mark III'), cam('Canon', 'Canon EOS 6D'), cam('Canon', 'Canon EOS RP')];
  test('an exact phrase outranks a partial one, and a Mark III never comes before a Mark II', () => {
    const r = matchCameras(['canon', 'eos', '5d', 'mark', 'ii'], cams);
    assert.equal(r[0]!.model, 'Canon EOS 5D Mark II');
    assert.equal(r[0]!.exact, true);
    assert.deepEqual(r.map((c) => c.model), ['Canon EOS 5D Mark II', 'Canon EOS 5D Mark III']);
    assert.ok(r[1]!.score < r[0]!.score && r[1]!.tier === 0);
  });
  test('a maker alone asks for all its cameras alike: none exact, none ranked by its model words', () => {
    const r = matchCameras(['canon'], [...cams, cam('NIKON CORPORATION', 'NIKON D810')]);
    assert.deepEqual(r.map((c) => c.model).sort(), cams.map((c) => c.model).sort());
    assert.deepEqual(new Set(r.map((c) => `${c.score} ${c.tier} ${c.exact} ${c.byMaker}`)), new Set(['1 1 false true']));
    assert.equal(matchCameras(['canon', '6d'], cams)[0]!.byMaker, false);
  });
  test('shared series words alone never match ("EOS 5D" finds no 6D or RP)', () => {
    assert.deepEqual(matchCameras(['eos', '5d'], cams).map((c) => c.model).sort(), ['Canon EOS 5D Mark II', 'Canon EOS 5D Mark III']);
  });
});

describe('cameras by the names people call them', () => {
  const named = listLexicon({
    cameras: [
      cam('SONY', 'ILCE-7M3'), cam('SONY', 'ILCE-7M2'), cam('SONY', 'ILCE-7RM4'), cam('SONY', 'ILCE-6400'), cam('SONY', 'DSC-RX100M3'),
      cam('NIKON CORPORATION', 'NIKON Z 6'), cam('NIKON CORPORATION', 'NIKON Z 6_2'), cam('FUJIFILM', 'X-T3'),
      cam('OLYMPUS CORPORATION', 'E-M1MarkII'), cam('PENTAX', 'PENTAX K-5'), cam('PENTAX', 'PENTAX K-50'), cam('Canon', 'Canon EOS 5D Mark II'),
    ],
    keywords: ['beach'],
  });
  /** The cameras of the best tier, and whether that tier is an exact name. */
  const read = (q: string) => {
    const p = parseQuery(q, named, { now: NOW });
    const c = p.parts.find((x): x is Extract<QueryPart, { kind: 'camera' }> => x.kind === 'camera');
    return c ? `${c.cameras.filter((x) => x.tier === c.cameras[0]!.tier).map((x) => x.model).sort().join('|')}${c.cameras[0]!.exact ? '' : ' (partial)'}` : null;
  };
  for (const [q, want] of [
    ['a7 iii', 'ILCE-7M3'], ['a7iii', 'ILCE-7M3'], ['A7M3', 'ILCE-7M3'], ['α7 III', 'ILCE-7M3'], ['sony a7 mark iii', 'ILCE-7M3'], ['ILCE-7M3', 'ILCE-7M3'],
    ['a7 ii', 'ILCE-7M2'], ['a7r iv', 'ILCE-7RM4'], ['a7riv', 'ILCE-7RM4'], ['a6400', 'ILCE-6400'], ['rx100 iii', 'DSC-RX100M3'],
    ['a7', 'ILCE-7M2|ILCE-7M3 (partial)'],
    ['z6', 'NIKON Z 6'], ['nikon z6 ii', 'NIKON Z 6_2'], ['z 6', 'NIKON Z 6'],
    ['xt3', 'X-T3'], ['x-t3', 'X-T3'], ['em1 mark ii', 'E-M1MarkII'], ['e-m1 ii', 'E-M1MarkII'],
    ['k5', 'PENTAX K-5'], ['k-50', 'PENTAX K-50'], ['5d mark ii', 'Canon EOS 5D Mark II'], ['5dmkii', null],
  ] as const) {
    test(`"${q}" is ${want ?? 'no camera'}`, () => assert.equal(read(q), want));
  }
  test('the words after a camera name stay words ("a7iii beach")', () => {
    const p = parseQuery('a7iii beach', named, { now: NOW });
    assert.deepEqual(p.parts.map(brief), ['camera:ILCE-7M3', 'keyword:beach']);
  });
});

describe('date words', () => {
  test('"last summer" in July is the summer before; in September it is this one', () => {
    assert.equal(parseDateWords(['last', 'summer'], Date.UTC(2026, 6, 15))!.range.from, day(2025, 6));
    assert.equal(parseDateWords(['last', 'summer'], Date.UTC(2026, 8, 2))!.range.from, day(2026, 6));
  });
  test('open ends: "before 2010" ends where 2010 starts, "until 2010" takes it in, "after" and "since" alike', () => {
    const r = (q: string) => {
      const d = parseDateWords(q.split(' '), NOW);
      return d && { from: d.range.from, to: d.range.to, label: d.range.label, used: d.used };
    };
    assert.deepEqual(r('before 2010'), { from: -Infinity, to: day(2010, 1), label: 'before 2010', used: 2 });
    assert.deepEqual(r('until 2010'), { from: -Infinity, to: day(2011, 1), label: 'until 2010', used: 2 });
    assert.deepEqual(r('after June 2019 dog'), { from: day(2019, 7), to: Infinity, label: 'after June 2019', used: 3 });
    assert.deepEqual(r('since last summer'), { from: day(2026, 6), to: Infinity, label: 'since summer 2026', used: 3 });
    assert.deepEqual(r('before the 90s'), { from: -Infinity, to: day(1990, 1), label: 'before the 1990s', used: 3 });
    assert.equal(r('before dinner'), null);
    assert.equal(r('before before 2010'), null, 'an open end of an open end is not a date');
  });
  test('weeks start on Monday; a weekend is Saturday and Sunday', () => {
    const wed = Date.UTC(2026, 11, 2, 15); // Wednesday 2 December 2026
    const r = (q: string) => parseDateWords(q.split(' '), wed)?.range;
    assert.deepEqual(r('this week'), { from: day(2026, 11, 30), to: day(2026, 12, 7), label: 'this week' });
    assert.deepEqual(r('last week'), { from: day(2026, 11, 23), to: day(2026, 11, 30), label: 'last week' });
    assert.deepEqual(r('last weekend'), { from: day(2026, 11, 28), to: day(2026, 11, 30), label: 'last weekend' });
    assert.deepEqual(r('past week'), { from: wed - 7 * 86_400_000, to: wed + 1, label: 'the past week' });
    const sunday = Date.UTC(2026, 11, 6, 9);
    assert.deepEqual(parseDateWords(['this', 'weekend'], sunday)?.range, { from: day(2026, 12, 5), to: day(2026, 12, 7), label: 'this weekend' });
  });
  test('decades and Christmas', () => {
    const r = (q: string) => parseDateWords(q.split(' '), NOW)?.range;
    assert.deepEqual(r('2010s'), { from: day(2010, 1), to: day(2020, 1), label: 'the 2010s' });
    assert.deepEqual(r('90s'), { from: day(1990, 1), to: day(2000, 1), label: 'the 1990s' });
    assert.deepEqual(r("'80s"), { from: day(1980, 1), to: day(1990, 1), label: 'the 1980s' });
    assert.deepEqual(r('00s'), { from: day(2000, 1), to: day(2010, 1), label: 'the 2000s' });
    assert.deepEqual(r('christmas 2019'), { from: day(2019, 12, 24), to: day(2019, 12, 27), label: 'Christmas 2019' });
    assert.equal(r('5s'), undefined);
    assert.equal(r('christmas'), undefined, 'every Christmas is not one range');
  });
  test('an open-ended date filters a search on its one bound, and the query keeps its other words', () => {
    const p = parseQuery('dog before 2010', lex, { now: NOW });
    assert.deepEqual(p.parts.map((x) => x.kind), ['keyword', 'date']);
    assert.equal(p.text, 'dog');
  });
  test('not dates: a reversed range, month 13, a lone month word', () => {
    assert.equal(parseDateWords(['2021-2019'], NOW), null);
    assert.equal(parseDateWords(['2019-13'], NOW), null);
    assert.equal(parseDateWords(['june'], NOW), null);
  });
});
