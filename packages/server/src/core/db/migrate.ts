import { Migrator, type Migration, type MigrationProvider } from 'kysely';
import type { Db } from './database.ts';
import * as foundation from '../../db/migrations/20261123150000-foundation.ts';
import * as roster from '../../db/migrations/20261123161500-roster.ts';
import * as homework from '../../db/migrations/20261201081000-homework.ts';
import * as rateLimits from '../../db/migrations/20261201081500-rate-limits.ts';
import * as search from '../../db/migrations/20261201080600-search.ts';
import * as mfa from '../../db/migrations/20261201082500-mfa.ts';
import * as items from '../../db/migrations/20261201081000-items.ts';
import * as sso from '../../db/migrations/20261201082500-sso.ts';
import * as ssoCasUpstream from '../../db/migrations/20261201090500-sso-cas-upstream.ts';
import * as homeworkPractice from '../../db/migrations/20261201082500-homework-practice.ts';
import * as resources from '../../db/migrations/20261201080800-resources.ts';
import * as searchInvertedIndex from '../../db/migrations/20261201120000-search-inverted-index.ts';
import * as upstreamChallenges from '../../db/migrations/20261201113000-upstream-challenges.ts';
import * as authChangeNotify from '../../db/migrations/20261201150000-auth-change-notify.ts';
import * as itemsReadableStemText from '../../db/migrations/20261206233000-items-readable-stem-text.ts';
import * as lrsRecords from '../../db/migrations/20261207000000-lrs-records.ts';
import * as lrsRecordsCompact from '../../db/migrations/20261207030000-lrs-records-compact.ts';
import * as hwResponsesAttemptCheck from '../../db/migrations/20261207031000-hw-responses-attempt-check.ts';
import * as hwAttemptsTruncateTogether from '../../db/migrations/20261207041000-hw-attempts-truncate-together.ts';

/** Migrations in order; timestamped names, never edited after they land. */
const MIGRATIONS: Record<string, Migration> = {
  '20261123150000-foundation': foundation,
  '20261123161500-roster': roster,
  '20261201081000-homework': homework,
  '20261201081500-rate-limits': rateLimits,
  '20261201080600-search': search,
  '20261201082500-mfa': mfa,
  '20261201081000-items': items,
  '20261201082500-sso': sso,
  '20261201090500-sso-cas-upstream': ssoCasUpstream,
  '20261201082500-homework-practice': homeworkPractice,
  '20261201080800-resources': resources,
  '20261201120000-search-inverted-index': searchInvertedIndex,
  '20261201113000-upstream-challenges': upstreamChallenges,
  '20261201150000-auth-change-notify': authChangeNotify,
  '20261206233000-items-readable-stem-text': itemsReadableStemText,
  '20261207000000-lrs-records': lrsRecords,
  '20261207030000-lrs-records-compact': lrsRecordsCompact,
  '20261207031000-hw-responses-attempt-check': hwResponsesAttemptCheck,
  '20261207041000-hw-attempts-truncate-together': hwAttemptsTruncateTogether,
};

const provider: MigrationProvider = { getMigrations: async () => MIGRATIONS };

/**
 * Modules land their migrations independently, so a database migrated with a later module's
 * migration must still accept an earlier-timestamped one from another module: unordered is allowed.
 */
const newMigrator = (db: Db): Migrator =>
  new Migrator({
    db,
    provider,
    migrationTableName: 'qiming_migrations',
    migrationLockTableName: 'qiming_migrations_lock',
    allowUnorderedMigrations: true,
  });

export async function migrateToLatest(db: Db): Promise<string | null> {
  const migrator = newMigrator(db);
  const { error, results } = await migrator.migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === 'Error');
    throw new Error(`Migration ${failed?.migrationName ?? ''} failed: ${String(error)}`, { cause: error });
  }
  return latestMigration();
}

export const latestMigration = (): string | null => Object.keys(MIGRATIONS).sort().at(-1) ?? null;

export async function currentMigration(db: Db): Promise<string | null> {
  const migrator = newMigrator(db);
  const all = await migrator.getMigrations();
  return (
    all
      .filter((m) => m.executedAt)
      .map((m) => m.name)
      .sort()
      .at(-1) ?? null
  );
}
