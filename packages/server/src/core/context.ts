import type { Permission, Role } from '@qiming/shared';
import type { Config } from './config.ts';
import type { FieldCipher } from './crypto/crypto.ts';
import type { Db, DatabaseKind, DbChanges } from './db/database.ts';
import type { RateLimitStore } from './rate-limit/index.ts';
import type { Storage } from './storage/storage.ts';

/** Process-wide services, built once at start-up. */
export type AppContext = {
  db: Db;
  dbKind: DatabaseKind;
  config: Config;
  cipher: FieldCipher;
  /** Stored files (resources, attachments): a local folder by default. */
  storage: Storage;
  startedAt: number;
  /** Notifications and this process's own writes (the actor cache listens); unset: nothing is cached. */
  changes?: DbChanges;
  /** Where rate-limit counters live; unset means the database (shared by every process on it). */
  rateLimitStore?: RateLimitStore;
};

/** A grant of the active role, with the organisation path it covers. */
export type ScopeGrant = { grantId: string; role: Role; scopeId: string | null; scopePath: string | null; subject: string | null };

export type Actor = {
  userId: string;
  username: string;
  displayName: string;
  sessionId: string;
  role: Role | null;
  roles: Role[];
  /** Grants of the active role only: switching role changes what the actor may reach. */
  grants: ScopeGrant[];
  permissions: ReadonlySet<Permission>;
  mustChangePassword: boolean;
  /** Holds a role that requires two-step verification but has not enrolled: only enrolment is reachable. */
  mfaEnrollmentRequired: boolean;
};

export type RequestContext = AppContext & {
  actor: Actor | null;
  ip: string | null;
  requestId: string;
};

export type AuthedContext = RequestContext & { actor: Actor };
