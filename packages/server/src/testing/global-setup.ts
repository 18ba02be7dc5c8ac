import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { pgliteDatabase, postgresDatabase, type Database } from '../core/db/database.ts';
import { migrateToLatest } from '../core/db/migrate.ts';
import { createFieldCipher } from '../core/crypto/crypto.ts';
import { hashPassword } from '../modules/identity/index.ts';
import { ensureLexicon, ensureShippedCatalogue } from '../modules/resources/index.ts';
import { buildWorld, WORLD_PASSWORD, type World } from './world.ts';
import { TEST_SECRET_KEY, templateName } from './test-db.ts';

declare module 'vitest' {
  // eslint-disable-next-line @typescript-eslint/consistent-type-definitions -- module augmentation needs an interface
  interface ProvidedContext {
    qimingTemplate: { kind: 'pglite'; dumpFile: string } | { kind: 'postgres'; url: string; template: string };
    qimingWorld: World;
  }
}

/** Migrates one template database and builds the fixture world in it; each test file clones it. */
export default async function setup(project: TestProject) {
  const url = process.env.DATABASE_URL;
  let database: Database;
  let cleanup: () => Promise<void>;
  if (url) {
    const template = templateName();
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${template}`);
    await admin.query(`CREATE DATABASE ${template}`);
    const tplUrl = new URL(url);
    tplUrl.pathname = `/${template}`;
    database = postgresDatabase(tplUrl.toString(), { max: 2 });
    project.provide('qimingTemplate', { kind: 'postgres', url, template });
    cleanup = async () => {
      // drop clones a crashed run may have left, then the template
      const { rows } = await admin.query(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [`${template}\\_c\\_%`]);
      for (const r of rows) await admin.query(`DROP DATABASE IF EXISTS ${r.datname} WITH (FORCE)`);
      await admin.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
      await admin.end();
    };
  } else {
    const pglite = await PGlite.create();
    database = pgliteDatabase(pglite);
    cleanup = async () => {};
  }
  await migrateToLatest(database.db);
  await ensureShippedCatalogue(database.db);
  await ensureLexicon(database.db);
  const world = await buildWorld({
    db: database.db,
    cipher: createFieldCipher(TEST_SECRET_KEY),
    passwordHash: await hashPassword(WORLD_PASSWORD),
  });
  project.provide('qimingWorld', world);

  if (database.kind === 'pglite') {
    const dir = path.resolve(import.meta.dirname, '../../../../.tmp/test-template');
    mkdirSync(dir, { recursive: true });
    const dumpFile = path.join(dir, `template-${process.pid}.tar.gz`);
    const dump = await database.dump!();
    writeFileSync(dumpFile, Buffer.from(await dump.arrayBuffer()));
    project.provide('qimingTemplate', { kind: 'pglite', dumpFile });
    await database.close();
    return async () => rmSync(dumpFile, { force: true });
  }
  await database.close();
  return cleanup;
}
