import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import Database from 'better-sqlite3';
import * as sqliteVec from 'sqlite-vec';
import { defaultMigrationsDir } from '../../../src/store/db.js';
import { listMigrations, migrate, schemaVersion } from '../../../src/store/migrate.js';

test('the project migrations apply in order and record their version', () => {
  const db = new Database(':memory:');
  sqliteVec.load(db); // the faces and CLIP tables are sqlite-vec virtual tables
  const r = migrate(db, defaultMigrationsDir());
  const all = listMigrations(defaultMigrationsDir());
  assert.equal(r.to, all.at(-1)!.version);
  assert.equal(schemaVersion(db), r.to);
  assert.deepEqual(migrate(db, defaultMigrationsDir()).applied, [], 'a second run applies nothing');
});

test('a failing migration leaves the database as it was; duplicate numbers and future versions are refused', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'rawlight-mig-'));
  try {
    writeFileSync(path.join(dir, '0010-a.sql'), 'CREATE TABLE a (x);');
    writeFileSync(path.join(dir, '0020-b.sql'), 'CREATE TABLE b (x); THIS IS NOT SQL;');
    const db = new Database(':memory:');
    assert.throws(() => migrate(db, dir), /DB_MIGRATION_FAILED|0020-b/);
    assert.equal(schemaVersion(db), 0);
    assert.equal((db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE name = 'a'`).get() as { n: number }).n, 0, 'rolled back as one transaction');
    writeFileSync(path.join(dir, '0020-b.sql'), 'CREATE TABLE b (x);');
    writeFileSync(path.join(dir, '0020-c.sql'), 'CREATE TABLE c (x);');
    assert.throws(() => listMigrations(dir), /must go up/);
    rmSync(path.join(dir, '0020-c.sql'));
    migrate(db, dir);
    db.pragma('user_version = 99');
    assert.throws(() => migrate(db, dir), /version 99/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
