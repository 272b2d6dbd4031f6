import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { DesiredState } from '../../../src/xmp/desired-state.js';
import { regionKey } from '../../../src/xmp/fields.js';
import { planChanges, planIsNoop, type Plan, type ValueRecord } from '../../../src/xmp/plan.js';
import { emptySnapshot, type XmpSnapshot } from '../../../src/xmp/snapshot.js';

function desired(over: Partial<DesiredState> = {}): DesiredState {
  return { subject: [], hierarchical: [], person: [], tagsList: [], regions: [], dims: { w: 100, h: 50 }, scalars: {}, spotlightKeywords: [], people: [], ...over };
}

/** Applies a plan's changes to a snapshot (what a faithful ExifTool write would do). */
function apply(snap: XmpSnapshot, plan: Plan): XmpSnapshot {
  const s = structuredClone(snap);
  s.exists = true;
  for (const c of plan.changes) {
    if (c.field === 'subject' || c.field === 'hierarchical' || c.field === 'person' || c.field === 'tagsList') {
      s.lists[c.field] = c.op === 'add' ? [...s.lists[c.field], c.value] : s.lists[c.field].filter((v) => v !== c.value);
    } else if (c.field === 'region') {
      const r = JSON.parse(c.value) as { name: string; x: string; y: string; w: string; h: string };
      if (c.op === 'add') s.regions.push({ name: r.name, type: 'Face', x: +r.x, y: +r.y, w: +r.w, h: +r.h });
      else s.regions = s.regions.filter((x) => !(x.name === r.name && x.x === +r.x));
    } else if (c.op === 'remove') {
      if (s.scalars[c.field] === c.value) delete s.scalars[c.field];
    } else if ((s.scalars[c.field] ?? null) === (c.expect ?? null)) {
      s.scalars[c.field] = c.value;
    }
  }
  if (plan.setDims) s.hasDims = true;
  return s;
}

const region = (name: string, x = '0.500000') => ({ name, x, y: '0.500000', w: '0.100000', h: '0.100000' });

