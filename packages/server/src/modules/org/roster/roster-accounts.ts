import { randomUUID } from 'node:crypto';
import type { GuardianRelation } from '@qiming/shared';
import type { AuthedContext } from '../../../core/context.ts';
import type { Tx } from '../../../core/db/database.ts';
import { usernameTaken, userValues } from '../people.repository.ts';
import * as repo from './roster.repository.ts';

/** What every batch of a commit writes with: the school, and the one password hash of the job's new accounts. */
export type WriteContext = {
  ctx: Pick<AuthedContext, 'cipher' | 'actor'>;
  schoolId: string;
  /** Qualifies a username already taken elsewhere on the platform (the 学校标识码). */
  schoolCode: string;
  classes: Map<string, { id: string; path: string }>;
  passwordHash: string;
};

export type WriteResult = { created: number; updated: number; accounts: number };

/**
 * Usernames for a batch of new accounts, found with one query: the preferred name, else the name
 * qualified with the school code, else numbered (rare, looked up one by one).
 */
export async function allocateUsernames(tx: Tx, preferred: string[], qualifier: string): Promise<string[]> {
  const taken = await repo.takenUsernames(tx, preferred);
  const qualified = preferred.map((p) => `${p}_${qualifier}`);
  // only names already taken need their qualified form looked up (re-imports and clashes; rare)
  for (const name of await repo.takenUsernames(
    tx,
    qualified.filter((_, i) => taken.has(preferred[i].toLowerCase())),
  ))
    taken.add(name);
  const out: string[] = [];
  for (let i = 0; i < preferred.length; i++) {
    let name = [preferred[i], qualified[i]].find((n) => !taken.has(n.toLowerCase()));
    for (let k = 2; !name; k++) {
      const candidate = `${qualified[i]}_${k}`;
      if (!taken.has(candidate.toLowerCase()) && !(await usernameTaken(tx, candidate))) name = candidate;
    }
    taken.add(name.toLowerCase());
    out.push(name);
  }
  return out;
}

export type GuardianLink = {
  studentId: string;
  name: string;
  phone: string;
  phoneBidx: string;
  relation: GuardianRelation;
  /** true/false: set as the file says; null: keep an existing link's mark, and make a new link primary when the pupil has none. */
  isPrimary: boolean | null;
};

/**
 * Links guardians to pupils in bulk, the way addGuardian does one at a time: a phone already on
 * the platform reuses that account (siblings share one parent account, a teacher can be a parent),
 * otherwise a parent account is created; every parent holds the parent role at the school.
 */
export async function linkGuardians(tx: Tx, w: WriteContext, links: GuardianLink[]): Promise<WriteResult> {
  if (!links.length) return { created: 0, updated: 0, accounts: 0 };
  const parentByPhone = new Map<string, string>();
  for (const u of await repo.findUsersByPhone(
    tx,
    links.map((l) => l.phoneBidx),
  )) {
    if (u.phone_bidx && !parentByPhone.has(u.phone_bidx)) parentByPhone.set(u.phone_bidx, u.id);
  }
  const missing = [...new Map(links.filter((l) => !parentByPhone.has(l.phoneBidx)).map((l) => [l.phoneBidx, l])).values()];
  if (missing.length) {
    const names = await allocateUsernames(
      tx,
      missing.map((l) => `p${l.phone}`),
      w.schoolCode,
    );
    const users = missing.map((l, i) =>
      userValues(w.ctx.cipher, {
        username: names[i],
        displayName: l.name,
        gender: null,
        phone: l.phone,
        homeOrgId: w.schoolId,
        passwordHash: w.passwordHash,
        mustChangePassword: true,
      }),
    );
    await repo.insertMany(tx, 'users', users);
    users.forEach((u, i) => parentByPhone.set(missing[i].phoneBidx, u.id));
  }
  // a parent's reach is their children (guardianships); the grant's scope only records the school.
  // New accounts cannot hold it yet; existing ones may (ON CONFLICT, which costs more).
  const grant = (id: string) => ({
    id: randomUUID(),
    user_id: id,
    role: 'parent',
    scope_id: w.schoolId,
    scope_path: null,
    subject: null,
    granted_by: w.ctx.actor.userId,
    created_at: new Date(),
  });
  const created = new Set(missing.map((l) => parentByPhone.get(l.phoneBidx)!));
  const parentIds = [...new Set(links.map((l) => parentByPhone.get(l.phoneBidx)!))];
  await repo.insertMany(tx, 'role_grants', parentIds.filter((id) => created.has(id)).map(grant));
  await repo.insertGrantsIgnoringDuplicates(tx, parentIds.filter((id) => !created.has(id)).map(grant));

  const existing = await repo.findGuardianships(tx, [...new Set(links.map((l) => l.studentId))]);
  const linkOf = new Map(existing.map((g) => [`${g.parent_id}:${g.student_id}`, g]));
  const hasPrimary = new Set(existing.filter((g) => g.is_primary).map((g) => g.student_id));
  const newPrimaryFor = new Set<string>();
  const inserts = new Map<string, { parent_id: string; student_id: string; relation: string; is_primary: boolean; created_at: Date }>();
  const updates = new Map<string, { parentId: string; studentId: string; relation: string; isPrimary: boolean }>();
  for (const l of links) {
    const parentId = parentByPhone.get(l.phoneBidx)!;
    const key = `${parentId}:${l.studentId}`;
    const current = linkOf.get(key);
    if (l.isPrimary) newPrimaryFor.add(l.studentId);
    if (current) {
      updates.set(key, { parentId, studentId: l.studentId, relation: l.relation, isPrimary: l.isPrimary ?? current.is_primary });
    } else {
      const isPrimary = l.isPrimary ?? !hasPrimary.has(l.studentId);
      if (isPrimary) hasPrimary.add(l.studentId);
      inserts.set(key, {
        parent_id: parentId,
        student_id: l.studentId,
        relation: l.relation,
        is_primary: isPrimary,
        created_at: new Date(),
      });
    }
  }
  // a pupil has one primary contact: a newly marked one replaces the old (links in this batch are rewritten below)
  await repo.clearPrimaryGuardians(tx, [...newPrimaryFor]);
  await repo.updateGuardianships(tx, [...updates.values()]);
  await repo.insertMany(tx, 'guardianships', [...inserts.values()]);
  return { created: inserts.size, updated: updates.size, accounts: missing.length };
}
