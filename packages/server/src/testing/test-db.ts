import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { inject } from 'vitest';
import { pgliteDatabase, postgresDatabase, type Database } from '../core/db/database.ts';

export const TEST_SECRET_KEY = 'qiming-test-secret-key-not-for-production';

/** One template per test run; the pid of the run's main process keeps parallel runs apart. */
export const templateName = (): string => `qiming_tpl_${process.pid}`;

/** A fresh database for one test file, cloned from the migrated template with the fixture world. */
export async function createTestDatabase(): Promise<Database & { url?: string }> {
  const tpl = inject('qimingTemplate');
  if (tpl.kind === 'pglite') {
    const pglite = await PGlite.create({ loadDataDir: new Blob([readFileSync(tpl.dumpFile)]) });
    return pgliteDatabase(pglite);
  }
  const name = `${tpl.template}_c_${Math.random().toString(36).slice(2, 10)}`;
  const admin = new pg.Client({ connectionString: tpl.url });
  await admin.connect();
  for (let attempt = 0; ; attempt++) {
    try {
      await admin.query(`CREATE DATABASE ${name} TEMPLATE ${tpl.template}`);
      break;
    } catch (err) {
      // two files cloning at the same instant: "source database is being accessed by other users"
      if (attempt >= 20 || (err as { code?: string }).code !== '55006') throw err;
      await new Promise((r) => setTimeout(r, 100 + Math.random() * 200));
    }
  }
  const url = new URL(tpl.url);
  url.pathname = `/${name}`;
  const database = postgresDatabase(url.toString(), { max: 5 });
  return {
    ...database,
    url: url.toString(),
    close: async () => {
      await database.close();
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}