describe('planChanges', () => {
  test('adds everything to an empty file, then is a no-op', () => {
    const d = desired({ subject: ['dog'], hierarchical: ['rawlight|Objects|dog'], person: ['Ann'], regions: [region('Ann')], scalars: { city: 'Arezzo' } });
    const p1 = planChanges(d, emptySnapshot(), []);
    assert.deepEqual(
      p1.changes.map((c) => [c.field, c.op, c.value]),
      [
        ['subject', 'add', 'dog'],
        ['hierarchical', 'add', 'rawlight|Objects|dog'],
        ['person', 'add', 'Ann'],
        ['city', 'add', 'Arezzo'],
        ['region', 'add', regionKey(region('Ann'))],
      ],
    );
    assert.equal(p1.changes.find((c) => c.field === 'city')!.expect, null, 'scalars are set only if absent');
    assert.deepEqual(p1.setDims, { w: 100, h: 50 });
    const p2 = planChanges(d, apply(emptySnapshot(), p1), p1.records);
    assert.ok(planIsNoop(p2), JSON.stringify(p2.changes));
    assert.deepEqual(p2.records, p1.records);
  });

  test('never claims a value the user already had, so never removes it', () => {
    const snap = emptySnapshot();
    snap.lists.subject = ['dog'];
    const p1 = planChanges(desired({ subject: ['dog'] }), snap, []);
    assert.equal(p1.changes.length, 0);
    const p2 = planChanges(desired(), snap, p1.records);
    assert.equal(p2.changes.length, 0, 'the user\'s dog stays when the model drops it');
  });

  test('a value the user deleted stays deleted (sticky), even when wanted again later', () => {
    const d = desired({ subject: ['dog', 'cat'] });
    const p1 = planChanges(d, emptySnapshot(), []);
    const after = apply(emptySnapshot(), p1);
    after.lists.subject = after.lists.subject.filter((v) => v !== 'dog'); // the user deletes it
    const p2 = planChanges(d, after, p1.records);
    assert.deepEqual(p2.changes, []);
    assert.deepEqual(p2.userRemoved, [{ field: 'subject', value: 'dog' }]);
    const p3 = planChanges(desired({ subject: ['dog', 'cat', 'bird'] }), after, p2.records);
    assert.deepEqual(p3.changes.map((c) => c.value), ['bird']);
  });

  test('a person renamed: own values replaced, the user\'s names untouched', () => {
    const snap = emptySnapshot();
    snap.lists.person = ['Aunt May'];
    snap.regions = [{ name: 'Aunt May', type: 'Face', x: 0.2, y: 0.2, w: 0.1, h: 0.1 }];
    const p1 = planChanges(desired({ person: ['Bob'], regions: [region('Bob')] }), snap, []);
    const after = apply(snap, p1);
    const p2 = planChanges(desired({ person: ['Robert'], regions: [region('Robert')] }), after, p1.records);
    assert.deepEqual(
      p2.changes.map((c) => [c.field, c.op, c.field === 'region' ? JSON.parse(c.value).name : c.value]),
      [
        ['person', 'remove', 'Bob'],
        ['person', 'add', 'Robert'],
        ['region', 'remove', 'Bob'],
        ['region', 'add', 'Robert'],
      ],
    );
    const final = apply(after, p2);
    assert.deepEqual(final.lists.person, ['Aunt May', 'Robert']);
    assert.deepEqual(final.regions.map((r) => r.name), ['Aunt May', 'Robert']);
    assert.equal(p2.setDims, null, 'dims only for a file that has none');
  });

  test('a region whose name the user already has is not duplicated', () => {
    const snap = emptySnapshot();
    snap.regions = [{ name: 'Ann', type: 'Face', x: 0.3, y: 0.3, w: 0.1, h: 0.1 }];
    snap.hasDims = true;
    assert.deepEqual(planChanges(desired({ regions: [region('Ann')] }), snap, []).changes, []);
  });

  test('scalars: foreign value is a conflict; own value is replaced conditionally; user edit becomes theirs', () => {
    const snap = emptySnapshot();
    snap.scalars.city = 'Berkeley';
    const p1 = planChanges(desired({ scalars: { city: 'Arezzo' } }), snap, []);
    assert.deepEqual(p1.changes, []);
    assert.deepEqual(p1.conflicts, [{ field: 'city', wanted: 'Arezzo', fileValue: 'Berkeley' }]);

    const p2 = planChanges(desired({ scalars: { city: 'Arezzo' } }), emptySnapshot(), []);
    const after = apply(emptySnapshot(), p2);
    const p3 = planChanges(desired({ scalars: { city: 'Siena' } }), after, p2.records);
    assert.deepEqual(p3.changes, [{ field: 'city', op: 'add', value: 'Siena', expect: 'Arezzo' }]);
    const p4 = planChanges(desired(), apply(after, p3), p3.records);
    assert.deepEqual(p4.changes, [{ field: 'city', op: 'remove', value: 'Siena' }]);

    const edited = structuredClone(after);
    edited.scalars.city = 'Firenze';
    const p5 = planChanges(desired({ scalars: { city: 'Siena' } }), edited, p2.records);
    assert.deepEqual(p5.changes, []);
    assert.deepEqual(p5.conflicts, [{ field: 'city', wanted: 'Siena', fileValue: 'Firenze' }]);
    assert.deepEqual(p5.userRemoved, [{ field: 'city', value: 'Arezzo' }]);
  });

  test('records carry conflicts and stickies forward', () => {
    const prev: ValueRecord[] = [{ field: 'subject', value: 'dog', status: 'user-removed', fileValue: null }];
    const p = planChanges(desired({ subject: ['dog'] }), emptySnapshot(), prev);
    assert.deepEqual(p.changes, []);
    assert.deepEqual(p.records, prev);
  });
});

describe('idempotent adds', () => {
  test('a value already in the file in another Unicode form or spacing is not appended again', () => {
    const nfd = 'Cafe\u0301 de Flore';
    const snap = emptySnapshot();
    snap.exists = true;
    snap.lists.subject = [`  ${nfd} `];
    snap.lists.person = ['Marie  Curie'];
    const d = desired({ subject: ['Café de Flore', 'dog'], person: ['Marie Curie'] });
    const p = planChanges(d, snap, []);
    assert.deepEqual(p.changes.map((c) => [c.field, c.op, c.value]), [['subject', 'add', 'dog']]);
  });

  test('a desired list with the same value twice (two faces of one person) adds it once', () => {
    const p = planChanges(desired({ person: ['Marie Curie', 'Marie Curie'], subject: ['Palisade', 'Palisade'] }), emptySnapshot(), []);
    assert.deepEqual(p.changes.map((c) => [c.field, c.value]), [['subject', 'Palisade'], ['person', 'Marie Curie']]);
  });

  test('planning again on the written result is a no-op (second import writes nothing)', () => {
    const d = desired({ subject: ['Palisade'], person: ['Marie Curie'], regions: [region('Marie Curie')] });
    const p1 = planChanges(d, emptySnapshot(), []);
    const p2 = planChanges(d, apply(emptySnapshot(), p1), p1.records);
    assert.ok(planIsNoop(p2));
  });
});
