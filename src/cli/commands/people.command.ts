import { parseArgs } from 'node:util';
import {
  getPerson,
  ignorePerson,
  listPeople,
  markNotFace,
  mergePeople,
  moveFace,
  namePerson,
  regroupAll,
  removeFace,
  suggestionsFor,
  undoLast,
  type ActionResult,
  type PeopleListing,
} from '../../people/index.js';
import type { WritableDb } from '../../store/db.js';
import { printJson, UsageError, type CliCommand, type CliEnv } from '../command.js';
import { hasIndex, openIndexForChange } from '../open-index.js';

const USAGE = `rawlight people [--json] [--all]            persons and unnamed groups (--all: with ignored ones)
rawlight people name GROUP_OR_PERSON "Name"   name a group (joins the person of that name if there is one)
rawlight people rename PERSON "Name"
rawlight people merge A B                     merge A into B (a named person always survives)
rawlight people remove-face FACE              take a face out of its person, never suggest it again
rawlight people move-face FACE PERSON         move a face to a person (id or name; a new name creates one)
rawlight people ignore GROUP                  keep a person or group out of names and suggestions
rawlight people unignore GROUP
rawlight people not-face FACE                 mark a detection as not a face
rawlight people suggest GROUP                 named people the group resembles, with similarity
rawlight people undo                          undo the last people action
rawlight people regroup                       run the full grouping job now`;

function faceArg(v: string | undefined, what = 'FACE'): number {
  if (!v || !/^\d+$/.test(v)) throw new UsageError(`${what} must be a face id`);
  return Number(v);
}

function need(v: string | undefined, what: string): string {
  if (v === undefined || v.trim() === '') throw new UsageError(`missing ${what}`);
  return v;
}

function printAction(env: CliEnv, db: WritableDb, json: boolean, r: ActionResult): void {
  if (json) return printJson(env.io, r);
  const name = r.personId !== null ? getPerson(db, r.personId)?.name : undefined;
  const undid = r.kind === 'undo' ? (r.details as { undid?: number; kind?: string }) : null;
  const who = r.personId !== null ? ` (person ${r.personId}${name ? `, "${name}"` : ''})` : undid?.undid ? ` (${undid.kind?.replace('_', '-')} #${undid.undid} reverted)` : '';
  env.io.stdout.write(`${r.kind} done${who}, action #${r.actionId}; ${r.files.length} photo(s) queued for XMP writeback.\n`);
  // Two named people made one: the name that is gone, said plainly (its photos' XMP is rewritten).
  const { fromName, intoName } = r.details as { fromName?: string | null; intoName?: string | null };
  if (r.kind === 'merge' && fromName && intoName && fromName !== intoName) {
    env.io.stdout.write(`"${fromName}" is no longer a person: those faces are "${intoName}" now.\n`);
  }
  if (r.kind !== 'undo') env.io.stdout.write('`rawlight people undo` reverts it.\n');
}

function printListing(env: CliEnv, db: WritableDb, includeIgnored: boolean): void {
  const l = listPeople(db, { includeIgnored });
  for (const p of l.persons) {
    const label = p.name ?? `(unnamed group)`;
    const tip = p.name === null ? suggestionsFor(db, p.id, { limit: 1 })[0] : undefined;
    const hint = tip ? `  looks like ${tip.name} (${tip.similarity.toFixed(2)})` : '';
    // Who a group is, the user can only tell from a photo: the one its representative face is in.
    const example = p.name === null && p.representative ? `  e.g. face ${p.representative.id} in ${p.representative.path}` : '';
    env.io.stdout.write(`${String(p.id).padStart(5)}  ${label}${p.ignored ? ' [ignored]' : ''}  ${p.faceCount} face(s) in ${p.photoCount} photo(s)${hint}${example}\n`);
  }
  env.io.stdout.write(listingSummary(l));
}

function listingSummary(l: PeopleListing, why = ''): string {
  return `${l.persons.length} person(s)/group(s); ${l.unassigned.length} face(s) not in any group${why}.\n`;
}

export const peopleCommand: CliCommand = {
  name: 'people',
  summary: 'People: list persons and groups, name, merge, correct, undo',
  usage: USAGE,
  async run(args, env) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: { json: { type: 'boolean', default: false }, all: { type: 'boolean', default: false } },
    });
    const [sub, a, b] = positionals;
    const json = values.json ?? false;
    const listing = sub === undefined || sub === 'list';
    if (listing && !hasIndex(env.places)) {
      // Nothing indexed yet: nobody to list (as `status` says), and no database made to say so.
      const empty: PeopleListing = { persons: [], unassigned: [] };
      if (json) printJson(env.io, empty);
      else env.io.stdout.write(listingSummary(empty, ' (nothing indexed yet)'));
      return 0;
    }
    const db = openIndexForChange(env.places);
    try {
      switch (sub) {
        case undefined:
        case 'list':
          if (json) printJson(env.io, listPeople(db, { includeIgnored: values.all ?? false }));
          else printListing(env, db, values.all ?? false);
          return 0;
        case 'name':
          printAction(env, db, json, namePerson(db, need(a, 'GROUP_OR_PERSON'), need(b, 'Name')));
          return 0;
        case 'rename':
          printAction(env, db, json, namePerson(db, need(a, 'PERSON'), need(b, 'Name')));
          return 0;
        case 'merge':
          printAction(env, db, json, mergePeople(db, need(a, 'A'), need(b, 'B')));
          return 0;
        case 'remove-face':
          printAction(env, db, json, removeFace(db, faceArg(a)));
          return 0;
        case 'move-face':
          printAction(env, db, json, moveFace(db, faceArg(a), need(b, 'PERSON')));
          return 0;
        case 'ignore':
        case 'unignore':
          printAction(env, db, json, ignorePerson(db, need(a, 'GROUP'), sub === 'ignore'));
          return 0;
        case 'not-face':
          printAction(env, db, json, markNotFace(db, faceArg(a)));
          return 0;
        case 'suggest': {
          const id = Number(need(a, 'GROUP'));
          if (!Number.isInteger(id)) throw new UsageError('GROUP must be an id');
          const s = suggestionsFor(db, id);
          if (json) printJson(env.io, { group: id, suggestions: s });
          else if (s.length === 0) env.io.stdout.write('No named person looks like this group.\n');
          else for (const x of s) env.io.stdout.write(`${x.name} (person ${x.personId}): ${x.similarity.toFixed(3)}${x.strong ? ' (strong)' : ''}\n`);
          return 0;
        }
        case 'undo':
          printAction(env, db, json, undoLast(db));
          return 0;
        case 'regroup': {
          const r = await regroupAll(db);
          if (json) printJson(env.io, r);
          else
            env.io.stdout.write(
              `Grouped ${r.faces} face(s) in ${(r.ms.total / 1000).toFixed(1)} s: ${r.attached} attached to people, ${r.grouped} in groups (${r.groups.created} new), ${r.unassigned} alone.\n`,
            );
          return 0;
        }
        default:
          throw new UsageError(`unknown subcommand "${sub}"`);
      }
    } finally {
      db.close();
    }
  },
};
